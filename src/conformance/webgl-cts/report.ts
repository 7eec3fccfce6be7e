/**
 * Summaries of a suite run: per-directory page outcomes and assertion counts, the JSON report,
 * the scoreboard section of docs/CONFORMANCE.md (between its webgl-cts markers, the piglit
 * part left as it is), and a first grouping of failures by their first message.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { directoryOfPage } from './pages.js';
import type { CtsResult } from './result.js';

export interface Tally {
  pages: number;
  pass: number;
  fail: number;
  timeout: number;
  crash: number;
  skip: number;
  /** assertions over the pages run */
  passed: number;
  failed: number;
}

const empty = (): Tally => ({ pages: 0, pass: 0, fail: 0, timeout: 0, crash: 0, skip: 0, passed: 0, failed: 0 });

export function tally(results: Record<string, CtsResult>): { byDir: Map<string, Tally>; total: Tally } {
  const byDir = new Map<string, Tally>();
  const total = empty();
  for (const [path, r] of Object.entries(results)) {
    const d = directoryOfPage(path);
    let t = byDir.get(d);
    if (!t) byDir.set(d, (t = empty()));
    for (const x of [t, total]) {
      x.pages++;
      x[r.outcome]++;
      x.passed += r.passed ?? 0;
      x.failed += (r.failed ?? 0) + (r.errors ?? 0);
    }
  }
  return { byDir: new Map([...byDir].sort(([a], [b]) => a.localeCompare(b))), total };
}

/** Pages run = pages − skipped; "fully passing" = outcome pass. */
export function formatTally(results: Record<string, CtsResult>, seconds: number): string {
  const { byDir, total } = tally(results);
  const w = Math.max(9, ...[...byDir.keys()].map((k) => k.length));
  const cols = ['pages', 'pass', 'fail', 'timeout', 'crash', 'skip', 'passed', 'failed'] as const;
  const row = (name: string, t: Tally) => `${name.padEnd(w)}  ${cols.map((c) => String(t[c]).padStart(8)).join('')}`;
  const lines = [`${'directory'.padEnd(w)}  ${cols.map((c) => c.padStart(8)).join('')}   (pages: pass/fail/...; assertions: passed/failed)`];
  for (const [d, t] of byDir) lines.push(row(d, t));
  lines.push(row('total', total));
  lines.push(`pages run: ${total.pages - total.skip}, fully passing: ${total.pass}; assertions passed ${total.passed}, failed ${total.failed}; time: ${seconds.toFixed(1)} s`);
  return lines.join('\n');
}

export function writeReport(file: string, meta: Record<string, unknown>, results: Record<string, CtsResult>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...meta, pages: results }, null, 1) + '\n');
}

export function readReport(file: string): { meta: Record<string, unknown>; pages: Record<string, CtsResult> } {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { pages: Record<string, CtsResult> };
  const { pages, ...meta } = j;
  return { meta, pages };
}

/** A failure message with its particulars (numbers, quoted names) blanked, so like causes group together. */
export function causeKey(message: string): string {
  return message
    .replace(/\(([^()]*\.(?:js|html)[^()]*)\)$/, '')
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')
    .slice(0, 120)
    .trim();
}

/** Failing pages grouped by the cause key of their first message, largest group first. */
export function groupFailures(results: Record<string, CtsResult>): { key: string; pages: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const [path, r] of Object.entries(results)) {
    if (r.outcome === 'pass' || r.outcome === 'skip') continue;
    const first = r.messages?.[0] ?? r.detail;
    const key = `${r.outcome}: ${causeKey(first)}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(path);
  }
  return [...groups].map(([key, pages]) => ({ key, pages })).sort((a, b) => b.pages.length - a.pages.length || a.key.localeCompare(b.key));
}

export const BEGIN = '<!-- webgl-cts scoreboard: begin (written by npm run cts -- --scoreboard) -->';
export const END = '<!-- webgl-cts scoreboard: end -->';
/** A WebGL 2.x suite's scoreboard has its own section (the 1.0.x one keeps the markers above). */
export const BEGIN2 = '<!-- webgl2-cts scoreboard: begin (written by npm run cts -- --scoreboard) -->';
export const END2 = '<!-- webgl2-cts scoreboard: end -->';

/** The scoreboard table in Markdown, with the reference's fully passing pages when there is one. */
export function scoreboardMarkdown(results: Record<string, CtsResult>, heading: string, reference?: Record<string, CtsResult>): string {
  const { byDir, total } = tally(results);
  const ref = reference ? tally(reference).byDir : null;
  const head = `| directory | pages | pass | fail | timeout | crash | skip | assertions passed | assertions failed |${ref ? ' reference pass |' : ''}`;
  const lines = [heading, '', head, `|${' --- |'.repeat(head.split('|').length - 2)}`];
  const row = (d: string, t: Tally, r?: number) =>
    `| ${d} | ${t.pages} | ${t.pass} | ${t.fail} | ${t.timeout} | ${t.crash} | ${t.skip} | ${t.passed} | ${t.failed} |${ref ? ` ${r ?? ''} |` : ''}`;
  for (const [d, t] of byDir) lines.push(row(d, t, ref?.get(d)?.pass));
  const refTotal = reference ? tally(reference).total.pass : undefined;
  lines.push(row('**total**', total, refTotal).replace(/\| (\d+)/g, '| **$1**').replace(/\*\*\*\*/g, '**'));
  return lines.join('\n');
}

/** Replaces the scoreboard between the markers in `file` (appending the markers when absent). */
export function updateScoreboard(file: string, markdown: string, webglVersion = 1): void {
  const text = readFileSync(file, 'utf8');
  const [b, e] = webglVersion === 2 ? [BEGIN2, END2] : [BEGIN, END];
  const block = `${b}\n${markdown}\n${e}`;
  const i = text.indexOf(b), j = text.indexOf(e);
  const out = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + e.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, out);
}
