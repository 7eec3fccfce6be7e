/**
 * The layer table as data, and the checker that holds src/ to it. Each
 * layer is a set of path prefixes under src/ and the layers it may import
 * from (besides itself); everything else is a forbidden arrow. The same
 * table is printed in docs/ARCHITECTURE.md ("Layers and the direction of
 * imports"), and test/layers.test.ts checks that the two agree.
 *
 * The arrows that matter most (BRIEF.md, "honest layering"): user space
 * (webgl, umd, libdrm) never imports machine, hw, kernel or firmware; the
 * firmware sees the coprocessor only through the contract in
 * hwdesc/coprocessor.ts; the kernel reaches hardware only through
 * hw/bus.ts; the composition root (machine) is imported only from the
 * platform and the programs above it.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export interface Layer {
  name: string;
  /** paths under src/ (a folder ends in '/'; a file is named exactly) */
  paths: string[];
  /** layers it may import (its own files always) */
  imports: string[];
}

export const LAYERS: Layer[] = [
  { name: 'base', paths: ['base/'], imports: [] },
  { name: 'hwdesc', paths: ['hwdesc/'], imports: ['base'] },
  { name: 'uapi', paths: ['uapi/'], imports: ['base'] },
  { name: 'hw', paths: ['hw/'], imports: ['base', 'hwdesc'] },
  { name: 'hw/bus', paths: ['hw/bus.ts'], imports: ['base', 'hwdesc', 'hw'] },
  { name: 'firmware', paths: ['firmware/'], imports: ['base', 'hwdesc'] },
  { name: 'kernel', paths: ['kernel/'], imports: ['base', 'hwdesc', 'uapi', 'hw/bus'] },
  { name: 'libdrm', paths: ['libdrm/'], imports: ['base', 'uapi'] },
  { name: 'umd', paths: ['umd/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm'] },
  { name: 'image', paths: ['image/'], imports: ['base'] },
  { name: 'webgl', paths: ['webgl/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image'] },
  { name: 'machine', paths: ['machine/'], imports: ['base', 'hwdesc', 'uapi', 'hw', 'hw/bus', 'firmware', 'kernel'] },
  { name: 'platform', paths: ['platform/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image', 'webgl', 'machine'] },
  { name: 'tools', paths: ['tools/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image', 'webgl', 'machine', 'platform'] },
  { name: 'conformance', paths: ['conformance/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image', 'webgl', 'machine', 'platform', 'tools'] },
  { name: 'apps', paths: ['apps/'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image', 'webgl', 'machine', 'platform', 'tools'] },
  { name: 'entry', paths: ['index.ts', 'cli.ts'], imports: ['base', 'hwdesc', 'uapi', 'libdrm', 'umd', 'image', 'webgl', 'machine', 'platform', 'tools', 'conformance', 'apps'] },
];

/** The layer a src-relative path belongs to: the longest matching path wins (hw/bus.ts before hw/). */
export function layerOf(path: string, layers: Layer[] = LAYERS): Layer | undefined {
  let best: Layer | undefined, len = -1;
  for (const l of layers) {
    for (const p of l.paths) {
      const hit = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (hit && p.length > len) { best = l; len = p.length; }
    }
  }
  return best;
}

export interface SourceFile { path: string; text: string }

/** Relative module specifiers in a file: static imports and re-exports (type-only ones too) and literal dynamic imports. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s}])(?:import|export)\s+(?:type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m; (m = re.exec(text));) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

export interface Violation { from: string; to: string; fromLayer: string; toLayer: string }

/** Every import arrow among `files` (src-relative paths) that the table forbids, or that points outside any layer. */
export function checkLayers(files: SourceFile[], layers: Layer[] = LAYERS): Violation[] {
  const bad: Violation[] = [];
  for (const f of files) {
    const from = layerOf(f.path, layers);
    for (const spec of importsOf(f.text)) {
      const to = normalize(join(dirname(f.path), spec)).replace(/\.js$/, '.ts');
      const target = layerOf(to, layers);
      const ok = from && target && (from === target || from.imports.includes(target.name));
      if (!ok) bad.push({ from: f.path, to, fromLayer: from?.name ?? '(none)', toLayer: target?.name ?? '(none)' });
    }
  }
  return bad;
}

/** Every .ts file under `srcDir`, with its src-relative path. */
export function readSources(srcDir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts') && !n.endsWith('.d.ts')) out.push({ path: relative(srcDir, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(srcDir);
  return out;
}
