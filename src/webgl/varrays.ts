/**
 * Vertex arrays and generic attributes (Mesa's varray.c, arrayobj.c): the
 * arrays of the bound vertex array object, current attribute values, and
 * vertex array objects (OES_vertex_array_object, core in WebGL 2) and
 * divisors (ANGLE_instanced_arrays, core in WebGL 2).
 */
import type { GLContext } from './glcontext.js';
import { GL, EXT, GL2 } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { PACKED_TYPES, typeSize } from './enums.js';
import { AkVertexArray } from './objects.js';

export function enableVertexAttribArray(ctx: GLContext, i: number): void { if (ctx.lost) return; if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE); ctx.vao.attribs[i]!.enabled = true; }
export function disableVertexAttribArray(ctx: GLContext, i: number): void { if (ctx.lost) return; if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE); ctx.vao.attribs[i]!.enabled = false; }

export function vertexAttribPointer(ctx: GLContext, i: number, size: number, type: number, normalized: boolean, stride: number, offset: number): void {
  if (ctx.lost) return;
  if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE);
  // ES 3.0 § 2.8 adds INT, UNSIGNED_INT and HALF_FLOAT (the vertex fetch's s32, u32, f16) and the packed
  // 2_10_10_10 types (ATTRIBUTE packed), whose size must be 4
  const packed = ctx.version === 2 && PACKED_TYPES.includes(type);
  const v2 = ctx.version === 2 && ([GL.INT, GL.UNSIGNED_INT, GL2.HALF_FLOAT].includes(type as never) || packed);
  if (![GL.BYTE, GL.UNSIGNED_BYTE, GL.SHORT, GL.UNSIGNED_SHORT, GL.FLOAT].includes(type as never) && !v2) return ctx.err(GL.INVALID_ENUM);
  if (size < 1 || size > 4 || stride < 0 || stride > 255 || offset < 0) return ctx.err(GL.INVALID_VALUE);
  if (packed && size !== 4) return ctx.err(GL.INVALID_OPERATION);
  const ts = typeSize(type);
  if (offset % ts || stride % ts) return ctx.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.4
  if (!ctx.arrayBuffer && offset !== 0) return ctx.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.6
  Object.assign(ctx.vao.attribs[i]!, { size, type, normalized: !!normalized, stride, offset, buffer: ctx.arrayBuffer, integer: false });
}

/** WebGL 2's vertexAttribIPointer (ES 3.0 § 2.8): integer arrays, never normalized or converted. */
export function vertexAttribIPointer(ctx: GLContext, i: number, size: number, type: number, stride: number, offset: number): void {
  if (ctx.lost) return;
  if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE);
  if (![GL.BYTE, GL.UNSIGNED_BYTE, GL.SHORT, GL.UNSIGNED_SHORT, GL.INT, GL.UNSIGNED_INT].includes(type as never)) return ctx.err(GL.INVALID_ENUM);
  if (size < 1 || size > 4 || stride < 0 || stride > 255 || offset < 0) return ctx.err(GL.INVALID_VALUE);
  const ts = typeSize(type);
  if (offset % ts || stride % ts) return ctx.err(GL.INVALID_OPERATION); // WebGL 2.0 § 5.x as WebGL 1.0 § 6.4
  if (!ctx.arrayBuffer && offset !== 0) return ctx.err(GL.INVALID_OPERATION);
  Object.assign(ctx.vao.attribs[i]!, { size, type, normalized: false, stride, offset, buffer: ctx.arrayBuffer, integer: true });
}

/** vertexAttribI4i/ui(v) (ES 3.0 § 2.7): the current value keeps the integers' bits, and their signedness. */
export function vertexAttribI4(ctx: GLContext, i: number, v: ArrayLike<number>, kind: 'i' | 'u'): void {
  if (ctx.lost) return;
  if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE);
  if (v.length < 4) return ctx.err(GL.INVALID_VALUE);
  const bits = kind === 'i' ? new Int32Array(ctx.currentAttrib[i]!.buffer) : new Uint32Array(ctx.currentAttrib[i]!.buffer);
  for (let k = 0; k < 4; k++) bits[k] = v[k]!;
  ctx.currentAttribKind[i] = kind;
}

export function setAttrib(ctx: GLContext, i: number, v: ArrayLike<number>, n: number): void {
  if (ctx.lost) return;
  if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE);
  if (v.length < n) return ctx.err(GL.INVALID_VALUE);
  const c = ctx.currentAttrib[i]!;
  c.set([0, 0, 0, 1]);
  for (let k = 0; k < n; k++) c[k] = v[k]!;
  ctx.currentAttribKind[i] = 'f';
}

export function vertexAttrib1f(ctx: GLContext, i: number, x: number): void { setAttrib(ctx, i, [x], 1); }
export function vertexAttrib2f(ctx: GLContext, i: number, x: number, y: number): void { setAttrib(ctx, i, [x, y], 2); }
export function vertexAttrib3f(ctx: GLContext, i: number, x: number, y: number, z: number): void { setAttrib(ctx, i, [x, y, z], 3); }
export function vertexAttrib4f(ctx: GLContext, i: number, x: number, y: number, z: number, w: number): void { setAttrib(ctx, i, [x, y, z, w], 4); }
export function vertexAttrib1fv(ctx: GLContext, i: number, v: Float32List): void { setAttrib(ctx, i, v, 1); }
export function vertexAttrib2fv(ctx: GLContext, i: number, v: Float32List): void { setAttrib(ctx, i, v, 2); }
export function vertexAttrib3fv(ctx: GLContext, i: number, v: Float32List): void { setAttrib(ctx, i, v, 3); }
export function vertexAttrib4fv(ctx: GLContext, i: number, v: Float32List): void { setAttrib(ctx, i, v, 4); }

export function getVertexAttrib(ctx: GLContext, i: number, pname: number): any {
  if (ctx.lost) return null;
  if (i >= CAPS.maxVertexAttribs || i < 0) { ctx.err(GL.INVALID_VALUE); return null; }
  const a = ctx.vao.attribs[i]!;
  switch (pname) {
    case GL.VERTEX_ATTRIB_ARRAY_BUFFER_BINDING: return a.buffer;
    case GL.VERTEX_ATTRIB_ARRAY_ENABLED: return a.enabled;
    case GL.VERTEX_ATTRIB_ARRAY_SIZE: return a.size;
    case GL.VERTEX_ATTRIB_ARRAY_STRIDE: return a.stride;
    case GL.VERTEX_ATTRIB_ARRAY_TYPE: return a.type;
    case GL.VERTEX_ATTRIB_ARRAY_NORMALIZED: return a.normalized;
    case GL.CURRENT_VERTEX_ATTRIB: {
      const c = ctx.currentAttrib[i]!, kind = ctx.currentAttribKind[i];
      return kind === 'i' ? new Int32Array(c.buffer.slice(0)) : kind === 'u' ? new Uint32Array(c.buffer.slice(0)) : new Float32Array(c);
    }
    // VERTEX_ATTRIB_ARRAY_DIVISOR (core in WebGL 2) has ANGLE's value
    case EXT.VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE: if (ctx.version === 2 || ctx.hasExt('ANGLE_instanced_arrays')) return a.divisor; break;
    case GL2.VERTEX_ATTRIB_ARRAY_INTEGER: if (ctx.version === 2) return a.integer; break;
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}

export function getVertexAttribOffset(ctx: GLContext, i: number, pname: number): number {
  if (ctx.lost) return 0;
  if (i >= CAPS.maxVertexAttribs || i < 0) { ctx.err(GL.INVALID_VALUE); return 0; }
  if (pname !== GL.VERTEX_ATTRIB_ARRAY_POINTER) { ctx.err(GL.INVALID_ENUM); return 0; }
  return ctx.vao.attribs[i]!.offset;
}

// vertex array objects: OES_vertex_array_object in WebGL 1, core in WebGL 2
export function createVertexArray(ctx: GLContext): AkVertexArray | null { return ctx.lost ? null : new AkVertexArray(ctx.gen, CAPS.maxVertexAttribs); }
export function deleteVertexArray(ctx: GLContext, v: AkVertexArray | null): void {
  if (ctx.lost || !v) return;
  if (ctx.own(v, AkVertexArray) === undefined) return;
  if (ctx.vao === v) ctx.vao = ctx.defaultVao;
  v.deleted = true;
}
export function isVertexArray(ctx: GLContext, v: AkVertexArray | null): boolean {
  return !ctx.lost && v instanceof AkVertexArray && v.owner === ctx.gen && !v.deleted && v.bound;
}
export function bindVertexArray(ctx: GLContext, v: AkVertexArray | null): void {
  if (ctx.lost) return;
  const x = ctx.own(v, AkVertexArray);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) x.bound = true;
  ctx.vao = x ?? ctx.defaultVao;
}
/** ANGLE_instanced_arrays' vertexAttribDivisorANGLE (core in WebGL 2). */
export function vertexAttribDivisor(ctx: GLContext, i: number, divisor: number): void {
  if (ctx.lost) return;
  if (i >= CAPS.maxVertexAttribs || i < 0) return ctx.err(GL.INVALID_VALUE);
  ctx.vao.attribs[i]!.divisor = divisor >>> 0;
}
