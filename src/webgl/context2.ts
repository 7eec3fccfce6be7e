/**
 * WebGL2RenderingContext on Akari (WebGL 2.0 § 3.7; OpenGL ES 3.0): the
 * WebGL 1 context's entry points over the same state (glcontext.ts, with
 * `version` 2 so each module applies ES 3.0's rules where they differ), plus
 * WebGL2RenderingContextBase's, dispatched to the module of their object
 * family as context.ts does:
 *
 *   buffers.ts            all eight targets, copyBufferSubData, getBufferSubData, indexed bindings
 *   varrays.ts            vertexAttribI*, VAOs and divisors as core
 *   uniforms.ts           uniform*ui*, non-square matrices, srcOffset/srcLength
 *   draw.ts               instanced draws as core, drawRangeElements, RASTERIZER_DISCARD
 *   samplers.ts           sampler objects
 *   sync.ts               fences over the kernel's syncobjs
 *   queries.ts            occlusion (conservative) and transform feedback queries
 *   transform-feedback.ts transform feedback objects
 *   framebuffers2.ts      read/draw framebuffers, drawBuffers, clearBuffer*, blit, invalidate
 *   textures2.ts          texStorage*, 3D/array textures, getInternalformatParameter
 *
 * What the hardware cannot do yet is a GL error after the call's own
 * validation (README's limits), never a JavaScript exception. The WebIDL
 * conversions come from the WebGL 2.0 IDL (idl.ts) as WebGL 1's do.
 */
import { GL2, type GL2Constants } from './constants.js';
import { AkariWebGLRenderingContext } from './context.js';
import { installBindings } from './bindings.js';
import { webgl2ContextIdl } from './idl.js';
import type { GpuProcess } from '../umd/pipe/gpu.js';
import type { WebGLContextOptions } from './glcontext.js';
import type { AkBuffer, AkProgram, AkSampler, AkSync, AkTransformFeedback, AkVertexArray } from './objects.js';
import type { AkQuery } from './queries.js';
import * as buffers from './buffers.js';
import * as compressed from './compressed.js';
import * as varrays from './varrays.js';
import * as uniforms from './uniforms.js';
import * as draw from './draw.js';
import * as shaders from './shaders.js';
import * as samplers from './samplers.js';
import * as sync from './sync.js';
import * as queries from './queries.js';
import * as tf from './transform-feedback.js';
import * as fb2 from './framebuffers2.js';
import * as tex2 from './textures2.js';
import * as readpix from './readpix.js';

export interface AkariWebGL2RenderingContext extends GL2Constants {}

type U = WebGLUniformLocation | null;

export class AkariWebGL2RenderingContext extends AkariWebGLRenderingContext implements WebGL2RenderingContext {
  constructor(width: number, height: number, opts: WebGLContextOptions, process: GpuProcess) {
    super(width, height, { ...opts, version: 2 }, process);
  }

  // ---------------------------------------------------------------- buffers (ES 3.0 § 2.9, WebGL 2.0 § 3.7.3)
  override bufferData(target: number, data: any, usage: number, srcOffset?: number, length?: number): void { buffers.bufferData(this.st, target, data, usage, srcOffset, length); }
  override bufferSubData(target: number, offset: number, data: any, srcOffset?: number, length?: number): void { buffers.bufferSubData(this.st, target, offset, data, srcOffset, length); }
  copyBufferSubData(readTarget: number, writeTarget: number, readOffset: number, writeOffset: number, size: number): void { buffers.copyBufferSubData(this.st, readTarget, writeTarget, readOffset, writeOffset, size); }
  getBufferSubData(target: number, srcByteOffset: number, dst: ArrayBufferView, dstOffset?: number, length?: number): void { buffers.getBufferSubData(this.st, target, srcByteOffset, dst, dstOffset, length); }
  bindBufferBase(target: number, index: number, b: WebGLBuffer | null): void { buffers.bindBufferRange(this.st, target, index, b, 0, 0, true); }
  bindBufferRange(target: number, index: number, b: WebGLBuffer | null, offset: number, size: number): void { buffers.bindBufferRange(this.st, target, index, b, offset, size, false); }
  getIndexedParameter(target: number, index: number): any { return buffers.getIndexedParameter(this.st, target, index); }

  // ---------------------------------------------------------------- vertex arrays and attributes (ES 3.0 § 2.8, § 2.10)
  createVertexArray(): WebGLVertexArrayObject { return varrays.createVertexArray(this.st) as WebGLVertexArrayObject; }
  deleteVertexArray(v: WebGLVertexArrayObject | null): void { varrays.deleteVertexArray(this.st, v as AkVertexArray | null); }
  isVertexArray(v: WebGLVertexArrayObject | null): boolean { return varrays.isVertexArray(this.st, v as AkVertexArray | null); }
  bindVertexArray(v: WebGLVertexArrayObject | null): void { varrays.bindVertexArray(this.st, v as AkVertexArray | null); }
  vertexAttribDivisor(i: number, divisor: number): void { varrays.vertexAttribDivisor(this.st, i, divisor); }
  vertexAttribIPointer(i: number, size: number, type: number, stride: number, offset: number): void { varrays.vertexAttribIPointer(this.st, i, size, type, stride, offset); }
  vertexAttribI4i(i: number, x: number, y: number, z: number, w: number): void { varrays.vertexAttribI4(this.st, i, [x, y, z, w], 'i'); }
  vertexAttribI4ui(i: number, x: number, y: number, z: number, w: number): void { varrays.vertexAttribI4(this.st, i, [x, y, z, w], 'u'); }
  vertexAttribI4iv(i: number, v: Int32List): void { varrays.vertexAttribI4(this.st, i, v, 'i'); }
  vertexAttribI4uiv(i: number, v: Uint32List): void { varrays.vertexAttribI4(this.st, i, v, 'u'); }

  // ---------------------------------------------------------------- drawing (ES 3.0 § 2.8.3)
  drawArraysInstanced(mode: number, first: number, count: number, instances: number): void { draw.drawArraysInstanced(this.st, mode, first, count, instances, true); }
  drawElementsInstanced(mode: number, count: number, type: number, offset: number, instances: number): void { draw.drawElementsInstanced(this.st, mode, count, type, offset, instances, true); }
  drawRangeElements(mode: number, start: number, end: number, count: number, type: number, offset: number): void { draw.drawRangeElements(this.st, mode, start, end, count, type, offset); }

  // ---------------------------------------------------------------- uniforms (ES 3.0 § 2.12.6, WebGL 2.0 § 3.7.8)
  private src(v: ArrayLike<number>, off = 0, len = 0): ArrayLike<number> | undefined { return uniforms.uniformSource(this.st, v, off, len); }
  override uniform1fv(l: U, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 1, this.src(v, o, n)); }
  override uniform2fv(l: U, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 2, this.src(v, o, n)); }
  override uniform3fv(l: U, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 3, this.src(v, o, n)); }
  override uniform4fv(l: U, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 4, this.src(v, o, n)); }
  override uniform1iv(l: U, v: Int32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'i', 1, this.src(v, o, n)); }
  override uniform2iv(l: U, v: Int32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'i', 2, this.src(v, o, n)); }
  override uniform3iv(l: U, v: Int32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'i', 3, this.src(v, o, n)); }
  override uniform4iv(l: U, v: Int32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'i', 4, this.src(v, o, n)); }
  uniform1ui(l: U, x: number): void { uniforms.setUniform(this.st, l, 'u', 1, [x]); }
  uniform2ui(l: U, x: number, y: number): void { uniforms.setUniform(this.st, l, 'u', 2, [x, y]); }
  uniform3ui(l: U, x: number, y: number, z: number): void { uniforms.setUniform(this.st, l, 'u', 3, [x, y, z]); }
  uniform4ui(l: U, x: number, y: number, z: number, w: number): void { uniforms.setUniform(this.st, l, 'u', 4, [x, y, z, w]); }
  uniform1uiv(l: U, v: Uint32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'u', 1, this.src(v, o, n)); }
  uniform2uiv(l: U, v: Uint32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'u', 2, this.src(v, o, n)); }
  uniform3uiv(l: U, v: Uint32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'u', 3, this.src(v, o, n)); }
  uniform4uiv(l: U, v: Uint32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'u', 4, this.src(v, o, n)); }
  override uniformMatrix2fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 4, this.src(v, o, n), true, t); }
  override uniformMatrix3fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 9, this.src(v, o, n), true, t); }
  override uniformMatrix4fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 16, this.src(v, o, n), true, t); }
  uniformMatrix2x3fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 6, this.src(v, o, n), 2, t); }
  uniformMatrix3x2fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 6, this.src(v, o, n), 3, t); }
  uniformMatrix2x4fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 8, this.src(v, o, n), 2, t); }
  uniformMatrix4x2fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 8, this.src(v, o, n), 4, t); }
  uniformMatrix3x4fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 12, this.src(v, o, n), 3, t); }
  uniformMatrix4x3fv(l: U, t: boolean, v: Float32List, o?: number, n?: number): void { uniforms.setUniform(this.st, l, 'f', 12, this.src(v, o, n), 4, t); }

  // ---------------------------------------------------------------- programs (ES 3.0 § 2.11, § 2.12, § 3.9.2)
  getFragDataLocation(p: WebGLProgram, name: string): number { return shaders.getFragDataLocation(this.st, p, name); }
  getUniformBlockIndex(p: WebGLProgram, name: string): number { return uniforms.getUniformBlockIndex(this.st, p, name); }
  getActiveUniformBlockName(p: WebGLProgram, index: number): string | null { return uniforms.getActiveUniformBlockName(this.st, p, index); }
  getActiveUniformBlockParameter(p: WebGLProgram, index: number, pname: number): any { return uniforms.getActiveUniformBlockParameter(this.st, p, index, pname); }
  uniformBlockBinding(p: WebGLProgram, index: number, binding: number): void { uniforms.uniformBlockBinding(this.st, p, index, binding); }
  getUniformIndices(p: WebGLProgram, names: string[]): number[] | null { return uniforms.getUniformIndices(this.st, p, names); }
  getActiveUniforms(p: WebGLProgram, indices: number[], pname: number): any { return uniforms.getActiveUniforms(this.st, p, indices, pname); }

  // ---------------------------------------------------------------- transform feedback (ES 3.0 § 2.15)
  createTransformFeedback(): WebGLTransformFeedback { return tf.createTransformFeedback(this.st) as WebGLTransformFeedback; }
  deleteTransformFeedback(x: WebGLTransformFeedback | null): void { tf.deleteTransformFeedback(this.st, x as AkTransformFeedback | null); }
  isTransformFeedback(x: WebGLTransformFeedback | null): boolean { return tf.isTransformFeedback(this.st, x as AkTransformFeedback | null); }
  bindTransformFeedback(target: number, x: WebGLTransformFeedback | null): void { tf.bindTransformFeedback(this.st, target, x as AkTransformFeedback | null); }
  beginTransformFeedback(mode: number): void { tf.beginTransformFeedback(this.st, mode); }
  endTransformFeedback(): void { tf.endTransformFeedback(this.st); }
  pauseTransformFeedback(): void { tf.pauseTransformFeedback(this.st); }
  resumeTransformFeedback(): void { tf.resumeTransformFeedback(this.st); }
  transformFeedbackVaryings(p: WebGLProgram, varyings: string[], mode: number): void { tf.transformFeedbackVaryings(this.st, p as AkProgram, varyings, mode); }
  getTransformFeedbackVarying(p: WebGLProgram, index: number): WebGLActiveInfo | null { return tf.getTransformFeedbackVarying(this.st, p as AkProgram, index); }

  // ---------------------------------------------------------------- queries (ES 3.0 § 2.14, § 6.1.7)
  createQuery(): WebGLQuery { return queries.createQuery(this.st) as WebGLQuery; }
  deleteQuery(q: WebGLQuery | null): void { queries.deleteQuery2(this.st, q as AkQuery | null); }
  isQuery(q: WebGLQuery | null): boolean { return queries.isQuery(this.st, q as AkQuery | null); }
  beginQuery(target: number, q: WebGLQuery): void { queries.beginQuery2(this.st, target, q as AkQuery); }
  endQuery(target: number): void { queries.endQuery2(this.st, target); }
  getQuery(target: number, pname: number): WebGLQuery | null { return queries.getQuery2(this.st, target, pname); }
  getQueryParameter(q: WebGLQuery, pname: number): any { return queries.getQueryParameter2(this.st, q as AkQuery, pname); }

  // ---------------------------------------------------------------- samplers (ES 3.0 § 3.8.2)
  createSampler(): WebGLSampler { return samplers.createSampler(this.st) as WebGLSampler; }
  deleteSampler(s: WebGLSampler | null): void { samplers.deleteSampler(this.st, s as AkSampler | null); }
  isSampler(s: WebGLSampler | null): boolean { return samplers.isSampler(this.st, s as AkSampler | null); }
  bindSampler(unit: number, s: WebGLSampler | null): void { samplers.bindSampler(this.st, unit, s as AkSampler | null); }
  samplerParameteri(s: WebGLSampler, pname: number, param: number): void { samplers.samplerParameter(this.st, s as AkSampler, pname, param, false); }
  samplerParameterf(s: WebGLSampler, pname: number, param: number): void { samplers.samplerParameter(this.st, s as AkSampler, pname, param, true); }
  getSamplerParameter(s: WebGLSampler, pname: number): any { return samplers.getSamplerParameter(this.st, s as AkSampler, pname); }

  // ---------------------------------------------------------------- sync objects (ES 3.0 § 5.2)
  fenceSync(condition: number, flags: number): WebGLSync | null { return sync.fenceSync(this.st, condition, flags); }
  isSync(s: WebGLSync | null): boolean { return sync.isSync(this.st, s as AkSync | null); }
  deleteSync(s: WebGLSync | null): void { sync.deleteSync(this.st, s as AkSync | null); }
  clientWaitSync(s: WebGLSync, flags: number, timeout: number): number { return sync.clientWaitSync(this.st, s as AkSync, flags, timeout); }
  waitSync(s: WebGLSync, flags: number, timeout: number): void { sync.waitSync(this.st, s as AkSync, flags, timeout); }
  getSyncParameter(s: WebGLSync, pname: number): any { return sync.getSyncParameter(this.st, s as AkSync, pname); }

  // ---------------------------------------------------------------- framebuffers (ES 3.0 § 4.2-4.4)
  blitFramebuffer(x0: number, y0: number, x1: number, y1: number, dx0: number, dy0: number, dx1: number, dy1: number, mask: number, filter: number): void {
    fb2.blitFramebuffer(this.st, x0, y0, x1, y1, dx0, dy0, dx1, dy1, mask, filter);
  }
  framebufferTextureLayer(target: number, attachment: number, t: WebGLTexture | null, level: number, layer: number): void { fb2.framebufferTextureLayer(this.st, target, attachment, t, level, layer); }
  invalidateFramebuffer(target: number, attachments: number[]): void { fb2.invalidateFramebuffer(this.st, target, attachments, null); }
  invalidateSubFramebuffer(target: number, attachments: number[], x: number, y: number, w: number, h: number): void { fb2.invalidateFramebuffer(this.st, target, attachments, [x, y, w, h]); }
  readBuffer(src: number): void { fb2.readBuffer(this.st, src); }
  drawBuffers(bufs: number[]): void { fb2.drawBuffers(this.st, bufs); }
  clearBufferfv(buffer: number, drawbuffer: number, v: Float32List, o?: number): void { fb2.clearBuffer(this.st, buffer, drawbuffer, v, o ?? 0, 'f'); }
  clearBufferiv(buffer: number, drawbuffer: number, v: Int32List, o?: number): void { fb2.clearBuffer(this.st, buffer, drawbuffer, v, o ?? 0, 'i'); }
  clearBufferuiv(buffer: number, drawbuffer: number, v: Uint32List, o?: number): void { fb2.clearBuffer(this.st, buffer, drawbuffer, v, o ?? 0, 'u'); }
  clearBufferfi(buffer: number, drawbuffer: number, depth: number, stencil: number): void { fb2.clearBufferfi(this.st, buffer, drawbuffer, depth, stencil); }
  renderbufferStorageMultisample(target: number, samples: number, internalformat: number, w: number, h: number): void { fb2.renderbufferStorageMultisample(this.st, target, samples, internalformat, w, h); }
  getInternalformatParameter(target: number, internalformat: number, pname: number): any { return fb2.getInternalformatParameter(this.st, target, internalformat, pname); }
  override bindFramebuffer(target: number, f: WebGLFramebuffer | null): void { fb2.bindFramebuffer2(this.st, target, f); }
  override deleteFramebuffer(f: WebGLFramebuffer | null): void { fb2.deleteFramebuffer2(this.st, f); }
  // ES 3.0's framebuffer targets: DRAW_FRAMEBUFFER (= FRAMEBUFFER) and READ_FRAMEBUFFER
  override checkFramebufferStatus(target: number): number { return this.st.lost ? super.checkFramebufferStatus(target) : fb2.onTarget(this.st, target, (t) => super.checkFramebufferStatus(t), 0); }
  override framebufferTexture2D(target: number, a: number, tt: number, t: WebGLTexture | null, level: number): void { fb2.onTarget(this.st, target, (x) => super.framebufferTexture2D(x, a, tt, t, level), undefined); }
  override framebufferRenderbuffer(target: number, a: number, rt: number, r: WebGLRenderbuffer | null): void { fb2.onTarget(this.st, target, (x) => super.framebufferRenderbuffer(x, a, rt, r), undefined); }
  override getFramebufferAttachmentParameter(target: number, a: number, pname: number): any { return fb2.onTarget(this.st, target, (x) => super.getFramebufferAttachmentParameter(x, a, pname), null); }
  // reads come from the read framebuffer
  override copyTexImage2D(target: number, level: number, ifmt: number, x: number, y: number, w: number, h: number, border: number): void { fb2.asRead(this.st, () => tex2.copyTexImage2D2(this.st, target, level, ifmt, x, y, w, h, border)); }
  override copyTexSubImage2D(target: number, level: number, xo: number, yo: number, x: number, y: number, w: number, h: number): void { fb2.asRead(this.st, () => super.copyTexSubImage2D(target, level, xo, yo, x, y, w, h)); }

  // ---------------------------------------------------------------- textures (ES 3.0 § 3.8)
  override texImage2D(...args: any[]): void { tex2.texImage2D2(this.st, args); }
  override texSubImage2D(...args: any[]): void { tex2.texSubImage2D2(this.st, args); }
  texStorage2D(target: number, levels: number, internalformat: number, w: number, h: number): void { tex2.texStorage2D(this.st, target, levels, internalformat, w, h); }
  texStorage3D(target: number, levels: number, internalformat: number, w: number, h: number, d: number): void { tex2.texStorage3D(this.st, target, levels, internalformat, w, h, d); }
  texImage3D(...args: any[]): void { tex2.texImage3D(this.st, args); }
  texSubImage3D(...args: any[]): void { tex2.texSubImage3D(this.st, args); }
  copyTexSubImage3D(target: number, level: number, xoff: number, yoff: number, zoff: number, x: number, y: number, w: number, h: number): void { fb2.asRead(this.st, () => tex2.copyTexSubImage3D(this.st, target, level, xoff, yoff, zoff, x, y, w, h)); }
  compressedTexImage3D(...args: any[]): void { compressed.compressedTexImage3D(this.st, args); }
  compressedTexSubImage3D(...args: any[]): void { compressed.compressedTexSubImage3D(this.st, args); }
  override compressedTexImage2D(...args: any[]): void { compressed.compressedTexImage2D(this.st, args); }
  override compressedTexSubImage2D(...args: any[]): void { compressed.compressedTexSubImage2D(this.st, args); }

  // ---------------------------------------------------------------- reading (WebGL 2.0 § 3.7.10)
  override readPixels(x: number, y: number, w: number, h: number, format: number, type: number, dst: any, dstOffset?: number): void { fb2.asRead(this.st, () => readpix.readPixels2(this.st, x, y, w, h, format, type, dst, dstOffset)); }
}

Object.assign(AkariWebGL2RenderingContext.prototype, GL2);
// WebIDL argument conversions for every WebGL 2.0 entry point, from the IDL (idl.ts, bindings.ts)
installBindings(AkariWebGL2RenderingContext.prototype as unknown as Record<string, unknown>, 'WebGL2RenderingContext', webgl2ContextIdl());
