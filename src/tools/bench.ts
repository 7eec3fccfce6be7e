/**
 * npm run bench — the benchmark scenes of ../shared/bench/scenes, run
 * unchanged on Akari's WebGL: setup once, three warm-up frames, then frames
 * for at least `--seconds` (each ending with finish() and a 1x1 readPixels,
 * as the reference harness does). Several runs; the median is reported.
 *
 *   npm run bench [-- --json] [--sizes 800x600,1920x1080] [--scenes fill,tris] [--seconds 2] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Scene {
  name: string;
  unit: { label: string; perFrame(w: number, h: number): number };
  setup(gl: WebGLRenderingContext, w: number, h: number): unknown;
  frame(gl: WebGLRenderingContext, state: unknown, index: number): void;
}

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '800x600,1920x1080' },
    scenes: { type: 'string', default: '' },
    seconds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    'scenes-dir': { type: 'string', default: process.env.AKARI_BENCH_SCENES ?? '../shared/bench/scenes' },
  },
});

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

async function main(): Promise<void> {
  const dir = resolve(values['scenes-dir']!);
  const index = resolve(dir, 'index.js');
  if (!existsSync(index)) throw new Error(`benchmark scenes not found at ${index} (set --scenes-dir)`);
  const { scenes } = (await import(pathToFileURL(index).href)) as { scenes: Scene[] };
  const akari = (await import('../index.js')) as { createWebGLContext?: (w: number, h: number, a?: object) => WebGLRenderingContext & { destroy?: () => void } };
  if (!akari.createWebGLContext) throw new Error('this build has no createWebGLContext');
  const wanted = values.scenes ? values.scenes.split(',') : null;
  const sizes = values.sizes!.split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const seconds = Number(values.seconds), runs = Number(values.runs);
  const pixel = new Uint8Array(4);
  for (const scene of scenes) {
    if (wanted && !wanted.includes(scene.name)) continue;
    for (const [w, h] of sizes) {
      const fpsRuns: number[] = [];
      for (let r = 0; r < runs; r++) {
        const gl = akari.createWebGLContext(w, h, { antialias: false, preserveDrawingBuffer: true });
        const state = scene.setup(gl, w, h);
        let i = 0;
        const one = () => { scene.frame(gl, state, i++); gl.finish(); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel); };
        for (let k = 0; k < 3; k++) one();
        const t0 = performance.now();
        let frames = 0;
        do { one(); frames++; } while (performance.now() - t0 < seconds * 1000);
        fpsRuns.push(frames / ((performance.now() - t0) / 1000));
        gl.getExtension('WEBGL_lose_context')?.loseContext();
        (gl as { destroy?: () => void }).destroy?.();
        if (!values.json) process.stderr.write('.');
      }
      const fps = median(fpsRuns);
      const rate = (fps * scene.unit.perFrame(w, h)) / 1e6;
      const unit = scene.unit.label;
      if (values.json) console.log(JSON.stringify({ scene: scene.name, width: w, height: h, fps, rate, unit }));
      else console.log(`\n${scene.name.padEnd(8)} ${`${w}x${h}`.padEnd(10)} ${fps.toFixed(2).padStart(8)} fps  ${rate.toFixed(2).padStart(9)} ${unit}  (median of ${runs}: ${fpsRuns.map((f) => f.toFixed(2)).join(', ')})`);
    }
  }
}

main().catch((e) => { console.error(`bench: ${(e as Error).message}`); process.exit(1); });
