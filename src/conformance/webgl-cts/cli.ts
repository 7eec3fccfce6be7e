#!/usr/bin/env node
/**
 * npm run cts -- --suite DIR [--filter SUBSTR] [--jobs N] [--timeout MS] [--json FILE]
 *                [--scoreboard docs/CONFORMANCE.md] [--reference swiftshader] [--from-json FILE]
 *
 * Runs the Khronos WebGL conformance suite found in DIR (a conformance-suites/<version> folder,
 * unchanged) against Akari: every page its 00_test_list.txt reaches for that version, each in
 * its own worker process under a time limit, the pages that need a real browser skipped with
 * their reason. Prints per-directory page outcomes and assertion counts; --json writes every
 * page's result, --scoreboard rewrites the suite's section of docs/CONFORMANCE.md, --groups
 * prints failing pages grouped by their first message. --reference runs the same pages in the
 * system's headless Chromium on SwiftShader (reference.ts) and reports both.
 */
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { runTests } from '../suite.js';
import { planPages, type PlannedPage } from './pages.js';
import { suiteVersion } from './list.js';
import type { CtsRequest, CtsResult } from './result.js';
import { formatTally, groupFailures, readReport, scoreboardMarkdown, updateScoreboard, writeReport } from './report.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'page-worker.js');

export interface CtsRunOptions {
  suite: string;
  version?: string;
  filter?: string;
  /** explicit pages (relative to the suite) instead of the whole list */
  pages?: string[];
  jobs: number;
  timeoutMs: number;
  progress: boolean;
  deterministic?: boolean;
  label?: string;
  /** without a progress bar, log a line every this many pages (0: never) */
  logEvery?: number;
  /** have each result list the suite files its page read */
  traceFiles?: boolean;
}

export interface CtsRun {
  results: Record<string, CtsResult>;
  seconds: number;
}

export function selectPages(o: Pick<CtsRunOptions, 'suite' | 'version' | 'filter' | 'pages'>): PlannedPage[] {
  let pages = planPages(o.suite, o.version);
  if (o.pages) {
    const want = new Set(o.pages);
    pages = pages.filter((p) => want.has(p.path));
  }
  if (o.filter) pages = pages.filter((p) => p.path.includes(o.filter!));
  return pages;
}

export async function runSuite(o: CtsRunOptions): Promise<CtsRun> {
  const suite = resolve(o.suite);
  if (!existsSync(join(suite, '00_test_list.txt'))) throw new Error(`${o.suite}: not a WebGL conformance suite (no 00_test_list.txt)`);
  const pages = selectPages({ ...o, suite });
  // the suite's harness runs every page of a 2.x suite with ?webglVersion=2 (its major version)
  const webglVersion = Number((o.version ?? suiteVersion(suite)).split('.')[0]) || 1;
  const results: Record<string, CtsResult> = {};
  for (const p of pages) if (p.skip) results[p.path] = { outcome: 'skip', detail: p.skip };
  const run = pages.filter((p) => !p.skip).map((p) => p.path);
  const t0 = performance.now();
  const counts = { pass: 0, fail: 0, skip: 0, crash: 0, timeout: 0 };
  const bar = o.progress
    ? new cliProgress.SingleBar({ format: `${o.label ?? 'webgl-cts'} [{bar}] {value}/{total} | pass {pass} fail {fail} timeout {timeout} crash {crash} | {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(run.length, 0, counts);
  const soft = Math.max(1000, o.timeoutMs - 5000);
  const got = await runTests<CtsResult>(run, {
    root: suite,
    jobs: o.jobs,
    timeoutMs: o.timeoutMs,
    recycleAfter: 1, // one page per process: pages define globals and leave contexts behind
    worker: WORKER,
    request: (id, root, path): CtsRequest => ({ id, root, path, softTimeoutMs: soft, deterministic: o.deterministic ?? true, traceFiles: o.traceFiles, webglVersion }),
    onResult: (_p, r) => {
      counts[r.outcome]++;
      bar?.increment(1, counts);
      const done = counts.pass + counts.fail + counts.timeout + counts.crash;
      // without a terminal (CI logs): a line every 50 pages
      if (!bar && o.logEvery && (done % o.logEvery === 0 || done === run.length)) {
        process.stderr.write(`${o.label ?? 'webgl-cts'}: ${done}/${run.length} pages, pass ${counts.pass} fail ${counts.fail} timeout ${counts.timeout} crash ${counts.crash}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      }
    },
  });
  bar?.stop();
  Object.assign(results, got);
  const sorted: Record<string, CtsResult> = {};
  for (const k of Object.keys(results).sort()) sorted[k] = results[k]!;
  return { results: sorted, seconds: (performance.now() - t0) / 1000 };
}

export function formatGroups(results: Record<string, CtsResult>, limit = 60): string {
  return groupFailures(results).slice(0, limit).map((g) => `${String(g.pages.length).padStart(4)}  ${g.key}\n        ${g.pages.slice(0, 6).join('\n        ')}${g.pages.length > 6 ? `\n        … ${g.pages.length - 6} more` : ''}`).join('\n');
}

async function main(): Promise<void> {
  const program = new Command()
    .name('cts')
    .requiredOption('--suite <dir>', 'the conformance suite folder: a checkout of KhronosGroup/WebGL\'s sdk/tests (e.g. ../shared/webgl-cts/1.0.3); npm test needs none, it runs the vendored subset in test/fixtures/webgl-cts')
    .option('--version <v>', 'the suite version the page lists are read for (default: from the folder name)')
    .option('--filter <substr>', 'only pages whose path contains this')
    .option('--jobs <n>', 'worker processes', String(availableParallelism()))
    .option('--timeout <ms>', 'time limit per page', '120000')
    .option('--json <file>', 'write every page\'s result')
    .option('--from-json <file>', 'report an earlier --json run instead of running')
    .option('--scoreboard <file>', 'rewrite the suite scoreboard section of this Markdown file (docs/CONFORMANCE.md)')
    .option('--groups', 'print failing pages grouped by their first message')
    .option('--reference <kind>', 'also run the pages in headless Chromium (swiftshader)')
    .option('--reference-json <file>', 'write / read the reference run\'s results')
    .option('--no-progress', 'no progress bar')
    .parse();
  const o = program.opts<{ suite: string; version?: string; filter?: string; jobs: string; timeout: string; json?: string; fromJson?: string; scoreboard?: string; groups?: boolean; reference?: string; referenceJson?: string; progress: boolean }>();
  const version = o.version ?? suiteVersion(resolve(o.suite));
  const run = o.fromJson
    ? { results: readReport(o.fromJson).pages, seconds: 0 }
    : await runSuite({ suite: o.suite, version, filter: o.filter, jobs: Math.max(1, Number(o.jobs)), timeoutMs: Number(o.timeout), progress: o.progress && !!process.stderr.isTTY, logEvery: o.progress ? 50 : 0, label: `akari ${version}` });
  console.log(`Akari, WebGL conformance suite ${version}${o.fromJson ? ` (results of ${o.fromJson})` : ''}`);
  console.log(formatTally(run.results, run.seconds));
  if (o.json) writeReport(o.json, { suite: version, implementation: 'akari', seconds: run.seconds }, run.results);
  let reference: Record<string, CtsResult> | undefined;
  if (o.reference) {
    const { runInChromium } = await import('./reference.js');
    if (o.referenceJson && existsSync(o.referenceJson) && !o.filter) reference = readReport(o.referenceJson).pages;
    else {
      const ref = await runInChromium({ suite: resolve(o.suite), version, filter: o.filter, timeoutMs: Number(o.timeout), progress: o.progress && !!process.stderr.isTTY });
      reference = ref.results;
      console.log(`\n${ref.browser}, ${ref.renderer}`);
      console.log(formatTally(ref.results, ref.seconds));
      if (o.referenceJson) writeReport(o.referenceJson, { suite: version, implementation: ref.browser, renderer: ref.renderer, seconds: ref.seconds }, ref.results);
    }
    const ours = new Set(Object.entries(run.results).filter(([, r]) => r.outcome === 'pass').map(([p]) => p));
    const theirs = new Set(Object.entries(reference).filter(([, r]) => r.outcome === 'pass').map(([p]) => p));
    const missing = [...theirs].filter((p) => !ours.has(p) && run.results[p]);
    const ahead = [...ours].filter((p) => !theirs.has(p));
    console.log(`\nreference passes ${theirs.size} pages; Akari passes ${ours.size}; reference-only ${missing.length}, Akari-only ${ahead.length}`);
    if (missing.length) console.log(`  reference-only:\n    ${missing.join('\n    ')}`);
    if (ahead.length) console.log(`  Akari-only:\n    ${ahead.join('\n    ')}`);
  }
  if (o.groups) console.log(`\nfailing pages by first message:\n${formatGroups(run.results)}`);
  if (o.scoreboard) {
    updateScoreboard(o.scoreboard, scoreboardMarkdown(run.results, `### Measured: WebGL ${version}`, reference), Number(version.split('.')[0]) || 1);
    console.log(`scoreboard written to ${o.scoreboard}`);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
