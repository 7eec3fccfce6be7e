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
if (!existsSync(root)) {
  console.log('piglit not installed');
  process.exit(0);
}
let total = 0;
let agree = 0;
for (const sub of ['glsl-es-1.00/compiler', 'glsl-1.10/compiler', 'glsl-1.20/compiler']) {
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
    const r = compileFrontEnd(src, stage, { defaultVersion: sub.startsWith('glsl-es') ? 100 : 110, requireMain: false });
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
