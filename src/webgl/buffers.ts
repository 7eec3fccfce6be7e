/**
 * Buffer objects (Mesa's bufferobj.c): creation, binding (WebGL 1.0 § 6.1:
 * a buffer keeps the target it was first bound to; WebGL 2.0 § 5.1: only
 * ELEMENT_ARRAY_BUFFER is kept apart from the other targets), data and
 * sub-data, WebGL 2's copies between buffers, reads back, indexed bindings,
 * and the buffer's GPU copy the driver reads (refreshed, or orphaned while
 * the GPU still reads the old one). The CPU copy (`data`) is the buffer's
 * contents except after transform feedback wrote the GPU copy
 * (`gpuWritten`): then whatever reads or changes part of `data` first waits
 * for those draws and reads the GPU copy back (`cpuData`).
 */
import { isOom, type GLContext } from './glcontext.js';
import { GL, GL2 } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { AkBuffer } from './objects.js';
import type { Bo } from '../umd/device.js';

export function createBuffer(ctx: GLContext): WebGLBuffer { return (ctx.lost ? null : new AkBuffer(ctx.gen)) as WebGLBuffer; }
export function isBuffer(ctx: GLContext, b: WebGLBuffer | null): boolean { return !ctx.lost && b instanceof AkBuffer && b.owner === ctx.gen && !b.deleted && b.target !== 0; }

export function deleteBuffer(ctx: GLContext, b: WebGLBuffer | null): void {
  if (ctx.lost) return;
  const x = ctx.own(b, AkBuffer);
  if (!x || x.deleted) return;
  x.deleted = true;
  if (ctx.arrayBuffer === x) ctx.arrayBuffer = null;
  if (ctx.vao.elementBuffer === x) ctx.vao.elementBuffer = null;
  for (const a of ctx.vao.attribs) if (a.buffer === x) a.buffer = null;
  // WebGL 2: the generic and indexed bindings of the context and of the bound transform feedback object
  for (const [t, b] of ctx.buffers2) if (b === x) ctx.buffers2.set(t, null);
  for (const u of ctx.uniformBuffers) if (u.buffer === x) Object.assign(u, { buffer: null, offset: 0, size: 0 });
  for (const u of ctx.transformFeedback.buffers) if (u.buffer === x) Object.assign(u, { buffer: null, offset: 0, size: 0 });
  if (x.bo) { ctx.gpu.releaseBo(x.bo); x.bo = null; }
}

/** WebGL 2's buffer targets beyond ARRAY_BUFFER and ELEMENT_ARRAY_BUFFER (ES 3.0 Table 2.8), each with a generic binding in ctx.buffers2. */
export const BUFFER_TARGETS_2 = [GL2.COPY_READ_BUFFER, GL2.COPY_WRITE_BUFFER, GL2.PIXEL_PACK_BUFFER, GL2.PIXEL_UNPACK_BUFFER, GL2.TRANSFORM_FEEDBACK_BUFFER, GL2.UNIFORM_BUFFER] as number[];

/** A target the context has: WebGL 1's two, or WebGL 2's eight. */
export function validBufferTarget(ctx: GLContext, target: number): boolean {
  return target === GL.ARRAY_BUFFER || target === GL.ELEMENT_ARRAY_BUFFER || (ctx.version === 2 && BUFFER_TARGETS_2.includes(target));
}

/**
 * Whether `x` may be bound to `target`: WebGL 1.0 § 6.1 keeps a buffer on the target it was first bound
 * to; WebGL 2.0 § 5.1 only keeps element array buffers apart from the others (INVALID_OPERATION) — the
 * first binding decides which a buffer is, and the two copy targets take an element array buffer too.
 */
function bindableTo(ctx: GLContext, x: AkBuffer, target: number): boolean {
  if (ctx.version === 1) return !x.target || x.target === target;
  if (target === GL2.COPY_READ_BUFFER || target === GL2.COPY_WRITE_BUFFER || x.elementData === undefined) return true;
  return x.elementData === (target === GL.ELEMENT_ARRAY_BUFFER);
}

/** Records a binding: the first target (isBuffer: a buffer once bound), and WebGL 2's element-or-not kind. */
function noteBinding(x: AkBuffer, target: number): void {
  if (!x.target) x.target = target;
  if (x.elementData === undefined) x.elementData = target === GL.ELEMENT_ARRAY_BUFFER;
}

export function bindBuffer(ctx: GLContext, target: number, b: WebGLBuffer | null): void {
  if (ctx.lost) return;
  if (!validBufferTarget(ctx, target)) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(b, AkBuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) {
    if (!bindableTo(ctx, x, target)) return ctx.err(GL.INVALID_OPERATION);
    noteBinding(x, target);
  }
  setBinding(ctx, target, x);
}

function setBinding(ctx: GLContext, target: number, x: AkBuffer | null): void {
  if (target === GL.ARRAY_BUFFER) ctx.arrayBuffer = x;
  else if (target === GL.ELEMENT_ARRAY_BUFFER) ctx.vao.elementBuffer = x;
  else ctx.buffers2.set(target, x);
}

export function boundBuffer(ctx: GLContext, target: number): AkBuffer | null | undefined {
  if (target === GL.ARRAY_BUFFER) return ctx.arrayBuffer;
  if (target === GL.ELEMENT_ARRAY_BUFFER) return ctx.vao.elementBuffer;
  if (ctx.version === 2 && BUFFER_TARGETS_2.includes(target)) return ctx.buffers2.get(target) ?? null;
  ctx.err(GL.INVALID_ENUM);
  return undefined;
}

/** bufferData's usages: WebGL 1's three draw usages, and in WebGL 2 the read and copy ones (ES 3.0 § 2.9.2). */
const USAGES_2 = [GL2.STREAM_READ, GL2.STREAM_COPY, GL2.STATIC_READ, GL2.STATIC_COPY, GL2.DYNAMIC_READ, GL2.DYNAMIC_COPY] as number[];
const validUsage = (ctx: GLContext, usage: number): boolean =>
  usage === GL.STATIC_DRAW || usage === GL.DYNAMIC_DRAW || usage === GL.STREAM_DRAW || (ctx.version === 2 && USAGES_2.includes(usage));

/**
 * The bytes of a WebGL 2 (srcData, srcOffset, length) source (WebGL 2.0 § 3.7.3): `srcOffset` and
 * `length` count the view's elements, a length of 0 means to the end; past the end is INVALID_VALUE (undefined).
 */
export function viewRange(ctx: GLContext, view: ArrayBufferView, srcOffset: number, length: number): Uint8Array | undefined {
  const el = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const n = view.byteLength / el;
  if (srcOffset > n || (length !== 0 && srcOffset + length > n)) { ctx.err(GL.INVALID_VALUE); return undefined; }
  const count = length !== 0 ? length : n - srcOffset;
  return new Uint8Array(view.buffer, view.byteOffset + srcOffset * el, count * el);
}

export function bufferData(ctx: GLContext, target: number, dataOrSize: number | AllowSharedBufferSource | null, usage: number, srcOffset?: number, length = 0): void {
  if (ctx.lost) return;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return;
  if (!validUsage(ctx, usage)) return ctx.err(GL.INVALID_ENUM);
  if (srcOffset !== undefined) {
    // WebGL 2's bufferData(target, srcData, usage, srcOffset, length)
    const src = viewRange(ctx, dataOrSize as ArrayBufferView, srcOffset, length);
    if (!src) return;
    if (!b) return ctx.err(GL.INVALID_OPERATION);
    if (transformFeedbackBusy(ctx, b)) return ctx.err(GL.INVALID_OPERATION);
    b.data = src.slice(); b.size = src.length; b.usage = usage; b.gpuDirty = true; b.gpuWritten = false;
    return;
  }
  let bytes: Uint8Array;
  if (typeof dataOrSize === 'number') {
    if (dataOrSize < 0) return ctx.err(GL.INVALID_VALUE);
    try { bytes = new Uint8Array(dataOrSize); } catch (e) { if (!isOom(e)) throw e; return ctx.err(GL.OUT_OF_MEMORY); }
  } else if (dataOrSize === null || dataOrSize === undefined) return ctx.err(GL.INVALID_VALUE);
  else if (ArrayBuffer.isView(dataOrSize)) bytes = new Uint8Array(dataOrSize.buffer.slice(dataOrSize.byteOffset, dataOrSize.byteOffset + dataOrSize.byteLength));
  else bytes = new Uint8Array((dataOrSize as ArrayBuffer).slice(0));
  if (!b) return ctx.err(GL.INVALID_OPERATION);
  if (transformFeedbackBusy(ctx, b)) return ctx.err(GL.INVALID_OPERATION);
  b.data = bytes; b.size = bytes.length; b.usage = usage; b.gpuDirty = true; b.gpuWritten = false;
}

/** The buffer's bytes as the CPU copy, read back from the GPU copy first when transform feedback wrote it (waiting for those draws). */
export function cpuData(ctx: GLContext, b: AkBuffer): Uint8Array {
  if (b.gpuWritten && b.bo) {
    ctx.gpu.syncBo(b.bo);
    if (!ctx.gpu.lost) b.bo.read(0, b.data.subarray(0, Math.min(b.size, b.bo.size)));
  }
  b.gpuWritten = false;
  return b.data;
}

export function bufferSubData(ctx: GLContext, target: number, offset: number, data: AllowSharedBufferSource, srcOffset?: number, length = 0): void {
  if (ctx.lost) return;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return;
  if (offset < 0) return ctx.err(GL.INVALID_VALUE);
  if (data === null || data === undefined) return ctx.err(GL.INVALID_VALUE);
  let src: Uint8Array | undefined;
  if (srcOffset !== undefined) { if (!(src = viewRange(ctx, data as ArrayBufferView, srcOffset, length))) return; }
  else src = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBuffer);
  if (!b) return ctx.err(GL.INVALID_OPERATION);
  if (offset + src.length > b.size) return ctx.err(GL.INVALID_VALUE);
  if (transformFeedbackBusy(ctx, b)) return ctx.err(GL.INVALID_OPERATION);
  cpuData(ctx, b).set(src, offset); b.gpuDirty = true;
}

/**
 * WebGL 2.0 § 5.1 (and § 3.7.3's copyBufferSubData, getBufferSubData): a buffer bound for transform
 * feedback while transform feedback is active may not be written or read by other operations.
 */
export function transformFeedbackBusy(ctx: GLContext, b: AkBuffer): boolean {
  const tf = ctx.transformFeedback;
  return tf.active && tf.buffers.some((x) => x.buffer === b);
}

/** ES 3.0 § 2.9.5 CopyBufferSubData, with WebGL 2.0 § 5.1's binding rules. */
export function copyBufferSubData(ctx: GLContext, readTarget: number, writeTarget: number, readOffset: number, writeOffset: number, size: number): void {
  if (ctx.lost) return;
  const r = boundBuffer(ctx, readTarget);
  if (r === undefined) return;
  const w = boundBuffer(ctx, writeTarget);
  if (w === undefined) return;
  if (readOffset < 0 || writeOffset < 0 || size < 0) return ctx.err(GL.INVALID_VALUE);
  if (!r || !w) return ctx.err(GL.INVALID_OPERATION);
  if (readOffset + size > r.size || writeOffset + size > w.size) return ctx.err(GL.INVALID_VALUE);
  // the same buffer: the ranges may not overlap
  if (r === w && readOffset < writeOffset + size && writeOffset < readOffset + size) return ctx.err(GL.INVALID_VALUE);
  // WebGL 2.0 § 5.1: element array data and other data never mix
  if (!!r.elementData !== !!w.elementData) return ctx.err(GL.INVALID_OPERATION);
  if (transformFeedbackBusy(ctx, r) || transformFeedbackBusy(ctx, w)) return ctx.err(GL.INVALID_OPERATION);
  cpuData(ctx, w).set(cpuData(ctx, r).subarray(readOffset, readOffset + size), writeOffset);
  w.gpuDirty = true;
}

/** WebGL 2.0 § 3.7.3 getBufferSubData: `dstOffset` and `length` count dstBuffer's elements (length 0: to its end). */
export function getBufferSubData(ctx: GLContext, target: number, srcByteOffset: number, dst: ArrayBufferView, dstOffset = 0, length = 0): void {
  if (ctx.lost) return;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return;
  if (srcByteOffset < 0) return ctx.err(GL.INVALID_VALUE);
  if (!b) return ctx.err(GL.INVALID_OPERATION);
  if (transformFeedbackBusy(ctx, b)) return ctx.err(GL.INVALID_OPERATION);
  const out = viewRange(ctx, dst, dstOffset, length);
  if (!out) return;
  if (srcByteOffset + out.length > b.size) return ctx.err(GL.INVALID_VALUE);
  out.set(cpuData(ctx, b).subarray(srcByteOffset, srcByteOffset + out.length));
}

/** The indexed binding points (ES 3.0 § 2.10.1.1 and § 2.15.2): UNIFORM_BUFFER's and the transform feedback object's. */
function indexedBindings(ctx: GLContext, target: number): Array<{ buffer: AkBuffer | null; offset: number; size: number }> | undefined {
  if (target === GL2.UNIFORM_BUFFER) return ctx.uniformBuffers;
  if (target === GL2.TRANSFORM_FEEDBACK_BUFFER) return ctx.transformFeedback.buffers;
  return undefined;
}

/** bindBufferBase (size -1: the whole buffer, as it is at use) and bindBufferRange (ES 3.0 § 2.10.1.1, § 2.15.2). */
export function bindBufferRange(ctx: GLContext, target: number, index: number, b: WebGLBuffer | null, offset: number, size: number, base: boolean): void {
  if (ctx.lost) return;
  const slots = ctx.version === 2 ? indexedBindings(ctx, target) : undefined;
  if (!slots) return ctx.err(GL.INVALID_ENUM);
  if (index >= slots.length) return ctx.err(GL.INVALID_VALUE);
  const x = ctx.own(b, AkBuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (target === GL2.TRANSFORM_FEEDBACK_BUFFER && ctx.transformFeedback.active) return ctx.err(GL.INVALID_OPERATION);
  if (!base && x) {
    if (size <= 0 || offset < 0) return ctx.err(GL.INVALID_VALUE);
    if (target === GL2.UNIFORM_BUFFER && offset % CAPS.uniformBufferOffsetAlignment) return ctx.err(GL.INVALID_VALUE);
    if (target === GL2.TRANSFORM_FEEDBACK_BUFFER && (offset % 4 || size % 4)) return ctx.err(GL.INVALID_VALUE);
  }
  if (x) {
    if (!bindableTo(ctx, x, target)) return ctx.err(GL.INVALID_OPERATION);
    noteBinding(x, target);
  }
  slots[index] = { buffer: x, offset: base || !x ? 0 : offset, size: base || !x ? (x ? -1 : 0) : size };
  ctx.buffers2.set(target, x);
}

/** getIndexedParameter (ES 3.0 § 6.1.1 GetIntegeri_v / GetInteger64i_v), for the buffer bindings. */
export function getIndexedParameter(ctx: GLContext, target: number, index: number): unknown {
  if (ctx.lost) return null;
  const which: Record<number, [number, 'buffer' | 'offset' | 'size']> = {
    [GL2.UNIFORM_BUFFER_BINDING]: [GL2.UNIFORM_BUFFER, 'buffer'], [GL2.UNIFORM_BUFFER_START]: [GL2.UNIFORM_BUFFER, 'offset'], [GL2.UNIFORM_BUFFER_SIZE]: [GL2.UNIFORM_BUFFER, 'size'],
    [GL2.TRANSFORM_FEEDBACK_BUFFER_BINDING]: [GL2.TRANSFORM_FEEDBACK_BUFFER, 'buffer'], [GL2.TRANSFORM_FEEDBACK_BUFFER_START]: [GL2.TRANSFORM_FEEDBACK_BUFFER, 'offset'],
    [GL2.TRANSFORM_FEEDBACK_BUFFER_SIZE]: [GL2.TRANSFORM_FEEDBACK_BUFFER, 'size'],
  };
  const w = which[target];
  if (!w) { ctx.err(GL.INVALID_ENUM); return null; }
  const slots = indexedBindings(ctx, w[0])!;
  if (index >= slots.length) { ctx.err(GL.INVALID_VALUE); return null; }
  const s = slots[index]!;
  // a bindBufferBase binding reports start and size 0 (ES 3.0 § 6.1.1)
  return w[1] === 'buffer' ? s.buffer : Math.max(0, s[w[1]]);
}

export function getBufferParameter(ctx: GLContext, target: number, pname: number): any {
  if (ctx.lost) return null;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return null;
  if (pname !== GL.BUFFER_SIZE && pname !== GL.BUFFER_USAGE) { ctx.err(GL.INVALID_ENUM); return null; }
  // (ES 3.0's BUFFER_MAPPED, BUFFER_ACCESS_FLAGS, BUFFER_MAP_* have no WebGL 2 counterpart: INVALID_ENUM)
  if (!b) { ctx.err(GL.INVALID_OPERATION); return null; }
  return pname === GL.BUFFER_SIZE ? b.size : b.usage;
}

/**
 * The buffer's GPU copy, refreshed (orphaned when the GPU still reads the old one). The GPU may only read
 * it, until transform feedback first captures into it (`writable`): from then on it is mapped writable.
 */
export function bufferBo(ctx: GLContext, b: AkBuffer, writable = false): Bo {
  if (writable && !b.gpuWritable) {
    if (b.bo) { ctx.gpu.releaseBo(b.bo); b.bo = null; }
    b.gpuWritable = true;
  }
  if (!b.bo || b.gpuDirty) {
    if (b.bo && (ctx.gpu.isBusy(b.bo) || b.bo.size < b.size)) { ctx.gpu.releaseBo(b.bo); b.bo = null; }
    if (!b.bo) b.bo = ctx.gpu.allocBo(Math.max(16, b.size), b.gpuWritable ? 'rw' : 'r');
    b.bo.write(0, b.data);
    b.gpuDirty = false;
  }
  return b.bo;
}
