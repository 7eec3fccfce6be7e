/**
 * Transform feedback objects (Mesa's transformfeedback.c; ES 3.0 § 2.15,
 * WebGL 2.0 § 3.7.15): objects, their binding, the program's varyings
 * request, and begin/pause/resume/end validated as ES 3.0 says. The
 * hardware does not write vertex outputs to buffers yet, so a begin that
 * passes every check is INVALID_OPERATION (README's limits) rather than a
 * capture that silently writes nothing; TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN
 * queries therefore count 0, which is exact.
 */
import { GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { AkProgram, AkTransformFeedback } from './objects.js';
import { CAPS } from '../umd/pipe/caps.js';

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
  // everything checks out: the capture itself is what the hardware lacks (README's limits)
  ctx.err(GL.INVALID_OPERATION);
}

export function endTransformFeedback(ctx: GLContext): void {
  if (ctx.lost) return;
  const tf = ctx.transformFeedback;
  if (!tf.active) return ctx.err(GL.INVALID_OPERATION);
  tf.active = tf.paused = false;
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
