/**
 * Fill-rate microbenchmark of the fragment path: ns per shaded fragment for
 * full-screen quads, blended, on the shader core selected by AKARI_SHADER
 * (wasm | js | interp). A tool, not a test: it prints numbers. Run each mode
 * back to back on the same machine:
 *
 *   for m in interp js wasm; do AKARI_SHADER=$m node dist/src/tools/fillrate.js; done
 *
 * The work is the bench's own fill scene (bench/scenes/fill.js, imported,
 * not copied: 16 blended full-screen layers with a uniform tint), timed as
 * is and again with an ALU-heavy fragment shader in place of the scene's.
 *
 * Options: --size 512x512 --seconds 1 --antialias (scenes from $AKARI_BENCH_SCENES or bench/scenes).
 * --antialias draws into a 4x multisampled drawing buffer (WebGL's default), resolved at each tile's
 * end: every fragment is blended into each of its covered samples.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWebGLContext } from '../platform/webgl.js';
import { AKARI_MAX_TIMEOUT_MS } from '../uapi/akari.js';

const { values } = parseArgs({ options: {
  size: { type: 'string', default: '512x512' }, seconds: { type: 'string', default: '1' }, antialias: { type: 'boolean', default: false },
} });
const ANTIALIAS = values.antialias!;
const [W, H] = values.size!.split('x').map(Number) as [number, number];
const SECONDS = Number(values.seconds);

interface FillScene {
  unit: { perFrame(w: number, h: number): number };
  setup(gl: WebGLRenderingContext, w: number, h: number): { tint: WebGLUniformLocation | null };
  frame(gl: WebGLRenderingContext, state: { tint: WebGLUniformLocation | null }, index: number): void;
}
const scenesDir = process.env.AKARI_BENCH_SCENES ?? fileURLToPath(new URL('../../../bench/scenes', import.meta.url));
const scene = await import(pathToFileURL(join(scenesDir, 'fill.js')).href) as FillScene;
const { compile } = await import(pathToFileURL(join(scenesDir, 'common.js')).href) as { compile(gl: WebGLRenderingContext, vs: string, fs: string): WebGLProgram };

/** The scene's vertex stage (position → uv) feeding a few dozen dependent float ops per fragment. */
const ALU_VS = `attribute vec2 position; varying vec2 uv;
void main() { uv = position * 0.5 + 0.5; gl_Position = vec4(position, 0.0, 1.0); }`;
const ALU_FS = `precision mediump float; uniform vec4 tint; varying vec2 uv;
void main() { vec3 c = vec3(uv, 0.5);
  for (int i = 0; i < 8; i++) { c = fract(c * 1.7 + tint.rgb * 0.3) * 0.9 + c.yzx * 0.1; c = min(max(c, 0.05), 0.95); }
  gl_FragColor = vec4(c, tint.a); }`;

const fragmentsPerFrame = scene.unit.perFrame(W, H);
console.log(`fill rate, AKARI_SHADER=${process.env.AKARI_SHADER ?? '(default: wasm)'}, ${W}x${H}${ANTIALIAS ? ' 4x MSAA' : ''}, the fill scene (${fragmentsPerFrame / (W * H)} blended full-screen layers per frame)`);
for (const name of ['fill', 'alu'] as const) {
  const gl = createWebGLContext(W, H, { antialias: ANTIALIAS, preserveDrawingBuffer: true, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS }) as WebGLRenderingContext & { destroy?: () => void };
  let state = scene.setup(gl, W, H);
  if (name === 'alu') {
    // the scene's quad, blending and viewport stay; only the program changes
    const prog = compile(gl, ALU_VS, ALU_FS);
    gl.useProgram(prog);
    const loc = gl.getAttribLocation(prog, 'position');
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
    state = { tint: gl.getUniformLocation(prog, 'tint') };
  }
  const px = new Uint8Array(4);
  const frame = (i: number) => {
    scene.frame(gl, state, i);
    gl.finish();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  };
  for (let i = 0; i < 2; i++) frame(i);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) frame(n++);
  const ms = (performance.now() - t0) / n;
  // a lost context (a job past its timeout) draws nothing: its frames would time nothing
  if (gl.isContextLost()) { console.log(`${name}: the context was lost`); process.exit(1); }
  console.log(`${name.padEnd(5)} ${(ms * 1e6 / fragmentsPerFrame).toFixed(1).padStart(7)} ns/fragment  (${ms.toFixed(1)} ms/frame, ${n} frames)`);
  gl.destroy?.();
}
process.exit(0);
