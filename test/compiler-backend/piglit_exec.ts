/**
 * Not a test: runs piglit's GLSL execution tests (if piglit is installed)
 * whose [test] section only sets uniforms, draws and probes the whole
 * window with one colour — on the shader core through this compiler — and
 * prints how many agree with piglit's expected colour. Usage:
 *   node dist/test/compiler-backend/piglit_exec.js [specDir] [-v]
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './harness.js';

const root = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : '/usr/lib/x86_64-linux-gnu/piglit/tests/spec';
const verbose = process.argv.includes('-v');
if (!existsSync(root)) { console.log('piglit not installed'); process.exit(0); }
const files: string[] = [];
const walk = (d: string): void => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (f.endsWith('.shader_test')) files.push(p); } };
for (const sub of ['glsl-es-1.00', 'glsl-1.10', 'glsl-1.20']) if (existsSync(join(root, sub))) walk(join(root, sub));

const INT = /^(int|ivec\d|bool|bvec\d)$/;
let tried = 0, passed = 0, skipped = 0;
const failures: string[] = [];
for (const f of files.sort()) {
  const src = readFileSync(f, 'utf8');
  const sec = (name: string): string | undefined => new RegExp(`\\[${name}\\]\\n([\\s\\S]*?)(?=\\n\\[|$)`).exec(src)?.[1];
  let vs = sec('vertex shader');
  const fs = sec('fragment shader');
  if (src.includes('[vertex shader passthrough]')) vs = 'attribute vec4 piglit_vertex; void main() { gl_Position = piglit_vertex; }';
  const testSec = sec('test');
  if (!vs || !fs || !testSec) { skipped++; continue; }
  const uniforms: Record<string, number[]> = {};
  let probe: number[] | undefined;
  let ok = true;
  for (const raw of testSec.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    let m: RegExpExecArray | null;
    if ((m = /^uniform\s+(\w+)\s+([\w.]+)\s+(.*)$/.exec(line))) {
      const vals = m[3]!.trim().split(/\s+/).map(Number);
      uniforms[m[2]!] = INT.test(m[1]!) ? vals.map((x) => Math.trunc(x)) : vals;
    } else if (/^draw rect/.test(line) || /^clear/.test(line)) { /* one full-window draw */ }
    else if ((m = /^probe all (rgba?)\s+(.*)$/.exec(line))) probe = m[2]!.trim().split(/\s+/).map(Number).slice(0, m[1]!.length);
    else { ok = false; break; }
  }
  if (!ok || !probe) { skipped++; continue; }
  tried++;
  if (process.env.PIGLIT_TRACE) console.error('RUN', f);
  try {
    const corner = (l: number): number[] => [(l & 1) * 2 - 1, ((l >> 1) & 1) * 2 - 1, 0, 1];
    const I = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    for (const m of ['gl_ModelViewProjectionMatrix', 'gl_ModelViewMatrix', 'gl_ProjectionMatrix', 'gl_NormalMatrix']) uniforms[m] ??= m === 'gl_NormalMatrix' ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : I;
    const compile = { defaultVersion: f.includes('glsl-es-1.00') ? 100 : f.includes('glsl-1.20') ? 120 : 110 } as const;
    const r = run(vs, fs, { attribs: { piglit_vertex: corner, gl_Vertex: corner }, uniforms, compile });
    const good = r.color.every((c) => c && probe!.every((p, i) => Math.abs(Math.min(1, Math.max(0, c[i]!)) - p) <= 0.01));
    if (good) passed++;
    else failures.push(`${f.replace(root, '')}: got ${JSON.stringify(r.color[0]?.map((x) => +x.toFixed(3)))} want ${JSON.stringify(probe)}`);
  } catch (e) {
    failures.push(`${f.replace(root, '')}: ${(e instanceof Error ? e.message : String(e)).split('\n').slice(0, 2).join(' ')}`);
  }
}
console.log(`piglit execution (uniform-only, whole-window probes): ${passed}/${tried} pass, ${skipped} skipped`);
for (const x of verbose ? failures : failures.slice(0, 20)) console.log('  FAIL', x);
