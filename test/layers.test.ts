/**
 * The layer rules hold for every import of every file under src/ (the
 * table is data in test/layering.ts, printed in docs/ARCHITECTURE.md), and
 * the checker catches what it must: synthetic files with forbidden arrows —
 * user space reaching the machine, a type-only import of hardware from the
 * user-space driver, a dynamic import, the kernel past the bus, the firmware
 * into the coprocessor's implementation — are each reported, and the
 * permitted ones are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, checkLayers, importsOf, layerOf, readSources } from './layering.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

test('every import in src/ follows the layer table', () => {
  const files = readSources(resolve(ROOT, 'src'));
  assert.ok(files.length > 100, `read ${files.length} files`);
  for (const f of files) assert.ok(layerOf(f.path), `${f.path} belongs to no layer`);
  const bad = checkLayers(files).map((v) => `${v.from} (${v.fromLayer}) -> ${v.to} (${v.toLayer})`);
  assert.deepEqual(bad, []);
});

test('the checker reports forbidden arrows in a synthetic file list, and only those', () => {
  const files = [
    { path: 'webgl/evil.ts', text: "import { Machine } from '../machine/machine.js';\nimport { GL } from './constants.js';" },
    { path: 'umd/peek.ts', text: "import type { Mmu } from '../hw/mmu.js';\nimport { DrmDevice } from '../libdrm/libdrm.js';" },
    { path: 'libdrm/late.ts', text: "export async function f() { return import('../kernel/drm/device.js'); }" },
    { path: 'kernel/akari/direct.ts', text: "import { PhysicalMemory } from '../../hw/memory.js';\nimport type { GpuBus } from '../../hw/bus.js';" },
    { path: 'firmware/peek.ts', text: "import type { Gpu } from '../hw/gpu.js';\nimport type { CoprocessorPort } from '../hwdesc/coprocessor.js';" },
    { path: 'hw/upward.ts', text: "export { AkariDriver } from '../kernel/akari/driver.js';" },
    { path: 'platform/ok.ts', text: "import { Machine } from '../machine/machine.js';\nimport { AkariWebGLRenderingContext } from '../webgl/context.js';" },
  ];
  const got = checkLayers(files).map((v) => `${v.from} -> ${v.to}`);
  assert.deepEqual(got, [
    'webgl/evil.ts -> machine/machine.ts',
    'umd/peek.ts -> hw/mmu.ts',
    'libdrm/late.ts -> kernel/drm/device.ts',
    'kernel/akari/direct.ts -> hw/memory.ts',
    'firmware/peek.ts -> hw/gpu.ts',
    'hw/upward.ts -> kernel/akari/driver.ts',
  ]);
});

test('import specifiers: static, type-only, re-exports, multi-line and dynamic; packages are not arrows', () => {
  const text = `import a from './a.js';
import type { B } from '../b.js';
import {
  C,
  D,
} from './c.js';
export * from './e.js';
export { F } from './f.js';
import './side-effect.js';
const g = await import('./g.js');
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
// a comment mentioning from './not-an-import.js' is skipped only when it is not an import statement
`;
  assert.deepEqual(importsOf(text), ['./a.js', '../b.js', './c.js', './e.js', './f.js', './side-effect.js', './g.js']);
});

test('the table is acyclic and names only its own layers; user space never imports machine, hw, kernel or firmware', () => {
  const names = new Set(LAYERS.map((l) => l.name));
  for (const l of LAYERS) for (const i of l.imports) assert.ok(names.has(i), `${l.name} imports unknown layer ${i}`);
  const seen = new Set<string>(), active = new Set<string>();
  const visit = (n: string): void => {
    assert.ok(!active.has(n), `cycle through ${n}`);
    if (seen.has(n)) return;
    active.add(n);
    for (const i of LAYERS.find((l) => l.name === n)!.imports) visit(i);
    active.delete(n);
    seen.add(n);
  };
  for (const l of LAYERS) visit(l.name);
  for (const user of ['webgl', 'umd', 'libdrm']) {
    const l = LAYERS.find((x) => x.name === user)!;
    for (const banned of ['machine', 'hw', 'hw/bus', 'kernel', 'firmware']) assert.ok(!l.imports.includes(banned), `${user} may import ${banned}`);
  }
});

test('docs/ARCHITECTURE.md prints the same layer table', () => {
  const md = readFileSync(resolve(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const start = md.indexOf('| layer | paths under src/ | may import |');
  assert.ok(start >= 0, 'the layer table is in docs/ARCHITECTURE.md');
  const rows = md.slice(start).split('\n').slice(2).filter((r) => r.startsWith('|'));
  const cell = (s: string) => s.trim().replace(/`/g, '');
  const list = (s: string) => (cell(s) === '—' ? [] : cell(s).split(',').map((x) => x.trim()));
  const doc = rows.map((r) => { const c = r.split('|').slice(1, -1); return { name: cell(c[0]!), paths: list(c[1]!), imports: list(c[2]!) }; });
  assert.deepEqual(doc, LAYERS);
});
