/**
 * WebGLRenderingContext on Akari: the API object (Mesa's glapi dispatch and
 * context.c). Each entry point hands its (WebIDL-converted, bindings.ts)
 * arguments to the module of its object family, which validates the call as
 * the WebGL 1.0 specification requires (errors recorded for getError,
 * nothing wrong reaches the driver) over the context's state (glcontext.ts):
 *
 *   state.ts         enable/disable, blend, depth, stencil, masks, viewport, pixel store
 *   get.ts           getParameter, one table (Mesa's get_hash_params)
 *   extensions.ts    the extension table and getExtension
 *   buffers.ts       buffer objects
 *   varrays.ts       vertex arrays and attributes
 *   shaders.ts       shaders and programs
 *   uniforms.ts      uniforms
 *   textures.ts      textures
 *   framebuffers.ts  framebuffers and renderbuffers
 *   draw.ts          clear and draw: GL state -> the driver's pipe state
 *   readpix.ts       readPixels
 *
 * Beneath them the driver (umd/pipe: pipe.ts is the contract) packs
 * descriptors and render passes. This file keeps what belongs to the
 * context as a whole: loss and restoration (§ 5.15), the drawing buffer and
 * its resizing, presentation, destruction.
 *
 * The drawing buffer and every render target are y-up in memory (row 0 = GL
 * window y 0): the viewport is not flipped, so gl_FragCoord and readPixels
 * are in GL order.
 */
import { GL, type GLConstants } from './constants.js';
import type { GpuContext, GpuProcess, Surface } from '../umd/pipe/gpu.js';
import type { Bo } from '../umd/device.js';
import { AkariCanvas, WebGLContextEvent } from './canvas.js';
import { COMPAT_STATE, type GLCompatibility } from './compat.js';
import { installBindings } from './bindings.js';
import { WEBGL1_IDL } from './idl.js';
import { GLContext, drawingBufferSide, type ContextLifecycle, type WebGLContextOptions } from './glcontext.js';
import * as state from './state.js';
import * as get from './get.js';
import * as extensions from './extensions.js';
import * as buffers from './buffers.js';
import * as varrays from './varrays.js';
import * as shaders from './shaders.js';
import * as uniforms from './uniforms.js';
import * as textures from './textures.js';
import * as compressed from './compressed.js';
import * as framebuffers from './framebuffers.js';
import * as draw from './draw.js';
import * as readpix from './readpix.js';

export { DEFAULT_JOB_TIMEOUT_MS, MAX_DRAWING_BUFFER_SIZE, type WebGLContextOptions } from './glcontext.js';
export type { ActiveUniform } from '../umd/compiler/program.js';

export interface AkariWebGLRenderingContext extends GLConstants {}

export class AkariWebGLRenderingContext implements WebGLRenderingContext {
  /** A canvas-like EventTarget: setting its width/height resizes the drawing buffer (canvas.ts). */
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  drawingBufferColorSpace: PredefinedColorSpace = 'srgb';
  unpackColorSpace: PredefinedColorSpace = 'srgb';
  /** OpenGL compatibility state, in contexts created with `compatibility: true` only */
  readonly [COMPAT_STATE]?: GLCompatibility;
  /** the context's state; replaced in place when a lost context is restored */
  protected readonly st: GLContext;

  /**
   * A context on `process` (its system calls: the platform booted the machine) with a
   * `width`×`height` canvas. Sizes are the canvas's: integers ≥ 0 (the platform checks them).
   */
  constructor(width: number, height: number, opts: WebGLContextOptions, process: GpuProcess) {
    this.st = this.newState(width, height, opts, process);
    // the state is not a property a page can see: `for (k in gl)` lists only WebGL's names (constants-and-properties.html)
    Object.defineProperty(this, 'st', { enumerable: false });
    if (this.st.compatProfile) this[COMPAT_STATE] = this.st.compat;
    const canvas = new AkariCanvas(width, height);
    canvas.attach(this, this.st.version);
    this.canvas = canvas as unknown as HTMLCanvasElement;
  }

  /** A fresh GLContext whose lifecycle hooks reach this object. */
  private newState(width: number, height: number, opts: WebGLContextOptions, process: GpuProcess): GLContext {
    const lifecycle: ContextLifecycle = {
      loseContext: (reason, byExtension) => this.loseContextSteps(reason, byExtension),
      restoreContext: () => { const gen = this.st.gen; setTimeout(() => this.restoreSteps(gen), 0); },
      destroy: () => this.destroy(),
      resizeCanvas: (w, h) => (this.canvas as unknown as AkariCanvas).resize(w, h),
    };
    const st = new GLContext(drawingBufferSide(width), drawingBufferSide(height), opts, process, lifecycle);
    st.texImage1D = (...a) => textures.texImage1D(st, ...a);
    st.gpu.onLost = (why) => this.loseContextSteps(why, false);
    return st;
  }

  /** The winsys beneath the context (BO pool, render passes, submissions), for tools and tests. */
  get gpu(): GpuContext { return this.st.gpu; }
  /** Not WebGL: why the context was last lost ('loseContext', or the kernel's verdict: guilty_timeout, guilty_fault, lost, banned) */
  get lostReason(): string { return this.st.lostReason; }

  // ---------------------------------------------------------------- context loss (WebGL 1.0 §5.15)

  /**
   * "Lose the context" (§5.15.2): set the lost flag (every call becomes a
   * no-op returning the spec's value; getError answers CONTEXT_LOST_WEBGL
   * once), invalidate the objects, disable every extension but
   * WEBGL_lose_context, then in a task fire `webglcontextlost` at the
   * canvas. If the application cancelled it (preventDefault), the context
   * may be restored: at once for a real loss (the GPU is ready again as soon
   * as the kernel has banned the queue or reset the device), on
   * restoreContext() for a simulated one.
   */
  private loseContextSteps(reason: string, byExtension: boolean): void {
    const st = this.st;
    if (st.lost) return;
    st.lost = true;
    st.lostPending = true;
    st.errors.clear();
    st.lostReason = reason;
    st.lostByExtension = byExtension;
    st.restoreAllowed = false;
    for (const n of [...st.enabledExt]) if (n !== 'WEBGL_lose_context') st.enabledExt.delete(n);
    const gen = st.gen;
    setTimeout(() => {
      if (this.st.gen !== gen || !this.st.lost) return;
      const ev = new WebGLContextEvent('webglcontextlost', { cancelable: true, statusMessage: '' });
      this.canvas.dispatchEvent(ev);
      if (!ev.defaultPrevented) return;
      this.st.restoreAllowed = true;
      if (!byExtension) setTimeout(() => this.restoreSteps(gen), 0);
    }, 0);
  }

  /**
   * "Restore the drawing buffer" (§5.15.2): a new GPU context (VM, queue,
   * buffers) with every state at its initial value and a cleared drawing
   * buffer; objects of the lost generation stay invalid. Then
   * `webglcontextrestored` is fired at the canvas. The state object keeps
   * its identity (extension objects hold it), its contents are replaced.
   */
  private restoreSteps(gen: object): void {
    const st = this.st;
    if (st.gen !== gen || !st.lost) return;
    const old = st.gpu;
    const canvas = this.canvas as unknown as AkariCanvas;
    const loseExt = st.extObjects.get('WEBGL_lose_context');
    // the same process (machine) goes on: the old GPU context's VM, queue and buffers go, a new one comes
    const fresh = this.newState(canvas.width, canvas.height, st.options, st.process);
    old.close();
    Object.assign(st, fresh);
    st.compat = st.makeCompat(); // the fresh one's callbacks reach the state object kept
    st.texImage1D = (...a) => textures.texImage1D(st, ...a);
    if (st.compatProfile) (this as { [COMPAT_STATE]?: GLCompatibility })[COMPAT_STATE] = st.compat;
    if (loseExt) { st.extObjects.set('WEBGL_lose_context', loseExt); st.enabledExt.add('WEBGL_lose_context'); }
    st.lost = false;
    st.lostPending = false;
    st.restoreAllowed = false;
    this.canvas.dispatchEvent(new WebGLContextEvent('webglcontextrestored', { statusMessage: '' }));
  }

  get drawingBufferWidth(): number { return this.st.width; }
  get drawingBufferHeight(): number { return this.st.height; }

  /**
   * Replaces the drawing buffer with one of the canvas's new size, cleared to its initial
   * values, as a browser does when canvas.width/height is assigned (canvas.ts). The viewport
   * and scissor box keep their values (WebGL 1.0 § 2.2: the application sets them).
   */
  resizeDrawingBuffer(width: number, height: number): void {
    const st = this.st;
    if (st.destroyed) return;
    let W = drawingBufferSide(width), H = drawingBufferSide(height);
    if (st.gpu.hasPassFor(st.defaultKey)) st.gpu.flush();
    const old = st.defaultSurface;
    st.releaseDrawingBuffer(old);
    // WebGL 1.0 § 2.2: a size that cannot be satisfied gets a smaller drawing buffer (drawingBufferWidth/Height
    // say which); halving both sides keeps the aspect ratio, and 1×1 always fits once the old one is freed
    let fresh: Surface | undefined;
    while (!fresh) {
      try { fresh = st.allocDrawingBuffer(W, H); } catch (e) {
        if (!(e instanceof RangeError) || (W === 1 && H === 1)) throw e;
        W = Math.max(1, W >> 1); H = Math.max(1, H >> 1);
      }
    }
    st.defaultSurface = fresh;
    st.width = W;
    st.height = H;
    st.gpu.clearPass(st.defaultKey, fresh, [0, 0, 0, 0], fresh.zs ? 1 : null, fresh.zs ? 0 : null);
  }

  // ---------------------------------------------------------------- errors, attributes, extensions, parameters
  getError(): number {
    const st = this.st;
    if (st.lostPending) { st.lostPending = false; return GL.CONTEXT_LOST_WEBGL; }
    const it = st.errors.values().next();
    if (it.done) return GL.NO_ERROR;
    st.errors.delete(it.value);
    return it.value;
  }
  isContextLost(): boolean { return this.st.lost; }
  getContextAttributes(): WebGLContextAttributes | null { return this.st.lost ? null : { ...this.st.attrs }; }
  getSupportedExtensions(): string[] | null { return extensions.getSupportedExtensions(this.st); }
  getExtension(name: string): any { return extensions.getExtension(this.st, name); }
  getParameter(pname: number): any { return get.getParameter(this.st, pname); }

  // shaders.ts
  getShaderPrecisionFormat(shadertype: number, precisiontype: number): WebGLShaderPrecisionFormat | null { return shaders.getShaderPrecisionFormat(this.st, shadertype, precisiontype); }

  // state.ts
  isEnabled(cap: number): boolean { return state.isEnabled(this.st, cap); }
  enable(cap: number): void { state.enable(this.st, cap); }
  disable(cap: number): void { state.disable(this.st, cap); }
  hint(target: number, mode: number): void { state.hint(this.st, target, mode); }
  clearColor(r: number, g: number, b: number, a: number): void { state.clearColor(this.st, r, g, b, a); }
  clearDepth(d: number): void { state.clearDepth(this.st, d); }
  clearStencil(s: number): void { state.clearStencil(this.st, s); }
  colorMask(r: boolean, g: boolean, b: boolean, a: boolean): void { state.colorMask(this.st, r, g, b, a); }
  depthMask(flag: boolean): void { state.depthMask(this.st, flag); }
  depthFunc(func: number): void { state.depthFunc(this.st, func); }
  depthRange(n: number, f: number): void { state.depthRange(this.st, n, f); }
  viewport(x: number, y: number, w: number, h: number): void { state.viewport(this.st, x, y, w, h); }
  scissor(x: number, y: number, w: number, h: number): void { state.scissor(this.st, x, y, w, h); }
  cullFace(mode: number): void { state.cullFace(this.st, mode); }
  frontFace(mode: number): void { state.frontFace(this.st, mode); }
  lineWidth(w: number): void { state.lineWidth(this.st, w); }
  polygonOffset(factor: number, units: number): void { state.polygonOffset(this.st, factor, units); }
  sampleCoverage(value: number, invert: boolean): void { state.sampleCoverage(this.st, value, invert); }
  blendColor(r: number, g: number, b: number, a: number): void { state.blendColor(this.st, r, g, b, a); }
  blendEquation(mode: number): void { state.blendEquation(this.st, mode); }
  blendEquationSeparate(rgb: number, alpha: number): void { state.blendEquationSeparate(this.st, rgb, alpha); }
  blendFunc(s: number, d: number): void { state.blendFunc(this.st, s, d); }
  blendFuncSeparate(sr: number, dr: number, sa: number, da: number): void { state.blendFuncSeparate(this.st, sr, dr, sa, da); }
  stencilFunc(func: number, ref: number, mask: number): void { state.stencilFunc(this.st, func, ref, mask); }
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void { state.stencilFuncSeparate(this.st, face, func, ref, mask); }
  stencilMask(mask: number): void { state.stencilMask(this.st, mask); }
  stencilMaskSeparate(face: number, mask: number): void { state.stencilMaskSeparate(this.st, face, mask); }
  stencilOp(fail: number, zfail: number, zpass: number): void { state.stencilOp(this.st, fail, zfail, zpass); }
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void { state.stencilOpSeparate(this.st, face, fail, zfail, zpass); }
  pixelStorei(pname: number, param: number | boolean): void { state.pixelStorei(this.st, pname, param); }

  // buffers.ts
  createBuffer(): WebGLBuffer { return buffers.createBuffer(this.st); }
  isBuffer(b: WebGLBuffer | null): boolean { return buffers.isBuffer(this.st, b); }
  deleteBuffer(b: WebGLBuffer | null): void { buffers.deleteBuffer(this.st, b); }
  bindBuffer(target: number, b: WebGLBuffer | null): void { buffers.bindBuffer(this.st, target, b); }
  bufferData(target: number, dataOrSize: number | AllowSharedBufferSource | null, usage: number): void { buffers.bufferData(this.st, target, dataOrSize, usage); }
  bufferSubData(target: number, offset: number, data: AllowSharedBufferSource): void { buffers.bufferSubData(this.st, target, offset, data); }
  getBufferParameter(target: number, pname: number): any { return buffers.getBufferParameter(this.st, target, pname); }

  // varrays.ts
  enableVertexAttribArray(i: number): void { varrays.enableVertexAttribArray(this.st, i); }
  disableVertexAttribArray(i: number): void { varrays.disableVertexAttribArray(this.st, i); }
  vertexAttribPointer(i: number, size: number, type: number, normalized: boolean, stride: number, offset: number): void { varrays.vertexAttribPointer(this.st, i, size, type, normalized, stride, offset); }
  vertexAttrib1f(i: number, x: number): void { varrays.vertexAttrib1f(this.st, i, x); }
  vertexAttrib2f(i: number, x: number, y: number): void { varrays.vertexAttrib2f(this.st, i, x, y); }
  vertexAttrib3f(i: number, x: number, y: number, z: number): void { varrays.vertexAttrib3f(this.st, i, x, y, z); }
  vertexAttrib4f(i: number, x: number, y: number, z: number, w: number): void { varrays.vertexAttrib4f(this.st, i, x, y, z, w); }
  vertexAttrib1fv(i: number, v: Float32List): void { varrays.vertexAttrib1fv(this.st, i, v); }
  vertexAttrib2fv(i: number, v: Float32List): void { varrays.vertexAttrib2fv(this.st, i, v); }
  vertexAttrib3fv(i: number, v: Float32List): void { varrays.vertexAttrib3fv(this.st, i, v); }
  vertexAttrib4fv(i: number, v: Float32List): void { varrays.vertexAttrib4fv(this.st, i, v); }
  getVertexAttrib(i: number, pname: number): any { return varrays.getVertexAttrib(this.st, i, pname); }
  getVertexAttribOffset(i: number, pname: number): number { return varrays.getVertexAttribOffset(this.st, i, pname); }

  // shaders.ts
  createShader(type: number): WebGLShader | null { return shaders.createShader(this.st, type); }
  isShader(s: WebGLShader | null): boolean { return shaders.isShader(this.st, s); }
  deleteShader(s: WebGLShader | null): void { shaders.deleteShader(this.st, s); }
  shaderSource(s: WebGLShader, src: string): void { shaders.shaderSource(this.st, s, src); }
  getShaderSource(s: WebGLShader): string | null { return shaders.getShaderSource(this.st, s); }
  compileShader(s: WebGLShader): void { shaders.compileShader(this.st, s); }
  getShaderParameter(s: WebGLShader, pname: number): any { return shaders.getShaderParameter(this.st, s, pname); }
  getShaderInfoLog(s: WebGLShader): string | null { return shaders.getShaderInfoLog(this.st, s); }
  createProgram(): WebGLProgram { return shaders.createProgram(this.st); }
  isProgram(p: WebGLProgram | null): boolean { return shaders.isProgram(this.st, p); }
  deleteProgram(p: WebGLProgram | null): void { shaders.deleteProgram(this.st, p); }
  attachShader(p: WebGLProgram, s: WebGLShader): void { shaders.attachShader(this.st, p, s); }
  detachShader(p: WebGLProgram, s: WebGLShader): void { shaders.detachShader(this.st, p, s); }
  getAttachedShaders(p: WebGLProgram): WebGLShader[] | null { return shaders.getAttachedShaders(this.st, p); }
  bindAttribLocation(p: WebGLProgram, index: number, name: string): void { shaders.bindAttribLocation(this.st, p, index, name); }
  linkProgram(p: WebGLProgram): void { shaders.linkProgram(this.st, p); }
  validateProgram(p: WebGLProgram): void { shaders.validateProgram(this.st, p); }
  getProgramParameter(p: WebGLProgram, pname: number): any { return shaders.getProgramParameter(this.st, p, pname); }
  getProgramInfoLog(p: WebGLProgram): string | null { return shaders.getProgramInfoLog(this.st, p); }
  useProgram(p: WebGLProgram | null): void { shaders.useProgram(this.st, p); }
  getActiveAttrib(p: WebGLProgram, index: number): WebGLActiveInfo | null { return shaders.getActiveAttrib(this.st, p, index); }

  // uniforms.ts
  getActiveUniform(p: WebGLProgram, index: number): WebGLActiveInfo | null { return uniforms.getActiveUniform(this.st, p, index); }

  // shaders.ts
  getAttribLocation(p: WebGLProgram, name: string): number { return shaders.getAttribLocation(this.st, p, name); }

  // uniforms.ts
  getUniformLocation(p: WebGLProgram, name: string): WebGLUniformLocation | null { return uniforms.getUniformLocation(this.st, p, name); }
  getUniform(p: WebGLProgram, loc: WebGLUniformLocation): any { return uniforms.getUniform(this.st, p, loc); }
  uniform1f(l: WebGLUniformLocation | null, x: number): void { uniforms.uniform1f(this.st, l, x); }
  uniform2f(l: WebGLUniformLocation | null, x: number, y: number): void { uniforms.uniform2f(this.st, l, x, y); }
  uniform3f(l: WebGLUniformLocation | null, x: number, y: number, z: number): void { uniforms.uniform3f(this.st, l, x, y, z); }
  uniform4f(l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { uniforms.uniform4f(this.st, l, x, y, z, w); }
  uniform1i(l: WebGLUniformLocation | null, x: number): void { uniforms.uniform1i(this.st, l, x); }
  uniform2i(l: WebGLUniformLocation | null, x: number, y: number): void { uniforms.uniform2i(this.st, l, x, y); }
  uniform3i(l: WebGLUniformLocation | null, x: number, y: number, z: number): void { uniforms.uniform3i(this.st, l, x, y, z); }
  uniform4i(l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { uniforms.uniform4i(this.st, l, x, y, z, w); }
  uniform1fv(l: WebGLUniformLocation | null, v: Float32List): void { uniforms.uniform1fv(this.st, l, v); }
  uniform2fv(l: WebGLUniformLocation | null, v: Float32List): void { uniforms.uniform2fv(this.st, l, v); }
  uniform3fv(l: WebGLUniformLocation | null, v: Float32List): void { uniforms.uniform3fv(this.st, l, v); }
  uniform4fv(l: WebGLUniformLocation | null, v: Float32List): void { uniforms.uniform4fv(this.st, l, v); }
  uniform1iv(l: WebGLUniformLocation | null, v: Int32List): void { uniforms.uniform1iv(this.st, l, v); }
  uniform2iv(l: WebGLUniformLocation | null, v: Int32List): void { uniforms.uniform2iv(this.st, l, v); }
  uniform3iv(l: WebGLUniformLocation | null, v: Int32List): void { uniforms.uniform3iv(this.st, l, v); }
  uniform4iv(l: WebGLUniformLocation | null, v: Int32List): void { uniforms.uniform4iv(this.st, l, v); }
  uniformMatrix2fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { uniforms.uniformMatrix2fv(this.st, l, t, v); }
  uniformMatrix3fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { uniforms.uniformMatrix3fv(this.st, l, t, v); }
  uniformMatrix4fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { uniforms.uniformMatrix4fv(this.st, l, t, v); }

  // textures.ts
  createTexture(): WebGLTexture { return textures.createTexture(this.st); }
  isTexture(t: WebGLTexture | null): boolean { return textures.isTexture(this.st, t); }
  deleteTexture(t: WebGLTexture | null): void { textures.deleteTexture(this.st, t); }
  activeTexture(unit: number): void { textures.activeTexture(this.st, unit); }
  bindTexture(target: number, t: WebGLTexture | null): void { textures.bindTexture(this.st, target, t); }
  texParameterf(target: number, pname: number, param: number): void { textures.texParameterf(this.st, target, pname, param); }
  texParameteri(target: number, pname: number, param: number): void { textures.texParameteri(this.st, target, pname, param); }
  getTexParameter(target: number, pname: number): any { return textures.getTexParameter(this.st, target, pname); }
  texImage2D(...args: any[]): void { textures.texImage2D(this.st, ...args); }
  texSubImage2D(...args: any[]): void { textures.texSubImage2D(this.st, ...args); }
  generateMipmap(target: number): void { textures.generateMipmap(this.st, target); }
  copyTexImage2D(target: number, level: number, internalformat: number, x: number, y: number, w: number, h: number, border: number): void { textures.copyTexImage2D(this.st, target, level, internalformat, x, y, w, h, border); }
  copyTexSubImage2D(target: number, level: number, xoff: number, yoff: number, x: number, y: number, w: number, h: number): void { textures.copyTexSubImage2D(this.st, target, level, xoff, yoff, x, y, w, h); }
  compressedTexImage2D(...args: any[]): void { compressed.compressedTexImage2D(this.st, args); }
  compressedTexSubImage2D(...args: any[]): void { compressed.compressedTexSubImage2D(this.st, args); }

  // framebuffers.ts
  createRenderbuffer(): WebGLRenderbuffer { return framebuffers.createRenderbuffer(this.st); }
  createFramebuffer(): WebGLFramebuffer { return framebuffers.createFramebuffer(this.st); }
  isRenderbuffer(r: WebGLRenderbuffer | null): boolean { return framebuffers.isRenderbuffer(this.st, r); }
  isFramebuffer(f: WebGLFramebuffer | null): boolean { return framebuffers.isFramebuffer(this.st, f); }
  bindRenderbuffer(target: number, r: WebGLRenderbuffer | null): void { framebuffers.bindRenderbuffer(this.st, target, r); }
  deleteRenderbuffer(r: WebGLRenderbuffer | null): void { framebuffers.deleteRenderbuffer(this.st, r); }
  renderbufferStorage(target: number, internalformat: number, w: number, h: number): void { framebuffers.renderbufferStorage(this.st, target, internalformat, w, h); }
  getRenderbufferParameter(target: number, pname: number): any { return framebuffers.getRenderbufferParameter(this.st, target, pname); }
  bindFramebuffer(target: number, f: WebGLFramebuffer | null): void { framebuffers.bindFramebuffer(this.st, target, f); }
  deleteFramebuffer(f: WebGLFramebuffer | null): void { framebuffers.deleteFramebuffer(this.st, f); }
  framebufferRenderbuffer(target: number, attachment: number, rbtarget: number, r: WebGLRenderbuffer | null): void { framebuffers.framebufferRenderbuffer(this.st, target, attachment, rbtarget, r); }
  framebufferTexture2D(target: number, attachment: number, textarget: number, t: WebGLTexture | null, level: number): void { framebuffers.framebufferTexture2D(this.st, target, attachment, textarget, t, level); }
  getFramebufferAttachmentParameter(target: number, attachment: number, pname: number): any { return framebuffers.getFramebufferAttachmentParameter(this.st, target, attachment, pname); }
  checkFramebufferStatus(target: number): number { return framebuffers.checkFramebufferStatus(this.st, target); }

  // draw.ts
  clear(mask: number): void { draw.clear(this.st, mask); }
  drawArrays(mode: number, first: number, count: number): void { draw.drawArrays(this.st, mode, first, count); }
  drawElements(mode: number, count: number, type: number, offset: number): void { draw.drawElements(this.st, mode, count, type, offset); }

  // readpix.ts
  readPixels(x: number, y: number, w: number, h: number, format: number, type: number, pixels: ArrayBufferView | null): void { readpix.readPixels(this.st, x, y, w, h, format, type, pixels); }

  flush(): void { if (!this.st.lost) this.st.gpu.flush(); }
  finish(): void { if (!this.st.lost) this.st.gpu.finish(); }

  /** The drawing buffer as RGBA8 with row 0 at the top (image order), e.g. for PNG. */
  readDrawingBuffer(): Uint8Array {
    const st = this.st;
    const fb = st.framebuffer;
    st.framebuffer = null;
    try {
      const W = st.width, H = st.height;
      const out = new Uint8Array(W * H * 4);
      const px = st.lost ? null : readpix.readRgba(st, 0, 0, W, H);
      if (!px) return out; // a lost context has no picture to give
      for (let y = 0; y < H; y++) out.set(px.subarray((H - 1 - y) * W * 4, (H - y) * W * 4), y * W * 4);
      return out;
    } finally { st.framebuffer = fb; }
  }

  /**
   * Not WebGL — presentation for a KMS client, as eglSwapBuffers on a GBM
   * surface with a native fence: ends the frame, returns the buffer just
   * rendered (its GEM handle on the render node; rows top-down as GL's
   * bottom-up rows land in memory order, so a scan-out shows the image
   * upside down unless the client flips y) with a sync_file fd that signals
   * when its rendering completes, and makes the next of `count` buffers the
   * drawing buffer. The caller must not reuse a buffer still on screen: with
   * `count` buffers, at most count - 1 may be queued or shown.
   */
  akariSwapBuffers(count = 3): { handle: number; dmabufFd: number; width: number; height: number; stride: number; format: 'rgba8_unorm'; fenceFd: number } {
    const st = this.st;
    st.gpu.flush();
    const color = st.defaultSurface.color!;
    const fenceFd = st.gpu.exportFence();
    if (!st.swapChain.length) st.swapChain.push(color.bo);
    const idx = st.swapChain.indexOf(color.bo);
    let next: Bo;
    if (st.swapChain.length < count) { next = st.gpu.allocBo(st.width * st.height * 4, 'rw'); st.swapChain.push(next); }
    else next = st.swapChain[(idx + 1) % st.swapChain.length]!;
    st.defaultSurface = { ...st.defaultSurface, color: { ...color, bo: next } };
    // reap submissions older than the whole chain: they finished before their buffer was shown
    st.swapSeqs.push(st.gpu.submitted);
    if (st.swapSeqs.length > count) st.gpu.waitSeq(st.swapSeqs.shift()!);
    // gbm_bo_get_fd: one dma-buf per buffer, exported once
    let dmabufFd = st.swapFds.get(color.bo);
    if (dmabufFd === undefined) st.swapFds.set(color.bo, (dmabufFd = st.gpu.dev.drm.primeHandleToFd(color.bo.handle)));
    return { handle: color.bo.handle, dmabufFd, width: st.width, height: st.height, stride: color.stride, format: 'rgba8_unorm', fenceFd };
  }

  /**
   * Not WebGL — EGL_ANDROID_native_fence_sync's eglWaitSyncKHR: the next
   * rendering waits on the GPU for a sync_file (a KMS out-fence, say) without
   * blocking the CPU. The fd stays the caller's.
   */
  akariWaitSync(syncFileFd: number): void { this.st.gpu.waitSyncFile(syncFileFd); }

  /**
   * Frees the context's GPU objects and ends its machine (STACKGL_destroy_context's equivalent);
   * the context then behaves as a lost one. Calling it twice does nothing.
   */
  destroy(): void {
    const st = this.st;
    if (st.destroyed) return;
    st.destroyed = true;
    st.lost = true;
    st.gpu.destroy();
  }
}

Object.assign(AkariWebGLRenderingContext.prototype, GL);
// WebIDL argument conversions for every WebGL 1.0 entry point, from the IDL (idl.ts, bindings.ts)
installBindings(AkariWebGLRenderingContext.prototype as unknown as Record<string, unknown>, 'WebGLRenderingContext', WEBGL1_IDL);
