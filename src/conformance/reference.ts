/**
 * Comparison with a reference implementation's pass list (one piglit path per line, as
 * an optional pass list such as the steering repo's shared/conformance/llvmpipe-pass.txt, given with --reference, lists what Mesa's llvmpipe passes): per directory,
 * how many of the reference's passes Akari also passes, which it misses (grouped by outcome),
 * and what Akari passes that the reference does not.
 */
import { readFileSync } from 'node:fs';
import { directoryOf, type Outcome, type TestResult } from './outcome.js';

export interface ReferenceRow {
  directory: string;
  /** tests of this directory in the run */
  total: number;
  /** the reference passes these */
  reference: number;
  /** Akari passes these of the reference's passes */
  both: number;
  /** reference passes, Akari does not: by Akari's outcome */
  missing: Record<Exclude<Outcome, 'pass'>, number>;
  /** Akari passes, the reference does not */
  ahead: number;
  aheadPaths: string[];
}

export function readPassList(file: string): Set<string> {
  return new Set(readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

/**
 * Only directories the reference list covers are compared (a reference measured on the shader
 * tests says nothing about the parser tests). A reference path absent from the run (filtered
 * out) is not counted.
 */
export function compareWithReference(results: Record<string, TestResult>, reference: Set<string>): ReferenceRow[] {
  const covered = new Set([...reference].map(directoryOf));
  const rows = new Map<string, ReferenceRow>();
  for (const [path, r] of Object.entries(results)) {
    const directory = directoryOf(path);
    if (!covered.has(directory)) continue;
    let row = rows.get(directory);
    if (!row) rows.set(directory, (row = { directory, total: 0, reference: 0, both: 0, missing: { fail: 0, skip: 0, crash: 0, timeout: 0 }, ahead: 0, aheadPaths: [] }));
    row.total++;
    const refPass = reference.has(path);
    if (refPass) row.reference++;
    if (refPass && r.outcome === 'pass') row.both++;
    else if (refPass) row.missing[r.outcome as Exclude<Outcome, 'pass'>]++;
    else if (r.outcome === 'pass') { row.ahead++; row.aheadPaths.push(path); }
  }
  return [...rows.values()].sort((a, b) => a.directory.localeCompare(b.directory));
}

export function formatReference(rows: ReferenceRow[], name: string): string {
  const w = Math.max(10, ...rows.map((r) => r.directory.length));
  const cols = ['files', name, 'both', 'missing', '(fail', 'skip', 'crash', 'tmo)', 'ahead'];
  const cw = Math.max(9, name.length + 1);
  const lines = [`${'directory'.padEnd(w)}  ${cols.map((c, k) => c.padStart(k === 1 ? cw : 9)).join('')}`];
  const sum: ReferenceRow = { directory: 'total', total: 0, reference: 0, both: 0, missing: { fail: 0, skip: 0, crash: 0, timeout: 0 }, ahead: 0, aheadPaths: [] };
  for (const r of [...rows, sum]) {
    if (r !== sum) {
      sum.total += r.total; sum.reference += r.reference; sum.both += r.both; sum.ahead += r.ahead;
      for (const k of Object.keys(sum.missing) as (keyof ReferenceRow['missing'])[]) sum.missing[k] += r.missing[k];
    }
    const m = r.missing;
    const cells = [r.total, r.reference, r.both, r.reference - r.both, m.fail, m.skip, m.crash, m.timeout, r.ahead];
    lines.push(`${r.directory.padEnd(w)}  ${cells.map((c, k) => String(c).padStart(k === 1 ? cw : 9)).join('')}`);
  }
  const ahead = rows.flatMap((r) => r.aheadPaths);
  if (ahead.length) lines.push(`ahead of ${name}:`, ...ahead.map((p) => `  ${p}`));
  return lines.join('\n');
}
