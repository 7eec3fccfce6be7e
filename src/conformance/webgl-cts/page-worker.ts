/**
 * The page worker (child_process.fork, one page per process): builds the page's window in a realm
 * of its own (dom.ts), runs the page's scripts in document order, fires load, and
 * counts what the page reports through the suite's harness hooks (`webglTestHarness.reportResults`
 * and `notifyFinished`, which js-test-pre.js and the conformance/more unit.js call). It answers
 * when the page says it finished, when nothing is left to run (the page can never finish), or
 * at its soft time limit — the parent kills it at the hard one.
 */
import { join, relative } from 'node:path';
import { describeError, fireLoad, installWindow, loadMarkupImages, ORIGIN, pageWindow, runParserScripts } from './dom.js';
import type { CtsResult, CtsRequest, CtsReply } from './result.js';
import { MAX_MESSAGES } from './result.js';

export async function runPage(req: CtsRequest): Promise<CtsResult> {
  let passed = 0, failed = 0, finished = false;
  /** passes that are js-test-post.js's `shouldBeTrue("successfullyParsed")`, which says only that the page ran to its end */
  let parsedOnly = 0;
  const failures: string[] = [];
  const errors: string[] = [];
  const files = new Set<string>();
  const t0 = performance.now();
  const onError = (m: string): void => {
    if (finished) return;
    if (errors.length < MAX_MESSAGES) errors.push(m.slice(0, 300));
    else errors.push('…');
    errors.length = Math.min(errors.length, MAX_MESSAGES + 1);
  };
  return new Promise<CtsResult>((resolve) => {
    let answered = false;
    const answer = (why: 'finished' | 'idle' | 'time'): void => {
      if (answered) return;
      answered = true;
      const ms = Math.round(performance.now() - t0);
      const counts = { passed, failed, errors: errors.length, ms, ...(req.traceFiles ? { files: [...files].sort() } : {}) };
      const details = [...failures, ...errors.map((e) => `uncaught: ${e}`)];
      // A page that finishes having checked nothing is not a pass: the video pages end at once when
      // no <video> format decodes (and the image_bitmap pages when the window lacks
      // createImageBitmap), their only assertion js-test-post.js's own "successfullyParsed".
      if (why === 'finished' && failed === 0 && errors.length === 0 && passed === parsedOnly) resolve({ outcome: 'skip', detail: 'finished having checked nothing: no assertion but js-test-post.js\'s successfullyParsed', ...counts, messages: [] });
      else if (why === 'finished' && failed === 0 && errors.length === 0) resolve({ outcome: 'pass', detail: '', ...counts, messages: [] });
      else if (why === 'time') resolve({ outcome: 'timeout', detail: `not finished after ${req.softTimeoutMs} ms`, ...counts, messages: details });
      else {
        const head = why === 'idle' ? 'did not finish (nothing left to run)' : `${failed} failed${errors.length ? `, ${errors.length} uncaught` : ''}`;
        resolve({ outcome: 'fail', detail: `${head}${details[0] ? `: ${details[0]}` : ''}`.slice(0, 400), ...counts, messages: details });
      }
    };
    process.on('uncaughtException', (e) => onError(describeError(e)));
    process.on('unhandledRejection', (e) => onError(describeError(e)));
    const harness = {
      reportResults(_url: string, success: boolean, msg: string): void {
        if (finished) return;
        if (success) {
          passed++;
          if (/(^|: )successfullyParsed is true$/.test(String(msg))) parsedOnly++;
        }
        else {
          failed++;
          if (failures.length < MAX_MESSAGES) failures.push(String(msg).slice(0, 300));
        }
      },
      notifyFinished(): void {
        if (finished) return;
        finished = true;
        // results reported in the same turn (unit.js reports, then notifies) are in; answer after it
        setImmediate(() => answer('finished'));
      },
    };
    const file = join(req.root, req.path);
    const query = req.webglVersion && req.webglVersion > 1 ? `?webglVersion=${req.webglVersion}` : '';
    const scripts = installWindow(file, `${ORIGIN}/${req.path}${query}`, {
      suiteDir: req.root,
      contextOptions: { deterministic: req.deterministic },
      onError,
      onFile: (f) => { if (req.traceFiles && f.startsWith(req.root)) files.add(relative(req.root, f)); },
    });
    pageWindow().webglTestHarness = harness;
    // The page cannot finish once nothing is pending: the IPC channel alone must not keep us alive.
    (process as unknown as { channel?: { unref(): void } }).channel?.unref();
    process.on('beforeExit', () => answer('idle'));
    setTimeout(() => answer('time'), req.softTimeoutMs).unref();
    loadMarkupImages();
    runParserScripts(scripts);
    fireLoad();
  });
}

if (process.send) {
  process.on('message', (m: CtsRequest) => {
    void runPage(m).then((result) => {
      const reply: CtsReply = { id: m.id, result };
      process.send!(reply);
    });
  });
}
