/**
 * Not a test: runs the GLSL front end over piglit's compiler tests (if installed) and
 * prints the agreement rate with their `expect_result`. Usage:
 *   node dist/test/compiler/piglit_corpus.js [piglitSpecDir] [-v]
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileFrontEnd, SUPPORTED_EXTENSIONS } from '../../src/umd/compiler/glsl/index.js';

function walk(dir: string, out: string[]): void {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(vert|frag)$/.test(f)) out.push(p);
  }
}

const root = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : '/usr/lib/x86_64-linux-gnu/piglit/tests/spec';
const verbose = process.argv.includes('-v');
// WebGL-strict GLSL ES Appendix A checks are on by default; Mesa (piglit's reference) does not apply them.
const enforceAppendixA = !process.argv.includes('--no-appendix-a');
if (!existsSync(root)) {
  console.log('piglit not installed');
  process.exit(0);
}
let total = 0;
let agree = 0;
for (const sub of ['glsl-es-1.00/compiler', 'glsl-1.10/compiler', 'glsl-1.20/compiler', 'glsl-1.10/preprocessor', 'oes_standard_derivatives/compiler']) {
  const files: string[] = [];
  walk(join(root, sub), files);
  let t = 0;
  let a = 0;
  let skipped = 0;
  for (const f of files.sort()) {
    const src = readFileSync(f, 'utf8');
    const cfg = /\[config\]([\s\S]*?)\[end config\]/.exec(src)?.[1] ?? '';
    const expect = /expect_result:\s*(\w+)/.exec(cfg)?.[1];
    if (expect !== 'pass' && expect !== 'fail') {
      skipped++;
      continue;
    }
    const req = /require_extensions:\s*(.*)/.exec(cfg)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
    if (req.some((e) => !e.startsWith('!') && !SUPPORTED_EXTENSIONS.includes(e))) {
      skipped++;
      continue;
    }
    const stage = f.endsWith('.vert') ? 'vertex' : 'fragment';
    const ver = /glsl_version:\s*([0-9.]+)/.exec(cfg)?.[1];
    if (ver && !['1.00', '1.10', '1.20'].includes(ver)) {
      skipped++;
      continue;
    }
    const r = compileFrontEnd(src, stage, { defaultVersion: ver === '1.00' ? 100 : 110, requireMain: false, enforceAppendixA });
    const got = r.ok ? 'pass' : 'fail';
    t++;
    if (got === expect) a++;
    else if (verbose) {
      console.log(`MISMATCH ${f.slice(root.length + 1)} expected ${expect} got ${got}`);
      if (!r.ok) console.log('   ' + r.diagnostics.filter((d) => d.severity === 'error').slice(0, 2).map((d) => `${d.line}:${d.column} ${d.message}`).join(' | '));
    }
  }
  console.log(`${sub}: ${a}/${t} agree (${((100 * a) / Math.max(1, t)).toFixed(1)}%), ${skipped} skipped`);
  total += t;
  agree += a;
}
console.log(`TOTAL: ${agree}/${total} (${((100 * agree) / Math.max(1, total)).toFixed(1)}%)`);

// Shaders embedded in execution tests (*.shader_test) must compile.
function walkShaderTests(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walkShaderTests(p, out);
    else if (f.endsWith('.shader_test')) out.push(p);
  }
}
for (const sub of ['glsl-es-1.00', 'glsl-1.10', 'glsl-1.20']) {
  const files: string[] = [];
  walkShaderTests(join(root, sub), files);
  let t = 0;
  let ok = 0;
  let skipped = 0;
  for (const f of files.sort()) {
    const text = readFileSync(f, 'utf8');
    const req = /\[require\]([\s\S]*?)(?=\n\[)/.exec(text)?.[1] ?? '';
    const exts = req.match(/GL_[A-Za-z0-9_]+/g) ?? [];
    if (/GLSL (ES )?>= (1\.[3-9]|[2-9]|3)/.test(req) || exts.some((e) => !SUPPORTED_EXTENSIONS.includes(e)) || /error/.test(text.split('[test]')[1] ?? '')) {
      skipped++;
      continue;
    }
    const re = /^\[(vertex|fragment) shader\]\s*$/gm;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = m.index + m[0].length;
      const next = text.slice(start).search(/^\[/m);
      const src = next < 0 ? text.slice(start) : text.slice(start, start + next);
      const stage = m[1] === 'vertex' ? 'vertex' : 'fragment';
      // shader_runner prepends #version from [require] when the shader has none.
      const reqVer = /GLSL\s*>=\s*1\.20/.test(req) ? 120 : sub === 'glsl-es-1.00' ? 100 : 110;
      const r = compileFrontEnd(src, stage, { defaultVersion: reqVer, requireMain: false, enforceAppendixA });
      t++;
      if (r.ok) ok++;
      else if (verbose) {
        console.log(`FAIL ${f.slice(root.length + 1)} [${stage}]`);
        console.log('   ' + r.diagnostics.filter((d) => d.severity === 'error').slice(0, 2).map((d) => `${d.line}:${d.column} ${d.message}`).join(' | '));
      }
    }
  }
  console.log(`${sub} execution shaders: ${ok}/${t} compile (${((100 * ok) / Math.max(1, t)).toFixed(1)}%), ${skipped} tests skipped`);
}
