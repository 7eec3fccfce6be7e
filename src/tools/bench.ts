/**
 * npm run bench — the benchmark scenes of bench/scenes (copied from the steering repo's shared/bench), run
 * unchanged on Akari's WebGL and, in the same run, on a reference WebGL
 * implementation (headless Chromium on SwiftShader, when it is installed).
 * Timing follows the scenes' README (bench-harness.ts, shared by both sides):
 * setup once per run, three warm-up frames, frames for at least `--seconds`,
 * each ending with finish() and a 1x1 readPixels; the median of `--runs` runs.
 * Then frame `--compare-frame` of each scene is read back whole from both and
 * compared; side-by-side/difference PNGs go to `--out`.
 *
 *   npm run bench [-- --json] [--sizes 800x600,1920x1080] [--scenes fill,tris] [--seconds 2] [--runs 3]
 *                    [--reference auto|chromium|none] [--chromium PATH]
 *                    [--compare-frame 30] [--tolerance 3] [--out out/bench] [--skip-images]
 *
 * --reference auto (default) uses Chromium when found (--chromium, $CHROME_PATH,
 * /usr/bin/chromium, ...) and otherwise runs Akari alone and says the reference
 * is missing; `chromium` requires it; `none` skips it.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timeScene, renderFrame, median, type BenchScene } from './bench-harness.js';
import { findChromium, openChromiumReference, type Reference } from './bench-reference.js';
import { compareFrames, sideBySide, writePng, type FrameDifference } from './bench-images.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '800x600,1920x1080' },
    scenes: { type: 'string', default: '' },
    seconds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    'scenes-dir': { type: 'string', default: process.env.AKARI_BENCH_SCENES ?? fileURLToPath(new URL('../../../bench/scenes', import.meta.url)) },
    reference: { type: 'string', default: 'auto' },
    chromium: { type: 'string' },
    'compare-frame': { type: 'string', default: '30' },
    tolerance: { type: 'string', default: '3' },
    out: { type: 'string', default: 'out/bench' },
    'skip-images': { type: 'boolean', default: false },
  },
});

type AkariModule = { createWebGLContext?: (w: number, h: number, a?: object) => WebGLRenderingContext & { destroy?: () => void } };

const say = (line: string) => { if (values.json) process.stderr.write(line + '\n'); else console.log(line); };

async function openReference(scenesDir: string): Promise<Reference | null> {
  const mode = values.reference!;
  if (mode === 'none') { say('reference: none (--reference none); Akari alone'); return null; }
  if (mode !== 'auto' && mode !== 'chromium') throw new Error(`--reference must be auto, chromium or none (got ${mode})`);
  const exe = findChromium(values.chromium);
  if (!exe) {
    const why = values.chromium ? `no Chromium at ${values.chromium}` : 'no Chromium found (--chromium PATH, $CHROME_PATH, /usr/bin/chromium)';
    if (mode === 'chromium') throw new Error(why);
    say(`reference: missing — ${why}; Akari alone`);
    return null;
  }
  try {
    const ref = await openChromiumReference(exe, scenesDir);
    say(`reference: ${ref.browser} ${exe} ${ref.flags.join(' ')}`);
    say(`reference GL_RENDERER: ${ref.renderer}`);
    if (!/swiftshader/i.test(ref.renderer)) say('reference: WARNING — the renderer is not SwiftShader');
    return ref;
  } catch (e) {
    if (mode === 'chromium') throw e;
    say(`reference: missing — Chromium did not start (${(e as Error).message.split('\n')[0]}); Akari alone`);
    return null;
  }
}

async function main(): Promise<void> {
  const dir = resolve(values['scenes-dir']!);
  const index = resolve(dir, 'index.js');
  if (!existsSync(index)) throw new Error(`benchmark scenes not found at ${index} (set --scenes-dir)`);
  const { scenes } = (await import(pathToFileURL(index).href)) as { scenes: BenchScene[] };
  const akari = (await import('../index.js')) as AkariModule;
  const create = akari.createWebGLContext;
  if (!create) throw new Error('this build has no createWebGLContext');
  const wanted = values.scenes ? values.scenes.split(',') : null;
  const sizes = values.sizes!.split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const seconds = Number(values.seconds), runs = Number(values.runs);
  const compareAt = Number(values['compare-frame']), tolerance = Number(values.tolerance);
  const makeAkari = (w: number, h: number) => create(w, h, { antialias: false, preserveDrawingBuffer: true });
  const releaseAkari = (gl: WebGLRenderingContext) => {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    (gl as { destroy?: () => void }).destroy?.();
  };

  const reference = await openReference(dir);
  say(`timing: ${runs} runs of >= ${seconds} s after 3 warm-up frames; fps is the median run${reference ? '; ratio = Akari fps / reference fps' : ''}`);
  try {
    for (const scene of scenes) {
      if (wanted && !wanted.includes(scene.name)) continue;
      for (const [w, h] of sizes) {
        const akariRuns = timeScene(scene, makeAkari, releaseAkari, w, h, seconds, runs);
        const fps = median(akariRuns);
        const perFrame = scene.unit.perFrame(w, h);
        const rate = (fps * perFrame) / 1e6;
        const unit = scene.unit.label;
        const row: Record<string, unknown> = { scene: scene.name, width: w, height: h, fps, rate, unit, runs: akariRuns };
        let refRuns: number[] | null = null;
        if (reference) {
          refRuns = await reference.time(scene.name, w, h, seconds, runs);
          const refFps = median(refRuns);
          Object.assign(row, {
            reference: 'chromium-swiftshader', referenceRenderer: reference.renderer,
            referenceFps: refFps, referenceRate: (refFps * perFrame) / 1e6, referenceRuns: refRuns, ratio: fps / refFps,
          });
        }
        let diff: FrameDifference | null = null, png = '';
        if (reference && !values['skip-images']) {
          const a = renderFrame(scene, makeAkari, releaseAkari, w, h, compareAt);
          const b = await reference.frame(scene.name, w, h, compareAt);
          diff = compareFrames(a, b, tolerance);
          png = join(values.out!, `${scene.name}-${w}x${h}-frame${compareAt}.png`);
          writePng(png, sideBySide(a, b, w, h, tolerance));
          Object.assign(row, { compareFrame: compareAt, tolerance, differingFraction: diff.fraction, maxDifference: diff.maxDifference, image: png });
        }
        if (values.json) { console.log(JSON.stringify(row)); continue; }
        const runsText = (xs: number[]) => xs.map((f) => f.toFixed(2)).join(', ');
        let line = `${scene.name.padEnd(8)} ${`${w}x${h}`.padEnd(10)} Akari ${fps.toFixed(2).padStart(8)} fps ${rate.toFixed(2).padStart(8)} ${unit}`;
        if (refRuns) {
          const refFps = median(refRuns);
          line += ` | reference ${refFps.toFixed(2).padStart(8)} fps ${((refFps * perFrame) / 1e6).toFixed(2).padStart(8)} ${unit} | ratio ${(fps / refFps).toFixed(3)}`;
        }
        line += `\n${''.padEnd(20)}runs: Akari ${runsText(akariRuns)}${refRuns ? `; reference ${runsText(refRuns)}` : ''}`;
        if (diff) line += `\n${''.padEnd(20)}frame ${compareAt}: ${(diff.fraction * 100).toFixed(3)}% of pixels differ by > ${tolerance}/255 (max ${diff.maxDifference}) — ${png}`;
        console.log(line);
      }
    }
  } finally {
    await reference?.close();
  }
}

main().catch((e) => { console.error(`bench: ${(e as Error).message}`); process.exit(1); });
