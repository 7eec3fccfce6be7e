/** What the WebGL tests share: a context that is always destroyed, program building that asserts, readback. */
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { Machine } from '../../src/machine/machine.js';

export function withGl<T>(w: number, h: number, fn: (gl: AkariWebGLRenderingContext) => T, attrs: Parameters<typeof createWebGLContext>[2] = {}): T {
  const gl = createWebGLContext(w, h, { deterministic: true, ...attrs });
  try { return fn(gl); } finally { gl.destroy(); }
}

/** A context over a machine the test also holds (to read firmware statistics, say): deterministic. */
export function withGlOnMachine<T>(w: number, h: number, fn: (gl: AkariWebGLRenderingContext, m: Machine) => T, attrs: ConstructorParameters<typeof AkariWebGLRenderingContext>[2] = {}): T {
  const m = new Machine({ deterministic: true });
  const gl = new AkariWebGLRenderingContext(w, h, attrs, { sys: m.spawn(), release: () => m.shutdown() });
  try { return fn(gl, m); } finally { gl.destroy(); }
}

/** Compiles, binds the given attribute locations, links and uses; a compile or link failure fails the test with its log. */
export function program(gl: WebGLRenderingContext, vs: string, fs: string, bind: Record<string, number> = {}): WebGLProgram {
  const mk = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? '');
    return s;
  };
  const p = gl.createProgram()!;
  gl.attachShader(p, mk(gl.VERTEX_SHADER, vs));
  gl.attachShader(p, mk(gl.FRAGMENT_SHADER, fs));
  for (const [n, i] of Object.entries(bind)) gl.bindAttribLocation(p, i, n);
  gl.linkProgram(p);
  assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p) ?? '');
  gl.useProgram(p);
  return p;
}

export function read(gl: WebGLRenderingContext, w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return px;
}

/** The RGBA of pixel (x, y) in readPixels order (row 0 at the bottom). */
export const at = (px: Uint8Array, w: number, x: number, y: number) => Array.from(px.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));
