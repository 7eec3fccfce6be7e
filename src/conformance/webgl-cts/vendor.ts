#!/usr/bin/env node
/**
 * Vendors a fixed subset of a conformance suite into the repository (test/fixtures/webgl-cts),
 * so CI's clean clone runs real Khronos pages under the ratchet without the full suite beside it.
 * Each page is run once with file tracing; the page and every file it read (scripts, shader
 * files, images) are copied unchanged, and 00_test_list.txt files naming exactly those pages are
 * written. Re-vendoring from the fixture's own lists: --pages-from test/fixtures/webgl-cts.
 *
 *   node dist/src/conformance/webgl-cts/vendor.js --suite ../shared/webgl-cts/1.0.3 --out test/fixtures/webgl-cts \
 *        (--pages a.html,b.html | --pages-from DIR) [--version 2.0.0]
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { Command } from 'commander';
import { runSuite } from './cli.js';
import { listPages, suiteVersion } from './list.js';

/** The 00_test_list.txt files for a set of pages: each folder lists its pages and its subfolders' lists. */
export function listFiles(pages: string[]): Map<string, string[]> {
  const lists = new Map<string, Set<string>>();
  const add = (dir: string, entry: string) => (lists.get(dir) ?? lists.set(dir, new Set()).get(dir)!).add(entry);
  for (const p of pages) {
    let dir = posix.dirname(p), entry = posix.basename(p);
    for (;;) {
      add(dir, entry);
      if (dir === '.') break;
      entry = `${posix.basename(dir)}/00_test_list.txt`;
      dir = posix.dirname(dir);
    }
  }
  return new Map([...lists].map(([d, s]) => [d === '.' ? '00_test_list.txt' : `${d}/00_test_list.txt`, [...s].sort()]));
}

async function main(): Promise<void> {
  const o = new Command()
    .requiredOption('--suite <dir>', 'the full suite')
    .requiredOption('--out <dir>', 'where the subset goes')
    .option('--pages <list>', 'comma-separated pages')
    .option('--pages-from <dir>', 'the pages an earlier subset lists')
    .option('--version <v>', 'the suite version (default: from the suite folder\'s name, as npm run cts)')
    .parse()
    .opts<{ suite: string; out: string; pages?: string; pagesFrom?: string; version?: string }>();
  const suite = resolve(o.suite);
  const version = o.version ?? suiteVersion(suite);
  const pages = o.pages ? o.pages.split(',').map((s) => s.trim()).filter(Boolean) : o.pagesFrom ? listPages(o.pagesFrom, version).map((p) => p.path) : [];
  if (!pages.length) throw new Error('no pages: give --pages or --pages-from');
  const run = await runSuite({ suite, version, pages, jobs: 2, timeoutMs: 120000, progress: false, traceFiles: true });
  const files = new Set<string>();
  for (const p of pages) {
    const r = run.results[p];
    if (!r) throw new Error(`${p}: not in the suite's lists (or skipped)`);
    files.add(p);
    for (const f of r.files ?? []) files.add(f);
  }
  for (const f of [...files].sort()) {
    const src = join(suite, f), dst = join(o.out, f);
    if (!existsSync(src)) continue;
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
  }
  for (const [list, entries] of listFiles(pages)) writeFileSync(join(o.out, list), entries.join('\n') + '\n');
  console.log(`${pages.length} pages, ${files.size} files copied to ${o.out}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
