/**
 * The benchmark harness of ../shared/bench/README.md, written once and run by
 * both implementations: Node calls these functions directly on Akari's
 * WebGL, and the Chromium reference receives their source text
 * (`Function.prototype.toString`) and runs them inside the page. That is why
 * each function is self-contained: it may use only its parameters and the
 * globals both sides have (performance, Uint8Array, Math).
 */

export interface BenchScene {
  name: string;
  unit: { label: string; perFrame(w: number, h: number): number };
  setup(gl: WebGLRenderingContext, w: number, h: number): unknown;
  frame(gl: WebGLRenderingContext, state: unknown, index: number): void;
}

/** A WebGL context of the given size with antialias: false, preserveDrawingBuffer: true. */
export type MakeContext = (width: number, height: number) => WebGLRenderingContext;
export type ReleaseContext = (gl: WebGLRenderingContext) => void;

/**
 * Frames per second of each of `runs` runs: a fresh context and setup per
 * run, three warm-up frames, then frames for at least `seconds`, each ending
 * with finish() and a 1x1 readPixels (the readback forces completion in every
 * implementation; Chromium's finish is only a flush).
 */
export function timeScene(scene: BenchScene, makeContext: MakeContext, release: ReleaseContext,
  width: number, height: number, seconds: number, runs: number): number[] {
  const pixel = new Uint8Array(4);
  const fps: number[] = [];
  for (let r = 0; r < runs; r++) {
    const gl = makeContext(width, height);
    const state = scene.setup(gl, width, height);
    let i = 0;
    const one = () => {
      scene.frame(gl, state, i++);
      gl.finish();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
    };
    for (let k = 0; k < 3; k++) one();
    const t0 = performance.now();
    let frames = 0;
    do { one(); frames++; } while (performance.now() - t0 < seconds * 1000);
    fps.push(frames / ((performance.now() - t0) / 1000));
    release(gl);
  }
  return fps;
}

/**
 * The whole of frame `index` as readPixels returns it (RGBA8, bottom row
 * first). Frames are deterministic in their index, so frame `index` drawn
 * alone after setup is the frame a timed run draws at that index.
 */
export function renderFrame(scene: BenchScene, makeContext: MakeContext, release: ReleaseContext,
  width: number, height: number, index: number): Uint8Array {
  const gl = makeContext(width, height);
  try {
    const state = scene.setup(gl, width, height);
    scene.frame(gl, state, index);
    gl.finish();
    const pixels = new Uint8Array(width * height * 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    const error = gl.getError();
    if (error !== gl.NO_ERROR) throw new Error(`${scene.name} ${width}x${height} frame ${index}: GL error 0x${error.toString(16)}`);
    return pixels;
  } finally {
    release(gl);
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
