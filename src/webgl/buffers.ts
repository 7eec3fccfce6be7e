/**
 * Buffer objects (Mesa's bufferobj.c): creation, binding (WebGL 1.0 § 6.1:
 * a buffer keeps the target it was first bound to), data and sub-data, and
 * the buffer's GPU copy the driver reads (refreshed, or orphaned while the
 * GPU still reads the old one).
 */
import { isOom, type GLContext } from './glcontext.js';
import { GL } from './constants.js';
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
  if (x.bo) { ctx.gpu.releaseBo(x.bo); x.bo = null; }
}

export function bindBuffer(ctx: GLContext, target: number, b: WebGLBuffer | null): void {
  if (ctx.lost) return;
  if (target !== GL.ARRAY_BUFFER && target !== GL.ELEMENT_ARRAY_BUFFER) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(b, AkBuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) {
    if (x.target && x.target !== target) return ctx.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.1
    x.target = target;
  }
  if (target === GL.ARRAY_BUFFER) ctx.arrayBuffer = x; else ctx.vao.elementBuffer = x;
}

export function boundBuffer(ctx: GLContext, target: number): AkBuffer | null | undefined {
  if (target === GL.ARRAY_BUFFER) return ctx.arrayBuffer;
  if (target === GL.ELEMENT_ARRAY_BUFFER) return ctx.vao.elementBuffer;
  ctx.err(GL.INVALID_ENUM);
  return undefined;
}

export function bufferData(ctx: GLContext, target: number, dataOrSize: number | AllowSharedBufferSource | null, usage: number): void {
  if (ctx.lost) return;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return;
  if (usage !== GL.STATIC_DRAW && usage !== GL.DYNAMIC_DRAW && usage !== GL.STREAM_DRAW) return ctx.err(GL.INVALID_ENUM);
  let bytes: Uint8Array;
  if (typeof dataOrSize === 'number') {
    if (dataOrSize < 0) return ctx.err(GL.INVALID_VALUE);
    try { bytes = new Uint8Array(dataOrSize); } catch (e) { if (!isOom(e)) throw e; return ctx.err(GL.OUT_OF_MEMORY); }
  } else if (dataOrSize === null || dataOrSize === undefined) return ctx.err(GL.INVALID_VALUE);
  else if (ArrayBuffer.isView(dataOrSize)) bytes = new Uint8Array(dataOrSize.buffer.slice(dataOrSize.byteOffset, dataOrSize.byteOffset + dataOrSize.byteLength));
  else bytes = new Uint8Array((dataOrSize as ArrayBuffer).slice(0));
  if (!b) return ctx.err(GL.INVALID_OPERATION);
  b.data = bytes; b.size = bytes.length; b.usage = usage; b.gpuDirty = true;
}

export function bufferSubData(ctx: GLContext, target: number, offset: number, data: AllowSharedBufferSource): void {
  if (ctx.lost) return;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return;
  if (offset < 0) return ctx.err(GL.INVALID_VALUE);
  if (data === null || data === undefined) return ctx.err(GL.INVALID_VALUE);
  if (!b) return ctx.err(GL.INVALID_OPERATION);
  const src = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBuffer);
  if (offset + src.length > b.size) return ctx.err(GL.INVALID_VALUE);
  b.data.set(src, offset); b.gpuDirty = true;
}

export function getBufferParameter(ctx: GLContext, target: number, pname: number): any {
  if (ctx.lost) return null;
  const b = boundBuffer(ctx, target);
  if (b === undefined) return null;
  if (pname !== GL.BUFFER_SIZE && pname !== GL.BUFFER_USAGE) { ctx.err(GL.INVALID_ENUM); return null; }
  if (!b) { ctx.err(GL.INVALID_OPERATION); return null; }
  return pname === GL.BUFFER_SIZE ? b.size : b.usage;
}

/** The buffer's GPU copy, refreshed (orphaned when the GPU still reads the old one). */
export function bufferBo(ctx: GLContext, b: AkBuffer): Bo {
  if (!b.bo || b.gpuDirty) {
    if (b.bo && (ctx.gpu.isBusy(b.bo) || b.bo.size < b.size)) { ctx.gpu.releaseBo(b.bo); b.bo = null; }
    if (!b.bo) b.bo = ctx.gpu.allocBo(Math.max(16, b.size), 'r');
    b.bo.write(0, b.data);
    b.gpuDirty = false;
  }
  return b.bo;
}
