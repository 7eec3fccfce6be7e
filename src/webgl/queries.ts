/**
 * Query objects (Mesa's queryobj.c) for EXT_disjoint_timer_query:
 * TIME_ELAPSED_EXT and TIMESTAMP_EXT, answered from the GPU's own clock.
 * The microsequencer of every render command writes its start and end time
 * (drm_akari_result's ts_start and ts_end, in GPU nanoseconds; the kernel
 * copies them into the submitter's result slot); AKARI_GET_TIME reads the
 * same clock. A time-elapsed query spans the render commands submitted
 * between begin and end (the passes before begin and after end are flushed
 * apart from them) and its result is the sum of their execution times; a
 * timestamp query takes the end time of the last command submitted before
 * it, or the GPU's time when nothing was pending.
 *
 * Results are collected without waiting (the winsys polls its syncobjs) and,
 * as the WebGL extension requires, a result never becomes available before
 * the application has returned to the event loop after ending the query.
 */
import { GL, EXT, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { GLObject, HANDLE_CLASSES, registerHandleClass } from './objects.js';
import type { CounterSlot } from '../umd/pipe/gpu.js';

export class AkQuery extends GLObject {
  /** TIME_ELAPSED_EXT or TIMESTAMP_EXT once used; a query keeps its first target */
  target = 0;
  /** the render commands it spans (submission numbers, inclusive; last < first: none) */
  first = 0;
  last = -1;
  /** TIMESTAMP_EXT: the GPU time when nothing was pending */
  immediate: number | null = null;
  result: number | null = null;
  /** the event loop has turned since the query ended */
  taskPassed = false;
  /** WebGL 2's occlusion and primitives-written queries: the u64 the GPU counts into while active */
  slot: CounterSlot | null = null;
}
// WebGL 2's WebGLQuery and EXT_disjoint_timer_query's WebGLTimerQueryEXT are the same objects here
registerHandleClass(AkQuery, HANDLE_CLASSES.WebGLQuery);

const COUNTER_BITS = 64;

function ended(q: AkQuery): void {
  q.result = null;
  q.taskPassed = false;
  setTimeout(() => { q.taskPassed = true; }, 0);
}

export function createQuery(ctx: GLContext): AkQuery | null { return ctx.lost ? null : new AkQuery(ctx.gen); }

export function deleteQuery(ctx: GLContext, q: AkQuery | null): void {
  if (ctx.lost || !q) return;
  if (ctx.own(q, AkQuery) === undefined || q.deleted) return;
  if (ctx.activeQuery === q) { ctx.activeQuery = null; ctx.gpu.closeTimingSpan(q.first, ctx.gpu.submitted, false); } // deleting the active query ends it
  q.deleted = true;
}

export function isQuery(ctx: GLContext, q: AkQuery | null): boolean {
  return !ctx.lost && q instanceof AkQuery && q.owner === ctx.gen && !q.deleted && q.target !== 0;
}

export function beginQuery(ctx: GLContext, target: number, q: AkQuery | null): void {
  if (ctx.lost) return;
  if (target !== EXT.TIME_ELAPSED_EXT) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(q, AkQuery);
  if (x === undefined) return;
  if (!x || x.deleted || ctx.activeQuery || (x.target && x.target !== target)) return ctx.err(GL.INVALID_OPERATION);
  // what was drawn before belongs to earlier render commands
  ctx.gpu.flush();
  x.target = target;
  x.first = ctx.gpu.submitted + 1;
  x.last = -1;
  x.immediate = null;
  x.result = null;
  x.taskPassed = false;
  ctx.activeQuery = x;
  ctx.gpu.openTimingSpan();
}

export function endQuery(ctx: GLContext, target: number): void {
  if (ctx.lost) return;
  if (target !== EXT.TIME_ELAPSED_EXT) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.activeQuery;
  if (!x) return ctx.err(GL.INVALID_OPERATION);
  ctx.gpu.flush();
  x.last = ctx.gpu.submitted;
  ctx.gpu.closeTimingSpan(x.first, x.last, true);
  ctx.activeQuery = null;
  ended(x);
}

export function queryCounter(ctx: GLContext, q: AkQuery | null, target: number): void {
  if (ctx.lost) return;
  if (target !== EXT.TIMESTAMP_EXT) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(q, AkQuery);
  if (x === undefined) return;
  if (!x || x.deleted || x === ctx.activeQuery || (x.target && x.target !== target)) return ctx.err(GL.INVALID_OPERATION);
  ctx.gpu.flush();
  x.target = target;
  const seq = ctx.gpu.submitted;
  if (seq > 0 && !ctx.gpu.isComplete(seq)) { x.first = x.last = seq; x.immediate = null; ctx.gpu.wantTiming(seq); }
  else { x.first = 1; x.last = 0; x.immediate = ctx.gpu.gpuTime(); }
  ended(x);
}

export function getQuery(ctx: GLContext, target: number, pname: number): unknown {
  if (ctx.lost) return null;
  if (target !== EXT.TIME_ELAPSED_EXT && target !== EXT.TIMESTAMP_EXT) { ctx.err(GL.INVALID_ENUM); return null; }
  switch (pname) {
    case EXT.CURRENT_QUERY_EXT: return target === EXT.TIME_ELAPSED_EXT ? ctx.activeQuery : null;
    case EXT.QUERY_COUNTER_BITS_EXT: return COUNTER_BITS;
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}

/** The query's result once its commands completed and the event loop turned; null before. */
function resultOf(ctx: GLContext, q: AkQuery): number | null {
  if (q.result !== null) return q.result;
  if (!q.taskPassed) return null;
  if (q.target === EXT.TIMESTAMP_EXT && q.immediate !== null) return (q.result = q.immediate);
  ctx.gpu.poll();
  let sum = 0;
  for (let s = q.first; s <= q.last; s++) {
    const t = ctx.gpu.timing(s);
    if (!t) return ctx.gpu.lost ? (q.result = 0) : null;
    sum += t.end - t.start;
  }
  const result = q.target === EXT.TIMESTAMP_EXT ? ctx.gpu.timing(q.last)!.end : sum;
  for (let s = q.first; s <= q.last; s++) ctx.gpu.forgetTiming(s);
  return (q.result = result);
}

export function getQueryObject(ctx: GLContext, q: AkQuery, pname: number): unknown {
  if (ctx.lost) return null;
  const x = ctx.live(q, AkQuery);
  if (!x) return null;
  if (!x.target || x === ctx.activeQuery) { ctx.err(GL.INVALID_OPERATION); return null; }
  switch (pname) {
    case EXT.QUERY_RESULT_AVAILABLE_EXT: return resultOf(ctx, x) !== null;
    // not available yet: 0, without waiting (the application polls QUERY_RESULT_AVAILABLE_EXT first)
    case EXT.QUERY_RESULT_EXT: return resultOf(ctx, x) ?? 0;
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}

// ---------------------------------------------------------------- WebGL 2 (ES 3.0 § 2.14, § 6.1.7) query objects

/**
 * ES 3.0's query targets, counted by the GPU into a u64 of the query's own (a winsys counter slot,
 * zeroed at begin): draws submitted while an occlusion query is active carry its address (DRAW
 * occlusion_address) and the shader cores count the samples passing the depth and stencil tests,
 * which the command processor adds to it after each fragment pass — so ANY_SAMPLES_PASSED_CONSERVATIVE
 * is exact too; draws capturing transform feedback carry the primitives-written query's (XFB query),
 * which the vertex pass adds the primitives it wrote to.
 */
const TARGETS_2 = [GL2.ANY_SAMPLES_PASSED, GL2.ANY_SAMPLES_PASSED_CONSERVATIVE, GL2.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN] as number[];
/** the targets that share one active query (ES 3.0 § 2.14: the two occlusion targets) */
const slotOf = (target: number) => (target === GL2.ANY_SAMPLES_PASSED_CONSERVATIVE ? GL2.ANY_SAMPLES_PASSED : target);

/** EXT_disjoint_timer_query_webgl2's targets, answered by the WebGL 1 extension's functions above */
const isTimer = (ctx: GLContext, target: number) => (target === EXT.TIME_ELAPSED_EXT || target === EXT.TIMESTAMP_EXT) && ctx.hasExt('EXT_disjoint_timer_query_webgl2');

export function deleteQuery2(ctx: GLContext, q: AkQuery | null): void {
  if (ctx.lost || !q) return;
  if (q === ctx.activeQuery) return deleteQuery(ctx, q);
  if (ctx.own(q, AkQuery) === undefined || q.deleted) return;
  // deleting an active query ends it (ES 3.0 § 2.14)
  for (const [t, a] of ctx.activeQueries) if (a === q) ctx.activeQueries.delete(t);
  if (q.slot) ctx.gpu.releaseCounter(q.slot);
  q.slot = null;
  q.deleted = true;
}

export function beginQuery2(ctx: GLContext, target: number, q: AkQuery): void {
  if (ctx.lost) return;
  if (target === EXT.TIME_ELAPSED_EXT && isTimer(ctx, target)) return beginQuery(ctx, target, q);
  if (!TARGETS_2.includes(target)) return ctx.err(GL.INVALID_ENUM);
  // a deleted query is no longer the name of a query object: INVALID_OPERATION (ES 3.0 § 2.14)
  if (q instanceof AkQuery && q.owner === ctx.gen && q.deleted) return ctx.err(GL.INVALID_OPERATION);
  const x = ctx.live(q, AkQuery);
  if (!x) return;
  if (ctx.activeQueries.has(slotOf(target)) || [...ctx.activeQueries.values()].includes(x) || (x.target && x.target !== target)) return ctx.err(GL.INVALID_OPERATION);
  x.target = target;
  x.first = ctx.drawsSubmitted;
  x.result = null;
  x.taskPassed = false;
  if (x.slot) ctx.gpu.releaseCounter(x.slot);
  x.slot = ctx.gpu.counterSlot();
  ctx.activeQueries.set(slotOf(target), x);
}

export function endQuery2(ctx: GLContext, target: number): void {
  if (ctx.lost) return;
  if (target === EXT.TIME_ELAPSED_EXT && isTimer(ctx, target)) return endQuery(ctx, target);
  if (!TARGETS_2.includes(target)) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.activeQueries.get(slotOf(target));
  if (!x || x.target !== target) return ctx.err(GL.INVALID_OPERATION);
  ctx.activeQueries.delete(slotOf(target));
  // the GPU's count is final once the commands of the span completed
  x.immediate = null;
  ctx.gpu.flush();
  x.last = ctx.gpu.submitted;
  ended(x);
}

export function getQuery2(ctx: GLContext, target: number, pname: number): AkQuery | number | null {
  if (ctx.lost) return null;
  if (isTimer(ctx, target)) return getQuery(ctx, target, pname) as AkQuery | number | null;
  if (!TARGETS_2.includes(target)) { ctx.err(GL.INVALID_ENUM); return null; }
  if (pname !== GL2.CURRENT_QUERY) { ctx.err(GL.INVALID_ENUM); return null; }
  const a = ctx.activeQueries.get(slotOf(target));
  return a && a.target === target ? a : null;
}

export function getQueryParameter2(ctx: GLContext, q: AkQuery, pname: number): unknown {
  if (ctx.lost) return null;
  // a deleted query is no longer the name of a query object: INVALID_OPERATION (ES 3.0 § 6.1.7)
  if (q instanceof AkQuery && q.owner === ctx.gen && q.deleted) { ctx.err(GL.INVALID_OPERATION); return null; }
  const x = ctx.live(q, AkQuery);
  if (!x) return null;
  if ((x.target === EXT.TIME_ELAPSED_EXT || x.target === EXT.TIMESTAMP_EXT) && ctx.hasExt('EXT_disjoint_timer_query_webgl2')) return getQueryObject(ctx, x, pname);
  if (!x.target || [...ctx.activeQueries.values()].includes(x)) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (pname !== GL2.QUERY_RESULT && pname !== GL2.QUERY_RESULT_AVAILABLE) { ctx.err(GL.INVALID_ENUM); return null; }
  // WebGL 2.0 § 5.24: available only after the event loop turned, and once the span's commands completed
  // Once the event loop has turned the answer is yes: the span's commands are waited for here if they have
  // not completed (a deterministic machine's GPU runs only when someone waits, so polling alone would never see them)
  let available = x.taskPassed;
  if (available && x.immediate === null) { ctx.gpu.waitSeq(x.last); available = ctx.gpu.isComplete(x.last) || !!ctx.gpu.lost; }
  if (pname === GL2.QUERY_RESULT_AVAILABLE) return available;
  if (available && x.immediate === null) {
    // read once, then the slot goes back (a lost context counted nothing)
    x.immediate = x.slot && !ctx.gpu.lost ? ctx.gpu.readCounter(x.slot) : 0;
    if (x.slot) ctx.gpu.releaseCounter(x.slot);
    x.slot = null;
  }
  const v = available ? x.immediate ?? 0 : 0;
  return x.target === GL2.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN ? v : v !== 0;
}
