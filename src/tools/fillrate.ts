/**
 * Fill-rate microbenchmark of the fragment path: ns per shaded fragment for
 * full-screen quads, blended, with shaders of increasing ALU weight, on the
 * shader core selected by AKARI_SHADER (wasm | js | interp). A tool, not a
 * test: it prints numbers. Run each mode back to back on the same machine:
 *
 *   for m in interp js wasm; do AKARI_SHADER=$m node dist/src/tools/fillrate.js; done
 *
 * Options: --size 512x512 --layers 8 --seconds 1
 */
import { parseArgs } from 'node:util';
import { createWebGLContext } from '../platform/webgl.js';

const { values } = parseArgs({ options: {
  size: { type: 'string', default: '512x512' }, layers: { type: 'string', default: '8' }, seconds: { type: 'string', default: '1' },
} });
const [W, H] = values.size!.split('x').map(Number) as [number, number];
const LAYERS = Number(values.layers), SECONDS = Number(values.seconds);

const VS = `attribute vec2 position; varying vec2 uv;
void main() { uv = position * 0.5 + 0.5; gl_Position = vec4(position, 0.0, 1.0); }`;
const SHADERS: Record<string, string> = {
  // the bench's fill scene: one varying, a uniform tint
  fill: `precision mediump float; uniform vec4 tint; varying vec2 uv;
void main() { gl_FragColor = vec4(tint.rgb * vec3(uv, 1.0 - uv.x), tint.a); }`,
  // ALU-heavy: a few dozen dependent float ops per fragment
  alu: `precision mediump float; uniform vec4 tint; varying vec2 uv;
void main() { vec3 c = vec3(uv, 0.5);
  for (int i = 0; i < 8; i++) { c = fract(c * 1.7 + tint.rgb * 0.3) * 0.9 + c.yzx * 0.1; c = min(max(c, 0.05), 0.95); }
  gl_FragColor = vec4(c, tint.a); }`,
};

function compile(gl: WebGLRenderingContext, fs: string): WebGLProgram {
  const p = gl.createProgram()!;
  for (const [type, src] of [[gl.VERTEX_SHADER, VS], [gl.FRAGMENT_SHADER, fs]] as const) {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src); gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s) ?? 'compile');
    gl.attachShader(p, s);
  }
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p) ?? 'link');
  return p;
}

console.log(`fill rate, AKARI_SHADER=${process.env.AKARI_SHADER ?? '(default: wasm)'}, ${W}x${H}, ${LAYERS} blended full-screen layers per frame`);
for (const [name, fs] of Object.entries(SHADERS)) {
  const gl = createWebGLContext(W, H, { antialias: false, preserveDrawingBuffer: true }) as WebGLRenderingContext & { destroy?: () => void };
  const prog = compile(gl, fs);
  gl.useProgram(prog);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(prog, 'position');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
  gl.viewport(0, 0, W, H);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
  const tint = gl.getUniformLocation(prog, 'tint');
  const px = new Uint8Array(4);
  const frame = (i: number) => {
    gl.clear(gl.COLOR_BUFFER_BIT);
    for (let k = 0; k < LAYERS; k++) { gl.uniform4f(tint, ((i + k) & 1) ? 1 : 0.5, 0.4, 0.3, 0.125); gl.drawArrays(gl.TRIANGLES, 0, 6); }
    gl.finish();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  };
  for (let i = 0; i < 2; i++) frame(i);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) frame(n++);
  const ms = (performance.now() - t0) / n;
  console.log(`${name.padEnd(5)} ${(ms * 1e6 / (W * H * LAYERS)).toFixed(1).padStart(7)} ns/fragment  (${ms.toFixed(1)} ms/frame, ${n} frames)`);
  gl.destroy?.();
}
process.exit(0);
