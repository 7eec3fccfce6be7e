/**
 * The reference WebGL implementations for `npm run bench`: the system's
 * headless Chromium (driven by playwright-core over the DevTools protocol;
 * nothing is downloaded) with WebGL put on one of two CPU renderers:
 *
 * - `llvmpipe`: ANGLE on the system's EGL/OpenGL ES (`--use-angle=gl-egl`),
 *   which headless and without a display is Mesa's llvmpipe (Debian's
 *   libegl-mesa0 + libgl1-mesa-dri), with LP_NUM_THREADS = the machine's cores
 *   unless already set;
 * - `swiftshader`: ANGLE on SwiftShader's Vulkan device.
 *
 * Each is checked by the page's unmasked GL_RENDERER (WEBGL_debug_renderer_info):
 * a browser that silently fell back to another renderer is refused.
 *
 * The scene modules are served to the page from the scenes directory through
 * request interception, so the same files run unchanged on every side, and
 * the page runs the harness functions of bench-harness.ts from their source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { timeScene, renderFrame, measureFixedCosts, type FixedCosts } from './bench-harness.js';
import { renderThreeScene } from './bench-three.js';

export type ReferenceKind = 'llvmpipe' | 'swiftshader';

export const REFERENCE_KINDS: readonly ReferenceKind[] = ['llvmpipe', 'swiftshader'];

/** Chromium flags and the renderer each reference must report (checked with Chromium 156, Mesa 22.3). */
export const REFERENCE_FLAGS: Record<ReferenceKind, { flags: readonly string[]; renderer: RegExp }> = {
  llvmpipe: { flags: ['--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist'], renderer: /llvmpipe/i },
  swiftshader: { flags: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'], renderer: /swiftshader/i },
};

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium executable: an explicit path, $CHROME_PATH, or a system install. */
export function findChromium(explicit?: string): string | null {
  if (explicit) return existsSync(explicit) ? explicit : null;
  const env = process.env.CHROME_PATH;
  if (env && existsSync(env)) return env;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface Reference {
  readonly kind: ReferenceKind;
  /** e.g. "Chromium 156.0.8078.129 (headless)" */
  readonly browser: string;
  /** the page's GL_RENDERER (unmasked through WEBGL_debug_renderer_info) */
  readonly renderer: string;
  readonly flags: readonly string[];
  /** environment given to the browser beyond the bench's own (LP_NUM_THREADS) */
  readonly env: Readonly<Record<string, string>>;
  time(scene: string, width: number, height: number, seconds: number, runs: number): Promise<number[]>;
  frame(scene: string, width: number, height: number, index: number): Promise<Uint8Array>;
  fixedCosts(width: number, height: number, seconds: number): Promise<FixedCosts>;
  /** bench-three.ts's three.js r170 scene in a WebGL 2 context with the given antialias attribute, read back whole */
  threeFrame(width: number, height: number, antialias: boolean): Promise<Uint8Array>;
  /** the peak resident memory of the browser's processes so far, summed (bytes; 0 where /proc is not readable) */
  peakRss(): number;
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
interface Playwright { chromium: { launch(o: { executablePath: string; headless: boolean; args: string[]; env?: Record<string, string> }): Promise<Browser> } }

// Runs in the page: imports the scene, builds the harness function from its
// source text, and hands it canvas contexts with the attributes Akari's bench uses.
interface PageJob { harness: string; scene: string; args: unknown[]; antialias: boolean }
const pageJob = async (job: PageJob): Promise<unknown> => {
  const make = (w: number, h: number) => {
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = h;
    const gl = canvas.getContext('webgl', { antialias: job.antialias, preserveDrawingBuffer: true });
    if (!gl) throw new Error('no WebGL context');
    return gl;
  };
  const release = (gl: WebGLRenderingContext) => { gl.getExtension('WEBGL_lose_context')?.loseContext(); };
  const harness = (0, eval)(`(${job.harness})`) as (...a: unknown[]) => unknown;
  let result: unknown;
  if (job.scene) {
    const { scenes } = await import('/scenes/index.js' as string) as { scenes: { name: string }[] };
    const scene = scenes.find((s) => s.name === job.scene);
    if (!scene) throw new Error(`no scene ${job.scene}`);
    result = harness(scene, make, release, ...job.args);
  } else result = harness(make, release, ...job.args);
  if (!(result instanceof Uint8Array)) return result;
  // Base64 keeps a full frame's transfer small and fast over the protocol.
  let binary = '';
  for (let i = 0; i < result.length; i += 0x8000) binary += String.fromCharCode(...result.subarray(i, i + 0x8000));
  return btoa(binary);
};

// Runs in the page: three.js r170 (served at /three/three.module.js) and bench-three.ts's scene
// from its source text, in a WebGL 2 canvas with the antialias attribute asked for.
interface ThreeJob { scene: string; width: number; height: number; antialias: boolean }
const pageThreeJob = async (job: ThreeJob): Promise<string> => {
  const THREE = await import('/three/three.module.js' as string);
  const canvas = document.createElement('canvas');
  canvas.width = job.width; canvas.height = job.height;
  const gl = canvas.getContext('webgl2', { antialias: job.antialias, preserveDrawingBuffer: true });
  if (!gl) throw new Error('no WebGL 2 context');
  const render = (0, eval)(`(${job.scene})`) as (t: unknown, g: WebGL2RenderingContext, w: number, h: number) => Uint8Array;
  const result = render(THREE, gl, job.width, job.height);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  let binary = '';
  for (let i = 0; i < result.length; i += 0x8000) binary += String.fromCharCode(...result.subarray(i, i + 0x8000));
  return btoa(binary);
};

/** The folder of three.js r170's build (the devDependency `three-r170`), served to the page for the antialiasing comparison. */
function threeBuildDir(): string | null {
  try { return dirname(createRequire(import.meta.url).resolve('three-r170')); } catch { return null; }
}

const pageRenderer = (): string => {
  const gl = document.createElement('canvas').getContext('webgl', { antialias: false, preserveDrawingBuffer: true });
  if (!gl) return 'no WebGL';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
};

/** Processes descended from `root` (Linux /proc), with their peak resident set (VmHWM). */
function descendantsPeakRss(root: number, marker: string): number {
  let entries: string[];
  try { entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e)); } catch { return 0; }
  const parent = new Map<number, number>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  // the browser of this reference: a child of ours whose command line carries its flags
  let total = 0;
  for (const [pid, ppid] of parent) {
    if (ppid !== root) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmd.includes(marker)) continue;
    const tree = [pid];
    for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
    for (const p of tree) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
        if (m) total += Number(m[1]) * 1024;
      } catch { /* gone */ }
    }
  }
  return total;
}

/** Launches headless Chromium with WebGL on `kind`, the scenes of `scenesDir` served to it; `antialias`: the scenes' contexts' attribute. */
export async function openChromiumReference(executable: string, scenesDir: string, kind: ReferenceKind = 'swiftshader', antialias = false): Promise<Reference> {
  let playwright: Playwright;
  try {
    // a variable specifier: the build must not need playwright-core's types (it is only a devDependency)
    const name = 'playwright-core';
    const mod = (await import(name)) as Playwright & { default?: Playwright };
    playwright = mod.chromium ? mod : mod.default!;
  } catch {
    throw new Error('playwright-core is not installed (npm install)');
  }
  const { flags: kindFlags, renderer: expect } = REFERENCE_FLAGS[kind];
  const flags = [...kindFlags];
  const env: Record<string, string> = {};
  if (kind === 'llvmpipe') env.LP_NUM_THREADS = process.env.LP_NUM_THREADS ?? String(availableParallelism());
  const browser = await playwright.chromium.launch({
    executablePath: executable, headless: true, args: flags,
    env: { ...(process.env as Record<string, string>), ...env },
  });
  try {
    const page = await browser.newPage();
    const root = resolve(scenesDir) + sep;
    const threeDir = threeBuildDir();
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>akari bench reference</title>' });
      if (path === '/three/three.module.js' && threeDir) return route.fulfill({ contentType: 'text/javascript', body: await readFile(resolve(threeDir, 'three.module.js'), 'utf8') });
      const file = resolve(root, '.' + path.replace(/^\/scenes\//, '/'));
      if (!path.startsWith('/scenes/') || !file.startsWith(root) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: 'text/javascript', body: await readFile(file, 'utf8') });
    });
    await page.goto(`${ORIGIN}/`);
    const renderer = await page.evaluate(pageRenderer);
    if (!expect.test(renderer)) throw new Error(`WebGL runs on "${renderer}", not ${kind}`);
    const run = (fn: { toString(): string }, scene: string, args: unknown[]) => page.evaluate(pageJob, { harness: fn.toString(), scene, args, antialias });
    return {
      kind,
      browser: `Chromium ${browser.version()} (headless)`,
      renderer,
      flags,
      env,
      async time(scene, width, height, seconds, runs) {
        return await run(timeScene, scene, [width, height, seconds, runs]) as number[];
      },
      async frame(scene, width, height, index) {
        const b64 = await run(renderFrame, scene, [width, height, index]) as string;
        return new Uint8Array(Buffer.from(b64, 'base64'));
      },
      async fixedCosts(width, height, seconds) {
        return await run(measureFixedCosts, '', [width, height, seconds]) as FixedCosts;
      },
      async threeFrame(width, height, antialias) {
        if (!threeDir) throw new Error('three-r170 is not installed (npm install)');
        const b64 = await page.evaluate(pageThreeJob, { scene: renderThreeScene.toString(), width, height, antialias });
        return new Uint8Array(Buffer.from(b64, 'base64'));
      },
      peakRss: () => descendantsPeakRss(process.pid, kindFlags[1]!),
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
