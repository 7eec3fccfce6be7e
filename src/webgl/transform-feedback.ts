/**
 * Transform feedback objects (Mesa's transformfeedback.c; ES 3.0 § 2.15,
 * WebGL 2.0 § 3.7.15): objects, their binding, the program's varyings
 * request (linked by the compiler: umd/compiler linkTransformFeedback),
 * begin/pause/resume/end validated as ES 3.0 says, and what each draw hands
 * the driver (`captureTarget`): the bound ranges, the varyings' places in
 * them and the hardware's XFB_STATE record, zeroed at begin, in which the
 * vertex pass keeps where writing resumes — so paused spans and draws in
 * different passes append. The draw-time checks of ES 3.0 § 2.15.2 (mode,
 * indexed draws, room in every buffer) are in draw.ts (`captureCheck`).
 */
import { GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { type AkBuffer, AkProgram, AkTransformFeedback } from './objects.js';
import { CAPS } from '../umd/pipe/caps.js';
import { bufferBo } from './buffers.js';
import type { CounterSlot } from '../umd/pipe/gpu.js';
import type { TransformFeedbackTarget } from '../umd/pipe/pipe.js';

export function createTransformFeedback(ctx: GLContext): AkTransformFeedback | null {
  return ctx.lost ? null : new AkTransformFeedback(ctx.gen, CAPS.maxTransformFeedbackSeparateAttribs);
}
export function isTransformFeedback(ctx: GLContext, tf: AkTransformFeedback | null): boolean {
  return !ctx.lost && tf instanceof AkTransformFeedback && tf.owner === ctx.gen && !tf.deleted && tf.bound;
}

export function deleteTransformFeedback(ctx: GLContext, tf: AkTransformFeedback | null): void {
  if (ctx.lost) return;
  const x = ctx.own(tf, AkTransformFeedback);
  if (!x || x.deleted) return;
  // ES 3.0 § 2.15.1: an active transform feedback object may not be deleted
  if (x.active) return ctx.err(GL.INVALID_OPERATION);
  x.deleted = true;
  if (ctx.transformFeedback === x) ctx.transformFeedback = ctx.defaultTransformFeedback;
}

export function bindTransformFeedback(ctx: GLContext, target: number, tf: AkTransformFeedback | null): void {
  if (ctx.lost) return;
  if (target !== GL2.TRANSFORM_FEEDBACK) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(tf, AkTransformFeedback);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 2.15.1: not while the bound one is active and not paused
  if (ctx.transformFeedback.active && !ctx.transformFeedback.paused) return ctx.err(GL.INVALID_OPERATION);
  if (x) x.bound = true;
  ctx.transformFeedback = x ?? ctx.defaultTransformFeedback;
}

export function beginTransformFeedback(ctx: GLContext, primitiveMode: number): void {
  if (ctx.lost) return;
  if (primitiveMode !== GL.POINTS && primitiveMode !== GL.LINES && primitiveMode !== GL.TRIANGLES) return ctx.err(GL.INVALID_ENUM);
  const tf = ctx.transformFeedback;
  if (tf.active) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 2.15.2: a program with transform feedback varyings must be in use, and each needed buffer bound
  const p = ctx.program;
  const n = p?.linkStatus ? p.tfLinked.length : 0;
  if (!p || n === 0) return ctx.err(GL.INVALID_OPERATION);
  const needed = p.tfLinkedMode === GL2.SEPARATE_ATTRIBS ? n : 1;
  for (let i = 0; i < needed; i++) if (!tf.buffers[i]!.buffer) return ctx.err(GL.INVALID_OPERATION);
  tf.active = true;
  tf.paused = false;
  tf.primitiveMode = primitiveMode;
  tf.program = p;
  p.tfUses++;
  tf.vertices = 0;
  // a fresh state record: capture starts at each range's first byte
  tf.state = ctx.gpu.counterSlot();
}

export function endTransformFeedback(ctx: GLContext): void {
  if (ctx.lost) return;
  const tf = ctx.transformFeedback;
  if (!tf.active) return ctx.err(GL.INVALID_OPERATION);
  endCapture(ctx, tf);
}

/** Ends `tf`'s capture (EndTransformFeedback, or the context's objects going away). */
export function endCapture(ctx: GLContext, tf: AkTransformFeedback): void {
  tf.active = tf.paused = false;
  if (tf.program) tf.program.tfUses--;
  tf.program = null;
  if (tf.state) ctx.gpu.releaseCounter(tf.state);
  tf.state = null;
}

/** The bytes a binding offers: its range as far as the buffer reaches (bindBufferBase: from 0 to the end). */
export function bindingBytes(b: { buffer: AkBuffer | null; offset: number; size: number }): number {
  if (!b.buffer) return 0;
  const rest = b.buffer.size - b.offset;
  return Math.max(0, b.size < 0 ? rest : Math.min(b.size, rest));
}

/** The bytes each captured vertex takes in each buffer used: one interleaved record, or one varying per buffer. */
export function captureStrides(p: AkProgram): number[] {
  const v = p.linked?.transformFeedback?.varyings ?? [];
  if (p.linked?.transformFeedback?.separate) return v.map((x) => x.components * 4);
  return [v.reduce((n, x) => n + x.components * 4, 0)];
}

/**
 * What a draw captures while transform feedback is active and not paused (null otherwise): the
 * buffers' ranges with their GPU copies (now written by the GPU: their CPU copies are stale),
 * the outputs' places, the state record and the active TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN query's counter.
 */
export function captureTarget(ctx: GLContext, query: CounterSlot | null): TransformFeedbackTarget | null {
  const tf = ctx.transformFeedback;
  if (!tf.active || tf.paused || !tf.program || !tf.state) return null;
  const xf = tf.program.linked?.transformFeedback;
  if (!xf) return null;
  const strides = captureStrides(tf.program);
  const buffers = strides.map((stride, i) => {
    const b = tf.buffers[i]!, buf = b.buffer!;
    const bo = bufferBo(ctx, buf, true);
    buf.gpuWritten = true;
    return { bo, offset: b.offset, size: bindingBytes(b), stride };
  });
  let at = 0;
  const outputs = xf.varyings.map((v, i) => {
    const o = { source: v.source, components: v.components, buffer: xf.separate ? i : 0, offset: xf.separate ? 0 : at };
    at += v.components * 4;
    return o;
  });
  return { state: tf.state, buffers, outputs, ...(query ? { query } : {}) };
}

export function pauseTransformFeedback(ctx: GLContext): void {
  if (ctx.lost) return;
  const tf = ctx.transformFeedback;
  if (!tf.active || tf.paused) return ctx.err(GL.INVALID_OPERATION);
  tf.paused = true;
}

export function resumeTransformFeedback(ctx: GLContext): void {
  if (ctx.lost) return;
  const tf = ctx.transformFeedback;
  if (!tf.active || !tf.paused) return ctx.err(GL.INVALID_OPERATION);
  tf.paused = false;
}

/** ES 3.0 § 2.11.8 TransformFeedbackVaryings: takes effect at the next link. */
export function transformFeedbackVaryings(ctx: GLContext, p: AkProgram, varyings: string[], bufferMode: number): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram);
  if (!x) return;
  if (bufferMode !== GL2.INTERLEAVED_ATTRIBS && bufferMode !== GL2.SEPARATE_ATTRIBS) return ctx.err(GL.INVALID_ENUM);
  if (bufferMode === GL2.SEPARATE_ATTRIBS && varyings.length > CAPS.maxTransformFeedbackSeparateAttribs) return ctx.err(GL.INVALID_VALUE);
  x.tfVaryings = [...varyings];
  x.tfMode = bufferMode;
}

export function getTransformFeedbackVarying(ctx: GLContext, p: AkProgram, index: number): WebGLActiveInfo | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (index >= x.tfLinked.length) { ctx.err(GL.INVALID_VALUE); return null; }
  return x.tfLinked[index]!;
}
