#!/usr/bin/env node
/**
 * npm run conformance [-- --json FILE] [--filter SUBSTR] [--jobs N] [--timeout MS] [--subset NAME]
 *                     [--reference PASSLIST] [--from-json FILE]
 *
 * Runs piglit's GLSL shader_tests and glslparsertests (from Debian's piglit package, installed
 * with apt-get when missing) against Akari, in parallel worker processes, and prints per-directory
 * pass / fail / skip / crash / timeout counts and the total time. With --reference, also how far
 * Akari is from another implementation's pass list (optional: e.g. a development machine's
 * ../shared/conformance/llvmpipe-pass.txt; nothing beside the clone is needed without --reference);
 * --from-json re-reports an earlier run's results instead of running the tests.
 */
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { formatSummary, summarise, type TestResult } from './outcome.js';
import { compareWithReference, formatReference, readPassList } from './reference.js';
import { discover, ensurePiglit, PIGLIT_ROOT, runTests, selectSubset, SUBSETS, type Subset } from './suite.js';

export interface ConformanceRun {
  results: Record<string, TestResult>;
  seconds: number;
}

export async function runConformance(o: { subset: Subset; filter?: string; jobs: number; timeoutMs: number; progress: boolean }): Promise<ConformanceRun> {
  ensurePiglit();
  let paths = selectSubset(discover(PIGLIT_ROOT), o.subset);
  if (o.filter) paths = paths.filter((p) => p.includes(o.filter!));
  const t0 = performance.now();
  const bar = o.progress
    ? new cliProgress.SingleBar({ format: 'conformance [{bar}] {value}/{total} | pass {pass} fail {fail} skip {skip} crash {crash} | {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  const counts = { pass: 0, fail: 0, skip: 0, crash: 0, timeout: 0 };
  bar?.start(paths.length, 0, counts);
  const results = await runTests(paths, {
    jobs: o.jobs,
    timeoutMs: o.timeoutMs,
    recycleAfter: 100,
    onResult: (_p, r) => {
      counts[r.outcome]++;
      bar?.increment(1, counts);
    },
  });
  bar?.stop();
  const sorted: Record<string, TestResult> = {};
  for (const k of Object.keys(results).sort()) sorted[k] = results[k];
  return { results: sorted, seconds: (performance.now() - t0) / 1000 };
}

export function writeJson(file: string, results: Record<string, TestResult>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ tests: results }, null, 1) + '\n');
}

async function main(): Promise<void> {
  const program = new Command()
    .name('conformance')
    .option('--json <file>', 'write {"tests": {path: {outcome, detail}}}')
    .option('--filter <substr>', 'only tests whose path contains this')
    .option('--jobs <n>', 'worker processes', String(availableParallelism()))
    .option('--timeout <ms>', 'time limit per test', '60000')
    .option('--subset <name>', `one of ${SUBSETS.join(', ')}`, 'all')
    .option('--no-progress', 'no progress bar')
    .option('--reference <passlist>', "compare with another implementation's passes (one path per line)")
    .option('--from-json <file>', 'report the results of an earlier --json run instead of running')
    .parse();
  const opts = program.opts<{ json?: string; filter?: string; jobs: string; timeout: string; subset: string; progress: boolean; reference?: string; fromJson?: string }>();
  if (!(SUBSETS as readonly string[]).includes(opts.subset)) throw new Error(`unknown subset ${opts.subset}`);
  const run = opts.fromJson ? { results: (JSON.parse(readFileSync(opts.fromJson, 'utf8')) as { tests: Record<string, TestResult> }).tests, seconds: 0 } : await runConformance({
    subset: opts.subset as Subset,
    filter: opts.filter,
    jobs: Math.max(1, Number(opts.jobs)),
    timeoutMs: Number(opts.timeout),
    progress: opts.progress && !!process.stderr.isTTY,
  });
  const summary = formatSummary(summarise(run.results), run.seconds);
  console.log(opts.fromJson ? summary.replace(/time: .*$/, `(results of the run that wrote ${opts.fromJson})`) : summary);
  if (opts.reference) {
    console.log(`\nagainst ${opts.reference} (missing: its passes Akari does not pass; ahead: Akari's passes it does not)`);
    console.log(formatReference(compareWithReference(run.results, readPassList(opts.reference)), basename(opts.reference, '.txt')));
  }
  if (opts.json) writeJson(opts.json, run.results);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
}
