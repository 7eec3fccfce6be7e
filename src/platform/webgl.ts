/**
 * The platform: how a Node program gets a WebGL context. This is the
 * user-facing half of the composition root — it boots a machine (hardware,
 * firmware, kernel: src/machine) for each context and hands the WebGL layer
 * nothing but a process's system calls, as an operating system hands a
 * browser's GPU process a device node. Nothing under webgl/, umd/ or
 * libdrm/ knows a machine exists (test/layers.test.ts holds that line).
 */
import { Machine, type MachineOptions } from '../machine/machine.js';
import { AkariWebGLRenderingContext, MAX_DRAWING_BUFFER_SIZE, type WebGLContextOptions } from '../webgl/context.js';
import { AkariWebGL2RenderingContext } from '../webgl/context2.js';

export interface AkariContextOptions extends WebGLContextOptions {
  /** run the GPU deterministically in the calling thread (default: a worker thread) */
  deterministic?: boolean;
  /** the machine the context boots: its memory size (`memoryBytes`, default 1 GiB), firmware ABI */
  machine?: MachineOptions;
}

/** True for a canvas size a context can be created with: an integer in [1, 2^31 − 1] after WebIDL's ToInt32-like truncation. */
export function validCanvasSize(width: number, height: number): boolean {
  const ok = (n: number) => typeof n === 'number' && Number.isFinite(n) && Math.trunc(n) >= 1 && n <= 0x7fffffff;
  return ok(width) && ok(height);
}

/**
 * Creates a WebGL 1.0 context — or with `{ version: 2 }` a WebGL 2.0 one (an AkariWebGL2RenderingContext,
 * OpenGL ES 3.0 and GLSL ES 3.00; README's limits say what its hardware lacks yet) — over its own Akari
 * machine, synchronously. The canvas
 * (`gl.canvas`) is `width`×`height`; a side above MAX_DRAWING_BUFFER_SIZE (16384) gets a
 * clamped drawing buffer, as in a browser. Throws a RangeError for a size that is not a
 * positive integer, and one naming `machine.memoryBytes` when GPU memory cannot hold the
 * drawing buffer. End it with `gl.destroy()`.
 */
export function createWebGLContext(width: number, height: number, attributes: AkariContextOptions & { version: 2 }): AkariWebGL2RenderingContext;
export function createWebGLContext(width: number, height: number, attributes?: AkariContextOptions): AkariWebGLRenderingContext;
export function createWebGLContext(width: number, height: number, attributes: AkariContextOptions = {}): AkariWebGLRenderingContext {
  if (!validCanvasSize(width, height)) {
    throw new RangeError(`akari: invalid canvas size ${String(width)}×${String(height)}: each side must be a positive integer (the drawing buffer is at most ${MAX_DRAWING_BUFFER_SIZE}×${MAX_DRAWING_BUFFER_SIZE})`);
  }
  const machine = new Machine({ ...attributes.machine, deterministic: attributes.deterministic ?? attributes.machine?.deterministic ?? false });
  try {
    const Ctx = attributes.version === 2 ? AkariWebGL2RenderingContext : AkariWebGLRenderingContext;
    return new Ctx(Math.trunc(width), Math.trunc(height), attributes, { sys: machine.spawn(), release: () => machine.shutdown() });
  } catch (e) {
    machine.shutdown();
    throw e;
  }
}

/** A WebGL 2.0 context: createWebGLContext(width, height, { ...attributes, version: 2 }). */
export function createWebGL2Context(width: number, height: number, attributes: AkariContextOptions = {}): AkariWebGL2RenderingContext {
  return createWebGLContext(width, height, { ...attributes, version: 2 });
}
