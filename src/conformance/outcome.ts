/** Test outcomes, their classification, and per-directory summaries. */

export type Outcome = 'pass' | 'fail' | 'skip' | 'crash' | 'timeout';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'skip', 'crash', 'timeout'];

export interface TestResult {
  outcome: Outcome;
  /** First failing probe, diagnostic, skip reason or crash message. */
  detail: string;
}

/** Thrown by an executor to make the test a skip (a requirement Akari does not meet). */
export class SkipTest extends Error {}

/** Thrown by an executor for an ordinary failure (wrong pixel, rejected shader...). */
export class TestFailure extends Error {}

/**
 * Classify what a test body did: a normal result stays, SkipTest is a skip, TestFailure a
 * fail, and anything else thrown (a TypeError in the driver, a GPU fault...) a crash.
 */
export function classify(run: () => TestResult): TestResult {
  try {
    return run();
  } catch (err) {
    return classifyError(err);
  }
}

export async function classifyAsync(run: () => Promise<TestResult>): Promise<TestResult> {
  try {
    return await run();
  } catch (err) {
    return classifyError(err);
  }
}

export function classifyError(err: unknown): TestResult {
  if (err instanceof SkipTest) return { outcome: 'skip', detail: err.message };
  if (err instanceof TestFailure) return { outcome: 'fail', detail: err.message };
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { outcome: 'crash', detail: msg.slice(0, 500) };
}

/** How the parent classifies a worker that went away: exit code / signal while running a test. */
export function classifyWorkerExit(code: number | null, signal: string | null): TestResult {
  return { outcome: 'crash', detail: `worker exited (${signal ? `signal ${signal}` : `code ${code}`})` };
}

export type Counts = Record<Outcome, number>;

export function emptyCounts(): Counts {
  return { pass: 0, fail: 0, skip: 0, crash: 0, timeout: 0 };
}

/** The reporting directory of a test path: its first four components (tests/spec/glsl-1.10/execution). */
export function directoryOf(path: string): string {
  return path.split('/').slice(0, 4).join('/');
}

export function summarise(results: Record<string, TestResult>): Map<string, Counts> {
  const byDir = new Map<string, Counts>();
  for (const [path, r] of Object.entries(results)) {
    const d = directoryOf(path);
    let c = byDir.get(d);
    if (!c) byDir.set(d, (c = emptyCounts()));
    c[r.outcome]++;
  }
  return new Map([...byDir.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function formatSummary(byDir: Map<string, Counts>, seconds: number): string {
  const w = Math.max(10, ...[...byDir.keys()].map((k) => k.length));
  const head = `${'directory'.padEnd(w)}  ${OUTCOMES.map((o) => o.padStart(7)).join('')}   total`;
  const lines = [head];
  const tot = emptyCounts();
  for (const [d, c] of byDir) {
    let n = 0;
    for (const o of OUTCOMES) {
      tot[o] += c[o];
      n += c[o];
    }
    lines.push(`${d.padEnd(w)}  ${OUTCOMES.map((o) => String(c[o]).padStart(7)).join('')}  ${String(n).padStart(6)}`);
  }
  const n = OUTCOMES.reduce((s, o) => s + tot[o], 0);
  lines.push(`${'total'.padEnd(w)}  ${OUTCOMES.map((o) => String(tot[o]).padStart(7)).join('')}  ${String(n).padStart(6)}`);
  lines.push(`time: ${seconds.toFixed(1)} s`);
  return lines.join('\n');
}
