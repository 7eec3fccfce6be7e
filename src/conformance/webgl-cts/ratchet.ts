#!/usr/bin/env node
/**
 * The WebGL conformance ratchet CI runs: the fixed subsets of Khronos pages vendored in
 * test/fixtures/webgl-cts (WebGL 1.0.3) and test/fixtures/webgl2-cts (WebGL 2.0.0, its pages run
 * with ?webglVersion=2 as that suite's harness runs them) — a clean clone has them; the full
 * suites are not needed — each page in its own worker as `npm run cts` runs them. Exits 1 when
 * a page listed in a subset's baseline (conformance/webgl-cts-baseline.json,
 * conformance/webgl2-cts-baseline.json) no longer fully passes, or when the subset's assertion
 * pass count drops below the baseline's. The baseline only moves up: `--update` adds the pages
 * that newly pass and raises the count, in the same commit as the fixes that made them pass.
 *
 *   node dist/src/conformance/webgl-cts/ratchet.js [--subset 1|2] [--suite DIR] [--update] [--jobs N] [--timeout MS]
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatGroups, runSuite } from './cli.js';
import { formatTally, tally } from './report.js';
import type { CtsResult } from './result.js';

export interface CtsBaseline {
  suite: string;
  description: string;
  /** assertions passed over the subset */
  assertions: number;
  /** pages that fully pass */
  pass: string[];
}

/** The vendored subsets: their folder, the suite version their lists are read for, and their baseline. */
export const SUBSETS = {
  1: { fixture: fileURLToPath(new URL('../../../../test/fixtures/webgl-cts', import.meta.url)), version: '1.0.3', baseline: new URL('../../../../conformance/webgl-cts-baseline.json', import.meta.url), name: 'test/fixtures/webgl-cts' },
  2: { fixture: fileURLToPath(new URL('../../../../test/fixtures/webgl2-cts', import.meta.url)), version: '2.0.0', baseline: new URL('../../../../conformance/webgl2-cts-baseline.json', import.meta.url), name: 'test/fixtures/webgl2-cts' },
} as const;

/** Baseline pages that no longer pass, and an assertion count below the baseline's. */
export function ctsRegressions(base: CtsBaseline, results: Record<string, CtsResult>): string[] {
  const out: string[] = [];
  for (const p of base.pass) {
    const r = results[p];
    if (r?.outcome !== 'pass') out.push(`${p}: ${r ? `${r.outcome} (${r.detail})` : 'not run'}`);
  }
  const passed = tally(results).total.passed;
  if (passed < base.assertions) out.push(`assertions passed: ${passed} < baseline ${base.assertions}`);
  return out;
}

export function raiseCtsBaseline(base: CtsBaseline, results: Record<string, CtsResult>): CtsBaseline {
  const pass = new Set(base.pass);
  for (const [p, r] of Object.entries(results)) if (r.outcome === 'pass') pass.add(p);
  return { ...base, assertions: Math.max(base.assertions, tally(results).total.passed), pass: [...pass].sort() };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  try {
    parseArgs({ args, options: { suite: { type: 'string' }, subset: { type: 'string' }, jobs: { type: 'string' }, timeout: { type: 'string' }, update: { type: 'boolean' } } });
  } catch (e) {
    // a mistyped option would otherwise be ignored and the default run taken for the asked one
    console.error(`webgl-cts ratchet: ${(e as Error).message}`);
    process.exit(2);
  }
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const which = opt('--subset', '');
  if (which && which !== '1' && which !== '2') { console.error(`webgl-cts ratchet: --subset is 1 or 2, not ${which}`); process.exit(2); }
  let failed = false;
  for (const k of which ? [Number(which) as 1 | 2] : ([1, 2] as const)) {
    const sub = SUBSETS[k];
    const suite = opt('--suite', sub.fixture);
    const label = `webgl${k === 2 ? '2' : ''}-cts ratchet`;
    const run = await runSuite({
      suite,
      version: sub.version,
      jobs: Math.max(1, Number(opt('--jobs', String(availableParallelism())))),
      timeoutMs: Number(opt('--timeout', '120000')),
      progress: !!process.stderr.isTTY,
      label,
    });
    console.log(formatTally(run.results, run.seconds));
    const base: CtsBaseline = existsSync(sub.baseline)
      ? (JSON.parse(readFileSync(sub.baseline, 'utf8')) as CtsBaseline)
      : { suite: sub.name, description: '', assertions: 0, pass: [] };
    if (args.includes('--update')) {
      writeFileSync(sub.baseline, JSON.stringify(raiseCtsBaseline(base, run.results), null, 2) + '\n');
      console.log(`${label}: baseline raised where measured > baseline`);
      continue;
    }
    const bad = ctsRegressions(base, run.results);
    if (bad.length) {
      console.error(`${label}: ${bad.length} regression${bad.length === 1 ? '' : 's'}:\n  ${bad.join('\n  ')}`);
      console.error(formatGroups(run.results));
      failed = true;
      continue;
    }
    console.log(`${label}: all ${base.pass.length} baseline pages pass; assertions ${tally(run.results).total.passed} >= ${base.assertions}`);
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
}
