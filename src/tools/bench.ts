/**
 * npm run bench — the benchmark scenes of bench/scenes (copied from the steering repo's shared/bench), run
 * unchanged on Akari's WebGL and, in the same run, on two reference CPU
 * renderers in the system's headless Chromium: Mesa's llvmpipe (ANGLE on
 * EGL) and SwiftShader (bench-reference.ts). Timing follows the scenes'
 * README (bench-harness.ts, shared by all sides): setup once per run, three
 * warm-up frames, frames for at least `--seconds`, each ending with finish()
 * and a 1x1 readPixels; fps is the median of `--runs` runs, the runs of the
 * implementations interleaved so that a change in the machine's load hits
 * them alike. Then frame `--compare-frame` of each scene is read back whole
 * from every implementation and compared with Akari's; side-by-side and
 * difference PNGs go to `--out`. Last, fixed costs per implementation and
 * size (context creation, compile + first draw, an empty frame, a full-frame
 * readPixels) and peak resident memory.
 *
 *   npm run bench [-- --json] [--sizes 800x600,1920x1080] [--scenes fill,tris] [--seconds 2] [--runs 3]
 *                    [--reference auto|chromium|none] [--references llvmpipe,swiftshader] [--chromium PATH]
 *                    [--baseline DIST/src/index.js] [--compare-frame 30] [--tolerance 3] [--out out/bench]
 *                    [--skip-images] [--skip-fixed] [--antialias]
 *
 * --antialias times the scenes (and compares their frames) with WebGL's default
 * `antialias: true` on every side — Akari's 4x MSAA drawing buffer, each
 * reference's own MSAA — instead of `antialias: false`.
 *
 * --reference auto (default) uses Chromium when found (--chromium, $CHROME_PATH,
 * /usr/bin/chromium, ...) and otherwise runs Akari alone and says why;
 * `chromium` requires it; `none` skips it. A reference whose renderer is not
 * what was asked for (say, no Mesa EGL installed) is left out, with the reason.
 * --baseline times a second Akari build (another tree's dist/src/index.js)
 * in the same run: a before/after pair from one command.
 * Progress goes to stderr; results to stdout (one JSON object per line with --json).
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timeScene, renderFrame, measureFixedCosts, median, type BenchScene, type FixedCosts } from './bench-harness.js';
import { findChromium, openChromiumReference, REFERENCE_KINDS, type Reference, type ReferenceKind } from './bench-reference.js';
import { AKARI_MAX_TIMEOUT_MS } from '../uapi/akari.js';
import { compareFrames, sideBySide, writePng, type FrameDifference } from './bench-images.js';
import { renderThreeScene } from './bench-three.js';

const OPTIONS = {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '800x600,1920x1080' },
    scenes: { type: 'string', default: '' },
    seconds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    'scenes-dir': { type: 'string', default: process.env.AKARI_BENCH_SCENES ?? fileURLToPath(new URL('../../../bench/scenes', import.meta.url)) },
    reference: { type: 'string', default: 'auto' },
    references: { type: 'string', default: REFERENCE_KINDS.join(',') },
    chromium: { type: 'string' },
    baseline: { type: 'string' },
    'compare-frame': { type: 'string', default: '30' },
    tolerance: { type: 'string', default: '3' },
    out: { type: 'string', default: 'out/bench' },
    'skip-images': { type: 'boolean', default: false },
    'skip-fixed': { type: 'boolean', default: false },
    antialias: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
} as const;

const USAGE = `usage: npm run bench [-- --json] [--sizes 800x600,1920x1080] [--scenes fill,tris] [--seconds 2] [--runs 3]
                 [--reference auto|chromium|none] [--references llvmpipe,swiftshader] [--chromium PATH]
                 [--baseline DIST/src/index.js] [--compare-frame 30] [--tolerance 3] [--out out/bench]
                 [--scenes-dir DIR] [--skip-images] [--skip-fixed] [--antialias]
(docs/BENCH.md explains each)`;

/** A user's mistake on the command line is one line and exit status 2, never a stack trace. */
function usageError(message: string): never {
  process.stderr.write(`bench: ${message} (npm run bench -- --help)\n`);
  process.exit(2);
}

function parseOptions() {
  let parsed;
  try { parsed = parseArgs({ options: OPTIONS }).values; } catch (e) { usageError((e as Error).message); }
  if (parsed.help) { console.log(USAGE); process.exit(0); }
  if (!/^\d+x\d+(,\d+x\d+)*$/.test(parsed.sizes)) usageError(`--sizes needs WxH[,WxH...], not '${parsed.sizes}'`);
  for (const [name, min, integer] of [['seconds', 0, false], ['runs', 1, true], ['compare-frame', 0, true], ['tolerance', 0, false]] as const) {
    const v = Number(parsed[name]);
    if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)) || (name === 'seconds' && v <= 0)) {
      usageError(`--${name} needs ${integer ? 'an integer' : 'a number'} ${name === 'seconds' ? '> 0' : `>= ${min}`}, not '${parsed[name]}'`);
    }
  }
  return parsed;
}

const values = parseOptions();

type AkariGl = WebGLRenderingContext & { destroy?: () => void };
type AkariModule = { createWebGLContext?: (w: number, h: number, a?: object) => AkariGl };

/** One implementation under test: Akari (this build or a baseline) or a Chromium reference. */
interface Side {
  name: string;
  time(scene: BenchScene, w: number, h: number, seconds: number, runs: number): Promise<number[]>;
  frame(scene: BenchScene, w: number, h: number, index: number): Promise<Uint8Array>;
  fixedCosts(w: number, h: number, seconds: number): Promise<FixedCosts>;
  peakRss(): number;
}

const say = (line: string) => { if (values.json) process.stderr.write(line + '\n'); else console.log(line); };
const progress = (line: string) => { process.stderr.write(`bench: ${line}\n`); };
const LABEL: Record<ReferenceKind, string> = { llvmpipe: 'llvmpipe', swiftshader: 'SwiftShader' };

/** An Akari build under test; `create` is its createWebGLContext (the antialiasing comparison makes its own contexts). */
type AkariSide = Side & { create: NonNullable<AkariModule['createWebGLContext']> };

async function akariSide(name: string, modulePath: string): Promise<AkariSide> {
  const akari = (await import(pathToFileURL(resolve(modulePath)).href)) as AkariModule;
  const create = akari.createWebGLContext;
  if (!create) throw new Error(`${modulePath} has no createWebGLContext`);
  // a frame may take longer than the default 10 s job watchdog on a loaded machine: the bench measures speed, so the longest allowed
  const make = (w: number, h: number) => create(w, h, { antialias: values.antialias!, preserveDrawingBuffer: true, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS });
  const release = (gl: WebGLRenderingContext) => {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    (gl as AkariGl).destroy?.();
  };
  return {
    name,
    create,
    time: async (scene, w, h, seconds, runs) => timeScene(scene, make, release, w, h, seconds, runs),
    frame: async (scene, w, h, index) => renderFrame(scene, make, release, w, h, index),
    fixedCosts: async (w, h, seconds) => measureFixedCosts(make, release, w, h, seconds),
    // the bench's own process: Akari's threads and the harness (the browsers are other processes)
    peakRss: () => process.resourceUsage().maxRSS * 1024,
  };
}

function referenceSide(ref: Reference): Side {
  return {
    name: LABEL[ref.kind],
    time: (scene, w, h, seconds, runs) => ref.time(scene.name, w, h, seconds, runs),
    frame: (scene, w, h, index) => ref.frame(scene.name, w, h, index),
    fixedCosts: (w, h, seconds) => ref.fixedCosts(w, h, seconds),
    peakRss: () => ref.peakRss(),
  };
}

async function openReferences(scenesDir: string): Promise<Reference[]> {
  const mode = values.reference!;
  if (mode === 'none') { say('reference: none (--reference none); Akari alone'); return []; }
  if (mode !== 'auto' && mode !== 'chromium') throw new Error(`--reference must be auto, chromium or none (got ${mode})`);
  const kinds = values.references!.split(',').filter(Boolean) as ReferenceKind[];
  for (const k of kinds) if (!REFERENCE_KINDS.includes(k)) throw new Error(`--references: unknown ${k} (${REFERENCE_KINDS.join(', ')})`);
  const exe = findChromium(values.chromium);
  if (!exe) {
    const why = values.chromium ? `no Chromium at ${values.chromium}` : 'no Chromium found (--chromium PATH, $CHROME_PATH, /usr/bin/chromium; Debian: apt-get install chromium libegl-mesa0 libgl1-mesa-dri)';
    if (mode === 'chromium') throw new Error(why);
    say(`reference: missing — ${why}; Akari alone`);
    return [];
  }
  const refs: Reference[] = [];
  for (const kind of kinds) {
    progress(`starting Chromium with WebGL on ${kind}`);
    try {
      const ref = await openChromiumReference(exe, scenesDir, kind, values.antialias!);
      const env = Object.entries(ref.env).map(([k, v]) => `${k}=${v} `).join('');
      say(`reference ${LABEL[kind]}: ${env}${ref.browser} ${exe} ${ref.flags.join(' ')}`);
      say(`reference ${LABEL[kind]} GL_RENDERER: ${ref.renderer}`);
      refs.push(ref);
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      if (mode === 'chromium') { for (const r of refs) await r.close(); throw new Error(`${kind}: ${why}`); }
      say(`reference ${LABEL[kind]}: missing — ${why}`);
    }
  }
  if (!refs.length) say('reference: none could be started; Akari alone');
  return refs;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3));

async function main(): Promise<void> {
  const dir = resolve(values['scenes-dir']!);
  const index = resolve(dir, 'index.js');
  if (!existsSync(index)) throw new Error(`benchmark scenes not found at ${index} (set --scenes-dir)`);
  const { scenes } = (await import(pathToFileURL(index).href)) as { scenes: BenchScene[] };
  const wanted = values.scenes ? values.scenes.split(',') : null;
  const sizes = values.sizes!.split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const seconds = Number(values.seconds), runs = Number(values.runs);
  const compareAt = Number(values['compare-frame']), tolerance = Number(values.tolerance);

  const akari = await akariSide('Akari', fileURLToPath(new URL('../index.js', import.meta.url)));
  const sides: Side[] = [akari];
  if (values.baseline) {
    sides.push(await akariSide('baseline', values.baseline));
    say(`baseline: ${resolve(values.baseline)} (another Akari build, timed in the same run)`);
  }
  const references = await openReferences(dir);
  const refSides = references.map(referenceSide);
  sides.push(...refSides);
  const names = sides.map((s) => s.name);
  say(`timing: ${runs} runs of >= ${seconds} s after 3 warm-up frames, the implementations' runs interleaved; fps is the median run; ratio = Akari fps / other fps`);
  say(`contexts: antialias ${values.antialias ? 'true (--antialias: 4x MSAA on Akari, each reference\'s own MSAA)' : 'false'}, preserveDrawingBuffer true`);
  const table: Array<{ scene: string; size: string; fps: Record<string, number> }> = [];
  try {
    for (const scene of scenes) {
      if (wanted && !wanted.includes(scene.name)) continue;
      for (const [w, h] of sizes) {
        const perFrame = scene.unit.perFrame(w, h), unit = scene.unit.label;
        const runsOf: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
        for (let r = 0; r < runs; r++) {
          for (const side of sides) {
            progress(`${scene.name} ${w}x${h} ${side.name} run ${r + 1}/${runs}`);
            runsOf[side.name]!.push(...await side.time(scene, w, h, seconds, 1));
          }
        }
        const fps = Object.fromEntries(names.map((n) => [n, median(runsOf[n]!)]));
        table.push({ scene: scene.name, size: `${w}x${h}`, fps });
        const diffs: Record<string, { diff: FrameDifference; png: string }> = {};
        if (refSides.length && !values['skip-images']) {
          progress(`${scene.name} ${w}x${h} frame ${compareAt} from each implementation`);
          const a = await akari.frame(scene, w, h, compareAt);
          for (const side of refSides) {
            const b = await side.frame(scene, w, h, compareAt);
            const png = join(values.out!, `${scene.name}-${w}x${h}${values.antialias ? '-antialias' : ''}-frame${compareAt}-${side.name.toLowerCase()}.png`);
            writePng(png, sideBySide(a, b, w, h, tolerance));
            diffs[side.name] = { diff: compareFrames(a, b, tolerance), png };
          }
        }
        if (values.json) {
          console.log(JSON.stringify({
            scene: scene.name, width: w, height: h, antialias: values.antialias, unit, perFrame,
            fps: fps.Akari, rate: (fps.Akari! * perFrame) / 1e6, runs: runsOf.Akari,
            others: Object.fromEntries(names.slice(1).map((n) => [n, {
              fps: fps[n], rate: (fps[n]! * perFrame) / 1e6, runs: runsOf[n], ratio: fps.Akari! / fps[n]!,
              renderer: references.find((r) => LABEL[r.kind] === n)?.renderer,
              ...(diffs[n] ? { compareFrame: compareAt, tolerance, differingFraction: diffs[n]!.diff.fraction, maxDifference: diffs[n]!.diff.maxDifference, image: diffs[n]!.png } : {}),
            }])),
          }));
          continue;
        }
        let line = `${scene.name.padEnd(8)} ${`${w}x${h}`.padEnd(10)}`;
        for (const n of names) line += ` ${n} ${fmt(fps[n]!).padStart(7)} fps (${((fps[n]! * perFrame) / 1e6).toFixed(2)} ${unit})`;
        for (const n of names.slice(1)) line += ` | Akari/${n} ${(fps.Akari! / fps[n]!).toFixed(3)}`;
        line += `\n${''.padEnd(20)}runs: ${names.map((n) => `${n} ${runsOf[n]!.map((f) => f.toFixed(2)).join(', ')}`).join('; ')}`;
        for (const [n, { diff, png }] of Object.entries(diffs)) {
          line += `\n${''.padEnd(20)}frame ${compareAt} vs ${n}: ${(diff.fraction * 100).toFixed(3)}% of pixels differ by > ${tolerance}/255 (max ${diff.maxDifference}) — ${png}`;
        }
        console.log(line);
      }
    }
    if (references.length && !values['skip-images']) await compareAntialiasing(akari.create, references, sizes[0]!, tolerance);
    const costs: Array<{ side: string; size: string; c: FixedCosts }> = [];
    if (!values['skip-fixed']) {
      for (const [w, h] of sizes) {
        for (const side of sides) {
          progress(`fixed costs ${side.name} ${w}x${h}`);
          costs.push({ side: side.name, size: `${w}x${h}`, c: await side.fixedCosts(w, h, Math.min(1, seconds)) });
        }
      }
    }
    const rss = Object.fromEntries(sides.map((s) => [s.name, s.peakRss()]));
    if (values.json) {
      for (const { side, size, c } of costs) console.log(JSON.stringify({ fixedCosts: side, size, ...c }));
      console.log(JSON.stringify({ peakRss: rss }));
      return;
    }
    // The summary as Markdown, ready for docs/BENCH.md.
    console.log(`\n| scene | size | ${names.map((n) => `${n} fps`).join(' | ')} | ${names.slice(1).map((n) => `Akari / ${n}`).join(' | ')} |`);
    console.log(`| --- | --- | ${names.map(() => '---').join(' | ')} | ${names.slice(1).map(() => '---').join(' | ')} |`);
    for (const row of table) {
      console.log(`| ${row.scene} | ${row.size} | ${names.map((n) => fmt(row.fps[n]!)).join(' | ')} | ${names.slice(1).map((n) => (row.fps.Akari! / row.fps[n]!).toFixed(3)).join(' | ')} |`);
    }
    if (costs.length) {
      console.log('\n| implementation | size | context to first pixel ms | compile + first draw ms | empty frame ms (32x32) | full-frame readPixels ms |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      for (const { side, size, c } of costs) console.log(`| ${side} | ${size} | ${fmt(c.contextMs)} | ${fmt(c.compileMs)} | ${fmt(c.emptyFrameMs)} | ${fmt(c.readPixelsMs)} |`);
    }
    console.log(`\npeak RSS: ${names.map((n) => `${n} ${(rss[n]! / 2 ** 20).toFixed(0)} MiB`).join(', ')}`
      + ' (Akari, and any baseline: the bench process; a browser: the sum of its processes\' peaks)');
  } finally {
    for (const r of references) await r.close();
  }
}

/**
 * bench-three.ts's three.js scene with the default `antialias: true` from Akari and from each
 * reference, compared pixel by pixel and written side by side; and Akari's frame with
 * `antialias: false` against the same reference as the control (its edges are aliased).
 */
async function compareAntialiasing(createAkariContext: AkariSide['create'], references: readonly Reference[], [w, h]: [number, number], tolerance: number): Promise<void> {
  let THREE: unknown;
  try { THREE = await import('three-r170' as string); } catch { say('antialiasing comparison skipped: three-r170 is not installed'); return; }
  const akari = (antialias: boolean) => {
    const gl = createAkariContext(w, h, { version: 2, antialias, preserveDrawingBuffer: true, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS });
    try { return renderThreeScene(THREE, gl as unknown as WebGL2RenderingContext, w, h); } finally { (gl as AkariGl).destroy?.(); }
  };
  progress(`three.js antialiasing ${w}x${h} Akari`);
  const msaa = akari(true), aliased = akari(false);
  for (const ref of references) {
    progress(`three.js antialiasing ${w}x${h} ${LABEL[ref.kind]}`);
    const b = await ref.threeFrame(w, h, true);
    const png = join(values.out!, `three-antialias-${w}x${h}-${ref.kind}.png`);
    writePng(png, sideBySide(msaa, b, w, h, tolerance));
    const d = compareFrames(msaa, b, tolerance), control = compareFrames(aliased, b, tolerance);
    if (values.json) {
      console.log(JSON.stringify({ antialiasing: LABEL[ref.kind], width: w, height: h, tolerance, differingFraction: d.fraction, maxDifference: d.maxDifference, aliasedDifferingFraction: control.fraction, image: png }));
    } else {
      say(`three.js r170, antialias: true, ${w}x${h}, Akari vs ${LABEL[ref.kind]}: ${(d.fraction * 100).toFixed(3)}% of pixels differ by > ${tolerance}/255 (max ${d.maxDifference});`
        + ` Akari with antialias: false vs the same: ${(control.fraction * 100).toFixed(3)}% — ${png}`);
    }
  }
}

main().catch((e) => { console.error(`bench: ${(e as Error).message}`); process.exit(1); });
