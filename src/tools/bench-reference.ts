/**
 * The reference WebGL implementation for `npm run bench`: headless Chromium
 * (driven by playwright-core over the DevTools protocol; the browser is the
 * system's, nothing is downloaded) with WebGL forced onto SwiftShader, the
 * software Vulkan device under ANGLE — a CPU renderer, as Akari is.
 *
 * The scene modules are served to the page from the scenes directory through
 * request interception, so the same files run unchanged on both sides, and
 * the page runs the harness functions of bench-harness.ts from their source.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { timeScene, renderFrame } from './bench-harness.js';

/** Flags that put Chromium's WebGL on SwiftShader (checked with Chromium 150). */
export const SWIFTSHADER_FLAGS = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium executable: an explicit path, $CHROME_PATH, or a system install. */
export function findChromium(explicit?: string): string | null {
  if (explicit) return existsSync(explicit) ? explicit : null;
  const env = process.env.CHROME_PATH;
  if (env && existsSync(env)) return env;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface Reference {
  /** e.g. "Chromium 150.0.7871.100 (headless)" */
  readonly browser: string;
  /** the page's GL_RENDERER (unmasked through WEBGL_debug_renderer_info) */
  readonly renderer: string;
  readonly flags: readonly string[];
  time(scene: string, width: number, height: number, seconds: number, runs: number): Promise<number[]>;
  frame(scene: string, width: number, height: number, index: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const ORIGIN = 'http://akari-bench.localhost';

// The little of playwright-core's API this file uses.
interface Route { request(): { url(): string }; fulfill(r: { status?: number; contentType?: string; body: string }): Promise<void> }
interface Page {
  route(url: string, handler: (route: Route) => Promise<void>): Promise<void>;
  goto(url: string): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
}
interface Browser { newPage(): Promise<Page>; version(): string; close(): Promise<void> }
interface Playwright { chromium: { launch(o: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> } }

// Runs in the page: imports the scene, builds the harness from its source
// text, and hands it canvas contexts with the attributes Akari's bench uses.
interface PageJob { harness: string; scene: string; width: number; height: number; seconds: number; runs: number; index: number }
const pageJob = async (job: PageJob): Promise<number[] | string> => {
  const { scenes } = await import('/scenes/index.js' as string) as { scenes: { name: string }[] };
  const scene = scenes.find((s) => s.name === job.scene);
  if (!scene) throw new Error(`no scene ${job.scene}`);
  const make = (w: number, h: number) => {
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const gl = canvas.getContext('webgl', { antialias: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('no WebGL context');
    return gl;
  };
  const release = (gl: WebGLRenderingContext) => { gl.getExtension('WEBGL_lose_context')?.loseContext(); };
  const harness = (0, eval)(`(${job.harness})`) as (...a: unknown[]) => unknown;
  if (job.index < 0) return harness(scene, make, release, job.width, job.height, job.seconds, job.runs) as number[];
  const px = harness(scene, make, release, job.width, job.height, job.index) as Uint8Array;
  // Base64 keeps a full frame's transfer small and fast over the protocol.
  let binary = '';
  for (let i = 0; i < px.length; i += 0x8000) binary += String.fromCharCode(...px.subarray(i, i + 0x8000));
  return btoa(binary);
};

const pageRenderer = (): string => {
  const gl = document.createElement('canvas').getContext('webgl', { antialias: false, preserveDrawingBuffer: true });
  if (!gl) return 'no WebGL';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
};

/** Launches headless Chromium on SwiftShader with the scenes of `scenesDir` served to it. */
export async function openChromiumReference(executable: string, scenesDir: string): Promise<Reference> {
  let playwright: Playwright;
  try {
    // a variable specifier: the build must not need playwright-core's types (it is only a devDependency)
    const name = 'playwright-core';
    playwright = (await import(name)) as Playwright;
  } catch {
    throw new Error('playwright-core is not installed (npm install)');
  }
  const flags = [...SWIFTSHADER_FLAGS];
  const browser = await playwright.chromium.launch({ executablePath: executable, headless: true, args: flags });
  try {
    const page = await browser.newPage();
    const root = resolve(scenesDir) + sep;
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>akari bench reference</title>' });
      const file = resolve(root, '.' + path.replace(/^\/scenes\//, '/'));
      if (!path.startsWith('/scenes/') || !file.startsWith(root) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: 'text/javascript', body: await readFile(file, 'utf8') });
    });
    await page.goto(`${ORIGIN}/`);
    const renderer = await page.evaluate(pageRenderer);
    const run = (job: Omit<PageJob, 'harness'>, harness: string) => page.evaluate(pageJob, { ...job, harness });
    return {
      browser: `Chromium ${browser.version()} (headless)`,
      renderer,
      flags,
      async time(scene, width, height, seconds, runs) {
        return await run({ scene, width, height, seconds, runs, index: -1 }, timeScene.toString()) as number[];
      },
      async frame(scene, width, height, index) {
        const b64 = await run({ scene, width, height, seconds: 0, runs: 0, index }, renderFrame.toString()) as string;
        return new Uint8Array(Buffer.from(b64, 'base64'));
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
