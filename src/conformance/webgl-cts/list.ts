/**
 * The suite's page list: `00_test_list.txt` files that name pages (`.html`) and further lists
 * (`.txt`), relative to the list's folder, one a line, with options in front (`--min-version
 * 1.0.2`, `--max-version 1.0.2`, `--slow`). `//` and `#` start comments. A line applies to
 * the suite version being run when that version is within its min/max bounds — as the suite's
 * own webgl-test-harness.js reads the lists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ListedPage {
  /** path of the page relative to the suite's folder, with forward slashes */
  path: string;
  /** marked --slow in its list */
  slow: boolean;
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0, y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export interface ListLine {
  target: string;
  minVersion?: string;
  maxVersion?: string;
  slow: boolean;
}

/** One list line, or null for a blank line or a comment. */
export function parseListLine(raw: string): ListLine | null {
  const line = raw.replace(/\/\/.*$/, '').trim();
  if (!line || line.startsWith('#')) return null;
  const words = line.split(/\s+/);
  const out: ListLine = { target: '', slow: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--min-version') out.minVersion = words[++i];
    else if (w === '--max-version') out.maxVersion = words[++i];
    else if (w === '--slow') out.slow = true;
    else if (w.startsWith('--')) continue; // an option this reader does not know: ignore, as the harness does
    else out.target = w;
  }
  return out.target ? out : null;
}

export function lineApplies(l: ListLine, version: string): boolean {
  if (l.minVersion && compareVersions(version, l.minVersion) < 0) return false;
  if (l.maxVersion && compareVersions(version, l.maxVersion) > 0) return false;
  return true;
}

/** The version a suite folder declares: its folder name when it looks like one (1.0.3), else 1.0.3. */
export function suiteVersion(suiteDir: string): string {
  const m = /(\d+\.\d+\.\d+)\/?$/.exec(suiteDir);
  return m ? m[1]! : '1.0.3';
}

/** Every page the suite's top list reaches for `version`, in list order, without duplicates. */
export function listPages(suiteDir: string, version = suiteVersion(suiteDir), topList = '00_test_list.txt'): ListedPage[] {
  const out: ListedPage[] = [];
  const seen = new Set<string>();
  const visit = (listPath: string, slow: boolean): void => {
    const file = join(suiteDir, listPath);
    if (!existsSync(file)) return;
    const dir = posix.dirname(listPath);
    for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const l = parseListLine(raw);
      if (!l || !lineApplies(l, version)) continue;
      const target = posix.normalize(dir === '.' ? l.target : `${dir}/${l.target}`);
      if (target.endsWith('.txt')) visit(target, slow || l.slow);
      else if (!seen.has(target)) {
        seen.add(target);
        out.push({ path: target, slow: slow || l.slow });
      }
    }
  };
  visit(topList, false);
  return out;
}
