#!/usr/bin/env node
/**
 * The WebGL conformance ratchet CI runs: the fixed subset of Khronos 1.0.3 pages vendored in
 * test/fixtures/webgl-cts (a clean clone has it; the full suite is not needed), each page in its
 * own worker as `npm run cts` runs them. Exits 1 when a page listed in
 * conformance/webgl-cts-baseline.json no longer fully passes, or when the subset's assertion
 * pass count drops below the baseline's. The baseline only moves up: `--update` adds the pages
 * that newly pass and raises the count, in the same commit as the fixes that made them pass.
 *
 *   node dist/src/conformance/webgl-cts/ratchet.js [--suite DIR] [--update] [--jobs N] [--timeout MS]
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

const BASELINE_FILE = new URL('../../../../conformance/webgl-cts-baseline.json', import.meta.url);
const FIXTURE = fileURLToPath(new URL('../../../../test/fixtures/webgl-cts', import.meta.url));

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
    parseArgs({ args, options: { suite: { type: 'string' }, jobs: { type: 'string' }, timeout: { type: 'string' }, update: { type: 'boolean' } } });
  } catch (e) {
    // a mistyped option would otherwise be ignored and the default run taken for the asked one
    console.error(`webgl-cts ratchet: ${(e as Error).message}`);
    process.exit(2);
  }
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const suite = opt('--suite', FIXTURE);
  const run = await runSuite({
    suite,
    version: '1.0.3',
    jobs: Math.max(1, Number(opt('--jobs', String(availableParallelism())))),
    timeoutMs: Number(opt('--timeout', '120000')),
    progress: !!process.stderr.isTTY,
    label: 'webgl-cts ratchet',
  });
  console.log(formatTally(run.results, run.seconds));
  const base: CtsBaseline = existsSync(BASELINE_FILE)
    ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as CtsBaseline)
    : { suite: 'test/fixtures/webgl-cts', description: '', assertions: 0, pass: [] };
  if (args.includes('--update')) {
    writeFileSync(BASELINE_FILE, JSON.stringify(raiseCtsBaseline(base, run.results), null, 2) + '\n');
    console.log('baseline raised where measured > baseline');
    return;
  }
  const bad = ctsRegressions(base, run.results);
  if (bad.length) {
    console.error(`webgl-cts ratchet: ${bad.length} regression${bad.length === 1 ? '' : 's'}:\n  ${bad.join('\n  ')}`);
    console.error(formatGroups(run.results));
    process.exit(1);
  }
  console.log(`webgl-cts ratchet: all ${base.pass.length} baseline pages pass; assertions ${tally(run.results).total.passed} >= ${base.assertions}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
}
