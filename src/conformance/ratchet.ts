#!/usr/bin/env node
/**
 * The conformance ratchet: runs the fixed `ci` subset (see suite.ts: every glslparsertest file
 * plus every 8th shader_test in sorted order) and exits 1 when any directory's pass count is
 * below conformance/baseline.json. The baseline only moves up: `--update` rewrites it with
 * max(baseline, measured) per directory, in the same commit as the fixes that raise it.
 *
 *   node dist/src/conformance/ratchet.js [--update] [--jobs N] [--timeout MS] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { formatSummary, summarise, type Counts } from './outcome.js';
import { runConformance, writeJson } from './cli.js';

export interface Baseline {
  subset: 'ci';
  description: string;
  /** pass counts per directory */
  pass: Record<string, number>;
}

export function regressions(baseline: Record<string, number>, measured: Map<string, Counts>): string[] {
  const out: string[] = [];
  for (const [dir, want] of Object.entries(baseline)) {
    const have = measured.get(dir)?.pass ?? 0;
    if (have < want) out.push(`${dir}: ${have} pass < baseline ${want}`);
  }
  return out;
}

export function raise(baseline: Record<string, number>, measured: Map<string, Counts>): Record<string, number> {
  const out: Record<string, number> = { ...baseline };
  for (const [dir, c] of measured) out[dir] = Math.max(out[dir] ?? 0, c.pass);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

const BASELINE_FILE = new URL('../../../conformance/baseline.json', import.meta.url);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  try {
    parseArgs({ args, options: { jobs: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'string' }, update: { type: 'boolean' } } });
  } catch (e) {
    // a mistyped option would otherwise be ignored and the default run taken for the asked one
    console.error(`conformance ratchet: ${(e as Error).message}`);
    process.exit(2);
  }
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
  };
  const run = await runConformance({
    subset: 'ci',
    jobs: Math.max(1, Number(opt('--jobs', String(availableParallelism())))),
    timeoutMs: Number(opt('--timeout', '60000')),
    progress: !!process.stderr.isTTY,
  });
  const measured = summarise(run.results);
  console.log(formatSummary(measured, run.seconds));
  const json = opt('--json', '');
  if (json) writeJson(json, run.results);
  const base: Baseline = existsSync(BASELINE_FILE)
    ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline)
    : { subset: 'ci', description: '', pass: {} };
  if (args.includes('--update')) {
    base.pass = raise(base.pass, measured);
    writeFileSync(BASELINE_FILE, JSON.stringify(base, null, 2) + '\n');
    console.log('baseline raised where measured > baseline');
    return;
  }
  const bad = regressions(base.pass, measured);
  if (bad.length) {
    console.error(`conformance ratchet: ${bad.length} director${bad.length === 1 ? 'y' : 'ies'} below baseline:\n  ${bad.join('\n  ')}`);
    process.exit(1);
  }
  console.log('conformance ratchet: no directory below baseline');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
}
