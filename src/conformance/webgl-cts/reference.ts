/**
 * The reference: the same pages in the system's headless Chromium with WebGL on SwiftShader
 * (ANGLE's Vulkan device), driven by playwright-core as the bench drives it
 * (src/tools/bench-reference.ts). The suite's folder is served through request interception at
 * the origin the Node harness uses, and an init script installs the `webglTestHarness` hooks the
 * pages report to, so both sides count the same assertions. Nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import cliProgress from 'cli-progress';
import { findChromium } from '../../tools/bench-reference.js';
import { ORIGIN } from './dom.js';
import { selectPages } from './cli.js';
import type { CtsResult } from './result.js';
import { MAX_MESSAGES } from './result.js';

/** Launch flags: headless, SwiftShader through ANGLE, and nothing that reaches the network. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Route { request(): { url(): string }; fulfill(r: { status?: number; contentType?: string; body: string | Buffer }): Promise<void> }
interface Page {
  route(url: string, handler: (route: Route) => Promise<void>): Promise<void>;
  addInitScript(script: { content: string }): Promise<void>;
  goto(url: string, o?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, o?: { timeout?: number; polling?: number }): Promise<unknown>;
  evaluate<R>(fn: string): Promise<R>;
  on(event: 'pageerror', f: (e: Error) => void): void;
  close(): Promise<void>;
}
interface BrowserContext { newPage(): Promise<Page>; close(): Promise<void> }
interface Browser { newContext(): Promise<BrowserContext>; version(): string; close(): Promise<void> }
interface Playwright { chromium: { launch(o: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> } }

const HOOKS = `
window.__cts = { passed: 0, failed: 0, finished: false, messages: [] };
window.webglTestHarness = {
  reportResults: function (url, success, msg) {
    if (window.__cts.finished) return;
    if (success) window.__cts.passed++;
    else { window.__cts.failed++; if (window.__cts.messages.length < ${MAX_MESSAGES}) window.__cts.messages.push(String(msg).slice(0, 300)); }
  },
  notifyFinished: function () { setTimeout(function () { window.__cts.finished = true; }, 0); },
};`;

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml', mp4: 'video/mp4', webm: 'video/webm', ogv: 'video/ogg', txt: 'text/plain' };

export interface ReferenceRun {
  browser: string;
  renderer: string;
  results: Record<string, CtsResult>;
  seconds: number;
}

export async function runInChromium(o: { suite: string; version: string; filter?: string; pages?: string[]; timeoutMs: number; progress: boolean; jobs?: number; executable?: string }): Promise<ReferenceRun> {
  const exe = findChromium(o.executable);
  if (!exe) throw new Error('no Chromium found (/usr/bin/chromium, or $CHROME_PATH)');
  const name = 'playwright-core'; // a variable specifier: the build must not need its types (a devDependency)
  const mod = (await import(name)) as Playwright & { default?: Playwright };
  const playwright = mod.chromium ? mod : mod.default!;
  const browser = await playwright.chromium.launch({ executablePath: exe, headless: true, args: CHROMIUM_FLAGS });
  const root = resolve(o.suite) + sep;
  const results: Record<string, CtsResult> = {};
  const t0 = performance.now();
  try {
    const pages = selectPages(o);
    for (const p of pages) if (p.skip) results[p.path] = { outcome: 'skip', detail: p.skip };
    const queue = pages.filter((p) => !p.skip).map((p) => p.path);
    const bar = o.progress ? new cliProgress.SingleBar({ format: 'chromium [{bar}] {value}/{total} | {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    bar?.start(queue.length, 0);
    let renderer = '';
    const worker = async (): Promise<void> => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`.slice(0, 300)));
        await page.route(`${ORIGIN}/**`, async (route) => {
          const file = resolve(root, '.' + decodeURIComponent(new URL(route.request().url()).pathname));
          if (!file.startsWith(root) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
          const ext = file.slice(file.lastIndexOf('.') + 1);
          return route.fulfill({ contentType: TYPES[ext] ?? 'application/octet-stream', body: await readFile(file) });
        });
        await page.addInitScript({ content: HOOKS });
        const started = performance.now();
        let outcome: CtsResult['outcome'] = 'pass';
        try {
          await page.goto(`${ORIGIN}/${path}`, { timeout: o.timeoutMs });
          await page.waitForFunction('window.__cts.finished', undefined, { timeout: o.timeoutMs, polling: 50 });
        } catch {
          outcome = 'timeout';
        }
        const c = await page.evaluate<{ passed: number; failed: number; messages: string[] }>('window.__cts').catch(() => ({ passed: 0, failed: 0, messages: [] as string[] }));
        if (!renderer) {
          renderer = await page.evaluate<string>(`(() => { const gl = document.createElement('canvas').getContext('webgl'); const i = gl && gl.getExtension('WEBGL_debug_renderer_info'); return gl ? String(gl.getParameter(i ? i.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no WebGL'; })()`).catch(() => '');
        }
        if (outcome === 'pass' && (c.failed || errors.length)) outcome = 'fail';
        const messages = [...c.messages, ...errors.map((e) => `uncaught: ${e}`)];
        results[path] = { outcome, detail: outcome === 'pass' ? '' : outcome === 'timeout' ? `not finished after ${o.timeoutMs} ms` : `${c.failed} failed: ${messages[0] ?? ''}`.slice(0, 400), passed: c.passed, failed: c.failed, errors: errors.length, ms: Math.round(performance.now() - started), messages };
        await context.close();
        bar?.increment();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 2) }, worker));
    bar?.stop();
    const sorted: Record<string, CtsResult> = {};
    for (const k of Object.keys(results).sort()) sorted[k] = results[k]!;
    if (!/swiftshader/i.test(renderer)) throw new Error(`WebGL runs on "${renderer}", not SwiftShader`);
    return { browser: `Chromium ${browser.version()} (headless)`, renderer, results: sorted, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await browser.close();
  }
}
