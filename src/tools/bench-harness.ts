/**
 * The benchmark harness of bench/README.md (the scenes in bench/scenes), written once and run by
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

/** A WebGL context of the given size with preserveDrawingBuffer: true and antialias: false (true under bench --antialias). */
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
    // a lost context draws nothing, fast: such a run measures nothing
    if (gl.isContextLost()) throw new Error(`${scene.name} ${width}x${height}: the context was lost during the run`);
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

/** Costs that do not grow with a scene's work, in milliseconds (medians). */
export interface FixedCosts {
  /** a new width x height context up to its first pixel: create, clear, finish, 1x1 readPixels */
  contextMs: number;
  /** compile and link a new program and draw once with it (Akari translates the machine code then): one triangle at 32x32 */
  compileMs: number;
  /** an empty frame: clear and one triangle in a 32x32 context, finish, 1x1 readPixels */
  emptyFrameMs: number;
  /** readPixels of the whole width x height frame (RGBA, UNSIGNED_BYTE) */
  readPixelsMs: number;
}

/**
 * Fixed per-frame and per-object costs of an implementation (self-contained,
 * like timeScene: the reference page runs it from its source). Each shader
 * source differs by a constant, so no implementation's program cache hides
 * the compile.
 */
export function measureFixedCosts(makeContext: MakeContext, release: ReleaseContext, width: number, height: number, seconds: number): FixedCosts {
  const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
  const pixel = new Uint8Array(4);
  const contextTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const gl = makeContext(width, height);
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.finish();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
    contextTimes.push(performance.now() - t0);
    release(gl);
  }
  const small = makeContext(32, 32);
  const buffer = small.createBuffer();
  small.bindBuffer(small.ARRAY_BUFFER, buffer);
  small.bufferData(small.ARRAY_BUFFER, new Float32Array([-0.5, -0.5, 0.5, -0.5, 0, 0.5]), small.STATIC_DRAW);
  const build = (k: number) => {
    const p = small.createProgram()!;
    const sources: Array<[number, string]> = [
      [small.VERTEX_SHADER, `attribute vec2 p; uniform float s; void main() { gl_Position = vec4(p * s * ${(1 + k / 1e6).toFixed(7)}, 0.0, 1.0); }`],
      [small.FRAGMENT_SHADER, `precision mediump float; uniform vec4 c; void main() { gl_FragColor = c * ${(1 - k / 1e6).toFixed(7)}; }`],
    ];
    for (const [type, src] of sources) {
      const sh = small.createShader(type)!;
      small.shaderSource(sh, src);
      small.compileShader(sh);
      small.attachShader(p, sh);
    }
    small.bindAttribLocation(p, 0, 'p');
    small.linkProgram(p);
    if (!small.getProgramParameter(p, small.LINK_STATUS)) throw new Error('fixed-cost program did not link');
    return p;
  };
  const draw = (p: WebGLProgram) => {
    small.useProgram(p);
    small.uniform1f(small.getUniformLocation(p, 's'), 1);
    small.uniform4f(small.getUniformLocation(p, 'c'), 1, 0.5, 0.25, 1);
    small.enableVertexAttribArray(0);
    small.vertexAttribPointer(0, 2, small.FLOAT, false, 0, 0);
    small.clearColor(0, 0, 0, 1);
    small.clear(small.COLOR_BUFFER_BIT);
    small.drawArrays(small.TRIANGLES, 0, 3);
    small.finish();
    small.readPixels(0, 0, 1, 1, small.RGBA, small.UNSIGNED_BYTE, pixel);
  };
  const compileTimes: number[] = [];
  let program: WebGLProgram | null = null;
  const salt = Math.floor(performance.now() * 1000) % 100000;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    program = build(salt * 10 + i);
    draw(program);
    compileTimes.push(performance.now() - t0);
  }
  const frameTimes: number[] = [];
  for (let i = 0; i < 3; i++) draw(program!);
  const tf = performance.now();
  do {
    const t0 = performance.now();
    draw(program!);
    frameTimes.push(performance.now() - t0);
  } while (performance.now() - tf < seconds * 1000 || frameTimes.length < 10);
  release(small);
  const gl = makeContext(width, height);
  gl.clearColor(0.25, 0.5, 0.75, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.finish();
  const frame = new Uint8Array(width * height * 4);
  const readTimes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, frame);
    readTimes.push(performance.now() - t0);
  }
  release(gl);
  return { contextMs: med(contextTimes), compileMs: med(compileTimes), emptyFrameMs: med(frameTimes), readPixelsMs: med(readTimes.slice(1)) };
}
