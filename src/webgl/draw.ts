/**
 * Clears and draws (Mesa's clear.c, draw.c and the st_atom_* that turn GL
 * state into pipe state): validate the call as WebGL 1.0 and ES 2.0 say
 * (modes, counts, index types, the program, the framebuffer, feedback
 * loops, attribute ranges), then hand the driver the pipe state it needs —
 * the render state, vertex elements, each stage's uniforms and sampler
 * views — in its own terms (umd/pipe/pipe.ts). Nothing here packs hardware
 * words.
 */
import { GL, GL2 } from './constants.js';
import { type GLContext, isOom } from './glcontext.js';
import { AkBuffer, stateOf, type AkProgram, type VertexAttrib } from './objects.js';
import { ATTRIB_SLOTS, BLEND_EQUATIONS, BLEND_FACTORS, COMPARE_NAMES, PACKED_TYPES, STENCIL_OPS, UNIFORM_TYPES, elementBytes, samplerTarget } from './enums.js';
import { bufferBo } from './buffers.js';
import { bindingBytes, captureStrides, captureTarget } from './transform-feedback.js';
import { bindings, samplerView } from './textures.js';
import { currentSurface, drawBufferMask, integerDrawBuffers, surfaceBits } from './framebuffers.js';
import { f32ToBits } from '../base/bits.js';
import { PRIMITIVE } from '../hwdesc/descriptors.js';
import type { Stage } from '../umd/compiler/program.js';
import { zsHasStencil, type Surface } from '../umd/pipe/gpu.js';
import type { ClearRequest, DrawInfo, PipeFramebuffer, RenderState, ShaderState, StencilFace, VertexElement, VertexType } from '../umd/pipe/pipe.js';

/** The current draw framebuffer as the driver sees it (null: incomplete). */
export function pipeFramebuffer(ctx: GLContext, s: Surface): PipeFramebuffer {
  const bits = surfaceBits(ctx);
  return { key: ctx.passKey(), surface: s, hasDepth: bits.d > 0, hasStencil: bits.s > 0 };
}

/** The drawing buffer without alpha (alpha: false) keeps alpha 1: its alpha channel is never written. */
function alphaForced(ctx: GLContext): boolean { return !ctx.framebuffer && !ctx.attrs.alpha; }

/** The colour channels written under the colour mask (bit 0 red .. bit 3 alpha). */
function colorWriteMask(ctx: GLContext): number {
  const cm = ctx.colorMask;
  return (cm[0] ? 1 : 0) | (cm[1] ? 2 : 0) | (cm[2] ? 4 : 0) | (cm[3] && !alphaForced(ctx) ? 8 : 0);
}

/** The scissor box clamped to the surface, as [minx, miny, maxx, maxy). */
function scissorRect(ctx: GLContext, s: Surface): [number, number, number, number] {
  const [sx, sy, sw, sh] = ctx.scissor as [number, number, number, number];
  const cl = (v: number, m: number) => Math.min(m, Math.max(0, v));
  return [cl(sx, s.width), cl(sy, s.height), cl(sx + sw, s.width), cl(sy + sh, s.height)];
}

/** GL state -> the pipe's render state (st_atom_rasterizer, _depth, _blend, _scissor, _viewport). */
export function renderState(ctx: GLContext, fb: PipeFramebuffer): RenderState {
  const s = fb.surface;
  const ref = (r: number) => Math.min(255, Math.max(0, r));
  const face = (i: 0 | 1): StencilFace => ({
    func: COMPARE_NAMES[ctx.stencilFunc[i]![0]!]!, ref: ref(ctx.stencilFunc[i]![1]!), valueMask: ctx.stencilFunc[i]![2]! & 255,
    writeMask: ctx.stencilWriteMask[i]! & 255,
    fail: STENCIL_OPS[ctx.stencilOp[i]![0]!]!, zfail: STENCIL_OPS[ctx.stencilOp[i]![1]!]!, zpass: STENCIL_OPS[ctx.stencilOp[i]![2]!]!,
  });
  const bf = ctx.blendFunc;
  return {
    cull: ctx.caps.get(GL.CULL_FACE) ? (ctx.cullFace === GL.FRONT ? 'front' : ctx.cullFace === GL.BACK ? 'back' : 'front_and_back') : 'none',
    frontCcw: ctx.frontFace === GL.CCW,
    depthTest: !!s.zs && fb.hasDepth && !!ctx.caps.get(GL.DEPTH_TEST),
    depthWrite: ctx.depthMask,
    depthFunc: COMPARE_NAMES[ctx.depthFunc]!,
    depthRange: [ctx.depthRange[0]!, ctx.depthRange[1]!],
    stencilTest: !!s.zs && zsHasStencil(s.zs.format) && fb.hasStencil && !!ctx.caps.get(GL.STENCIL_TEST),
    stencil: [face(0), face(1)],
    blend: !!ctx.caps.get(GL.BLEND),
    blendEquation: [BLEND_EQUATIONS[ctx.blendEquation[0]!]!, BLEND_EQUATIONS[ctx.blendEquation[1]!]!],
    blendFactors: [BLEND_FACTORS[bf[0]!]!, BLEND_FACTORS[bf[1]!]!, BLEND_FACTORS[bf[2]!]!, BLEND_FACTORS[bf[3]!]!],
    blendColor: ctx.blendColor,
    colorMask: colorWriteMask(ctx),
    scissorTest: !!ctx.caps.get(GL.SCISSOR_TEST),
    scissor: scissorRect(ctx, s),
    viewport: [ctx.viewport[0]!, ctx.viewport[1]!, ctx.viewport[2]!, ctx.viewport[3]!],
    polygonOffset: !!ctx.caps.get(GL.POLYGON_OFFSET_FILL),
    polygonOffsetFactor: ctx.polygonOffset[0]!, polygonOffsetUnits: ctx.polygonOffset[1]!,
    lineWidth: ctx.lineWidth,
    // glEnable(GL_CLIP_PLANEi) of the compatibility state (a vertex shader without clip distances ignores it)
    clipEnable: ctx.compat.clipEnableMask(),
    flatColors: ctx.compat.flatShading(),
    drawBuffers: drawBufferMask(ctx),
    ...sampleCoverageState(ctx),
  };
}

/**
 * ES 3.0 § 4.1.3's multisample fragment operations (the hardware applies them on a multisampled target
 * only, as the specification does when SAMPLE_BUFFERS is 1). SAMPLE_COVERAGE: a mask with
 * round(value * 4) of the 4 samples set — the first ones, so a value and its inverse cover
 * complementary samples — inverted with SAMPLE_COVERAGE_INVERT.
 */
function sampleCoverageState(ctx: GLContext): Pick<RenderState, 'sampleMask' | 'alphaToCoverage'> {
  const out: Pick<RenderState, 'sampleMask' | 'alphaToCoverage'> = {};
  if (ctx.caps.get(GL.SAMPLE_COVERAGE)) {
    const [value, invert] = ctx.sampleCoverage;
    const mask = (1 << Math.round(value * 4)) - 1;
    out.sampleMask = invert ? ~mask & 0xf : mask;
  }
  if (ctx.caps.get(GL.SAMPLE_ALPHA_TO_COVERAGE)) out.alphaToCoverage = true;
  return out;
}

export function clear(ctx: GLContext, mask: number): void {
  if (ctx.lost) return;
  if (mask & ~(GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return ctx.err(GL.INVALID_VALUE);
  // WebGL 2.0 (its clear rules for integer buffers): clear() with an integer colour buffer as a draw buffer is INVALID_OPERATION
  if (ctx.version === 2 && mask & GL.COLOR_BUFFER_BIT && currentSurface(ctx) && integerDrawBuffers(ctx).mask & drawBufferMask(ctx)) return ctx.err(GL.INVALID_OPERATION);
  clearBuffers(ctx, mask & GL.COLOR_BUFFER_BIT ? ctx.clearColor : null, mask & GL.DEPTH_BUFFER_BIT ? ctx.clearDepth : null, mask & GL.STENCIL_BUFFER_BIT ? ctx.clearStencil : null);
}

/**
 * Clears the draw framebuffer's colour (to `color`), depth and stencil (null: that buffer is not
 * cleared) under the masks, scissor and RASTERIZER_DISCARD, as glClear and WebGL 2's clearBuffer* do.
 */
export function clearBuffers(ctx: GLContext, color: number[] | null, depth: number | null, stencil: number | null, onlyDrawBuffer = -1, colorWords = false): void {
  const s = currentSurface(ctx);
  if (!s) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  // ES 3.0 § 4.2.3: RASTERIZER_DISCARD discards clears too
  if (rasterizerDiscard(ctx)) return;
  const fb = pipeFramebuffer(ctx, s);
  // Masks apply to clears (ES 2.0 §4.2.2): a fully masked buffer is not touched at all.
  const colorMask = colorWriteMask(ctx);
  // colour buffers: the draw buffers that are not NONE and have something attached
  // (clearBuffer*(COLOR, i): draw buffer i alone)
  const drawBuffers = drawBufferMask(ctx) & (onlyDrawBuffer >= 0 ? 1 << onlyDrawBuffer : 0xff);
  const attached = [s.color, ...(s.colors ?? [])].reduce((m, c, i) => (c ? m | (1 << i) : m), 0);
  const wantColor = color !== null && (attached & drawBuffers) !== 0 && colorMask !== 0;
  const wantDepth = depth !== null && fb.hasDepth && ctx.depthMask;
  const wantStencil = stencil !== null && fb.hasStencil && (ctx.stencilWriteMask[0]! & 255) !== 0;
  if (!wantColor && !wantDepth && !wantStencil) return;
  const scissorTest = !!ctx.caps.get(GL.SCISSOR_TEST);
  if (scissorTest && (ctx.scissor[2] === 0 || ctx.scissor[3] === 0)) return;
  const cc = [...(color ?? ctx.clearColor)];
  if (alphaForced(ctx) && !colorWords) cc[3] = 1;
  const req: ClearRequest = {
    color: wantColor ? cc : null, ...(colorWords ? { colorWords } : {}), colorMask, colorChannels: alphaForced(ctx) ? 7 : 15,
    depth: wantDepth ? depth : null, stencil: wantStencil ? stencil! & 255 : null,
    stencilWriteMask: ctx.stencilWriteMask[0]! & 255, scissorTest, scissor: scissorRect(ctx, s), drawBuffers,
  };
  ctx.pipe.clear(fb, req);
}

export function drawArrays(ctx: GLContext, mode: number, first: number, count: number): void { drawArraysInstanced(ctx, mode, first, count, 1, false); }
export function drawElements(ctx: GLContext, mode: number, count: number, type: number, offset: number): void { drawElementsInstanced(ctx, mode, count, type, offset, 1, false); }

/**
 * ANGLE_instanced_arrays (WebGL 1): the instanced draws need an enabled array the program reads with divisor 0 — "INVALID_OPERATION
 * is generated ... if none of the enabled attributes have a VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE of zero". WebGL 2
 * dropped the rule.
 */
function instancedDivisorsOk(ctx: GLContext): boolean {
  if (ctx.version !== 1) return true;
  // the attributes the program reads (an enabled array it does not read does not count: the CTS page
  // extensions/angle-instanced-arrays.html leaves one enabled with divisor 0 and expects the error)
  return (ctx.programExecutable ?? ctx.program)!.linked!.attributes.some((a) => {
    if (a.conventional) return false;
    const n = ATTRIB_SLOTS[a.type] ?? 1;
    for (let k = 0; k < n; k++) { const at = ctx.vao.attribs[a.slot + k]; if (at?.enabled && at.divisor === 0) return true; }
    return false;
  });
}

/** drawArrays, and ANGLE_instanced_arrays' drawArraysInstancedANGLE when `inst`. */
export function drawArraysInstanced(ctx: GLContext, mode: number, first: number, count: number, instances: number, inst: boolean): void {
  if (ctx.lost) return;
  if (mode < GL.POINTS || mode > GL.TRIANGLE_FAN) return ctx.err(GL.INVALID_ENUM);
  if (first < 0 || count < 0 || (inst && instances < 0)) return ctx.err(GL.INVALID_VALUE);
  const pre = drawPrecheck(ctx);
  if (!pre) return;
  if (inst && !instancedDivisorsOk(ctx)) return ctx.err(GL.INVALID_OPERATION);
  const captured = captureCheck(ctx, mode, count, instances);
  if (captured < 0) return ctx.err(GL.INVALID_OPERATION);
  // nothing is drawn with no vertices or instances: no vertex is fetched, so no range can be exceeded
  // (draw-arrays-out-of-bounds.html: drawArrays(TRIANGLES, 100, 0) is NO_ERROR)
  if (!checkAttribRanges(ctx, first + count, instances, count > 0 && instances > 0)) return;
  if (count === 0 || instances === 0) return;
  guardOom(ctx, () => emitDraw(ctx, pre, { primitive: PRIMITIVE[mode]!, first, count, instances }, captured));
}

/** Vertices a draw of `count` vertices in GL mode `mode` assembles into whole primitives (points, lines, triangles). */
function primitiveVertices(mode: number, count: number): number {
  return mode === GL.POINTS ? count : mode === GL.LINES ? count - (count % 2) : mode === GL.TRIANGLES ? count - (count % 3) : 0;
}

/**
 * ES 3.0 § 2.15.2 for a drawArrays while transform feedback is active and not paused: the mode must be
 * BeginTransformFeedback's, and every buffer must have room for all the vertices it records. Returns the
 * vertices it records (0 when nothing is captured), or -1 for INVALID_OPERATION.
 */
function captureCheck(ctx: GLContext, mode: number, count: number, instances: number): number {
  const tf = ctx.transformFeedback;
  if (!tf.active || tf.paused || !tf.program) return 0;
  if (mode !== tf.primitiveMode) return -1;
  const n = primitiveVertices(mode, count) * Math.max(0, instances);
  const strides = captureStrides(tf.program);
  for (let i = 0; i < strides.length; i++) if ((tf.vertices + n) * strides[i]! > bindingBytes(tf.buffers[i]!)) return -1;
  return n;
}

/** ES 3.0's RASTERIZER_DISCARD (a WebGL 2 capability): no fragments, no clears. */
const rasterizerDiscard = (ctx: GLContext): boolean => ctx.version === 2 && !!ctx.caps.get(GL2.RASTERIZER_DISCARD);

/** ES 3.0 § 2.8.3 DrawRangeElements: drawElements with a promise about the index range (end < start: INVALID_VALUE). */
export function drawRangeElements(ctx: GLContext, mode: number, start: number, end: number, count: number, type: number, offset: number): void {
  if (ctx.lost) return;
  if (end < start) return ctx.err(GL.INVALID_VALUE);
  drawElementsInstanced(ctx, mode, count, type, offset, 1, false);
}

/** drawElements, and ANGLE_instanced_arrays' drawElementsInstancedANGLE (WebGL 2's drawElementsInstanced) when `inst`. */
export function drawElementsInstanced(ctx: GLContext, mode: number, count: number, type: number, offset: number, instances: number, inst: boolean): void {
  if (ctx.lost) return;
  if (mode < GL.POINTS || mode > GL.TRIANGLE_FAN) return ctx.err(GL.INVALID_ENUM);
  const size = type === GL.UNSIGNED_BYTE ? 1 : type === GL.UNSIGNED_SHORT ? 2 : type === GL.UNSIGNED_INT && (ctx.version === 2 || ctx.hasExt('OES_element_index_uint')) ? 4 : 0;
  if (!size) return ctx.err(GL.INVALID_ENUM);
  if (count < 0 || offset < 0 || (inst && instances < 0)) return ctx.err(GL.INVALID_VALUE);
  if (offset % size) return ctx.err(GL.INVALID_OPERATION);
  const eb = ctx.vao.elementBuffer;
  if (!eb) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 2.15.2: transform feedback records non-indexed draws only
  if (ctx.version === 2 && ctx.transformFeedback.active && !ctx.transformFeedback.paused) return ctx.err(GL.INVALID_OPERATION);
  if (count > 0 && instances !== 0 && offset + count * size > eb.size) return ctx.err(GL.INVALID_OPERATION);
  const pre = drawPrecheck(ctx);
  if (!pre) return;
  if (inst && !instancedDivisorsOk(ctx)) return ctx.err(GL.INVALID_OPERATION);
  let maxIndex = -1;
  const dv = new DataView(eb.data.buffer, eb.data.byteOffset, eb.data.byteLength);
  // WebGL 2 always has PRIMITIVE_RESTART_FIXED_INDEX (WebGL 2.0 § 5.18): the all-ones index restarts the
  // primitive and fetches nothing, so it is no vertex the attribute ranges must hold (DRAW primitive_restart)
  const restart = ctx.version === 2 ? 2 ** (8 * size) - 1 : -1;
  for (let i = 0; i < count; i++) {
    const o = offset + i * size;
    const v = size === 1 ? eb.data[o]! : size === 2 ? dv.getUint16(o, true) : dv.getUint32(o, true);
    if (v !== restart && v > maxIndex) maxIndex = v;
  }
  if (!checkAttribRanges(ctx, maxIndex + 1, instances, count > 0 && instances > 0)) return;
  if (count === 0 || instances === 0) return;
  guardOom(ctx, () => {
    const ebo = bufferBo(ctx, eb);
    emitDraw(ctx, pre, { primitive: PRIMITIVE[mode]!, first: offset / size, count, instances, index: { bo: ebo, size: size as 1 | 2 | 4, ...(ctx.version === 2 ? { restart: true } : {}) } });
  });
}

/**
 * WEBGL_multi_draw: `drawcount` draws in one call, draw i seeing gl_DrawID = i (GL_ANGLE_multi_draw).
 * `lists` are the call's per-draw lists (firsts or counts or offsets or instance counts) with their
 * offsets; each must hold `drawcount` entries from its offset. As in Chromium and WebKit: a negative
 * drawcount is INVALID_VALUE, a list too short INVALID_OPERATION, and nothing is drawn then.
 */
export function multiDraw(ctx: GLContext, drawcount: number, lists: ReadonlyArray<[ArrayLike<number>, number]>, draw: (i: number) => void): void {
  if (ctx.lost) return;
  if (drawcount < 0) return ctx.err(GL.INVALID_VALUE);
  for (const [list, offset] of lists) if (drawcount > list.length || offset > list.length - drawcount) return ctx.err(GL.INVALID_OPERATION);
  try {
    for (let i = 0; i < drawcount; i++) { ctx.drawId = i; draw(i); }
  } finally { ctx.drawId = 0; }
}

function guardOom(ctx: GLContext, fn: () => void): void {
  try { fn(); } catch (e) { if (!isOom(e)) throw e; ctx.err(GL.OUT_OF_MEMORY); }
}

function drawPrecheck(ctx: GLContext): { p: AkProgram; s: Surface } | null {
  const p = ctx.programExecutable ?? ctx.program;
  if (!p || !p.linkStatus || !p.vertex || !p.fragment) { ctx.err(GL.INVALID_OPERATION); return null; }
  const s = currentSurface(ctx);
  if (!s) { ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION); return null; }
  // WebGL 1.0 § 6.11: front and back must share the stencil write mask, reference and value mask, or the draw fails
  // (the hardware has one of each face, but WebGL leaves the split undefined on D3D-era hardware; misc/webgl-specific.html)
  const [ff, bf] = ctx.stencilFunc;
  const split = ctx.stencilWriteMask[0] !== ctx.stencilWriteMask[1] || ff![1] !== bf![1] || ff![2] !== bf![2];
  if (split && !ctx.compatProfile) { ctx.err(GL.INVALID_OPERATION); return null; } // OpenGL itself allows the split
  // Blending into a 32-bit float colour buffer needs EXT_float_blend (its WebGL text: INVALID_OPERATION without it)
  if (ctx.caps.get(GL.BLEND) && s.color?.format === 'rgba32f' && !ctx.hasExt('EXT_float_blend')) {
    ctx.err(GL.INVALID_OPERATION);
    return null;
  }
  if (!uniformBuffersOk(ctx, p)) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (ctx.version === 2 && !outputTypesMatch(ctx, p)) { ctx.err(GL.INVALID_OPERATION); return null; }
  // A texture both sampled and rendered to is a feedback loop (WebGL 1.0 §6.26).
  if (ctx.framebuffer?.color?.tex) {
    const t = ctx.framebuffer.color.tex;
    for (const u of p.linked!.uniforms) {
      const ty = UNIFORM_TYPES[u.type];
      if (ty?.base !== 's') continue;
      for (let e = 0; e < u.size; e++) {
        const unit = p.samplerUnits.get(`${u.name}#${e}`) ?? 0;
        if (bindings(ctx, samplerTarget(u.type))[unit] === t) { ctx.err(GL.INVALID_OPERATION); return null; }
      }
    }
  }
  return { p, s };
}

/**
 * WebGL 2.0 (§ 5.x, "fragment shader output types"): every active draw buffer with an image that a
 * declared fragment output reaches must be of that output's kind — float outputs to fixed-point and
 * float buffers, int to signed integer, uint to unsigned integer (ES 3.0 leaves such writes
 * undefined). A draw buffer no output reaches is not checked.
 */
function outputTypesMatch(ctx: GLContext, p: AkProgram): boolean {
  const k = p.fragOutputKinds;
  const declaredMask = k.float | k.int | k.uint;
  if (!declaredMask) return true;
  const active = drawBufferMask(ctx) & declaredMask;
  if (!active) return true;
  const s = currentSurface(ctx);
  const attached = [s?.color, ...(s?.colors ?? [])].reduce((m, c, i) => (c ? m | (1 << i) : m), 0);
  const integer = integerDrawBuffers(ctx), signed = integer.signed, unsigned = integer.mask & ~integer.signed;
  const floats = attached & ~integer.mask;
  return !(active & ((k.float & ~floats) | (k.int & ~signed) | (k.uint & ~unsigned)) & attached);
}

/**
 * WebGL 2.0's uniform buffer rules (where ES 3.0 leaves shader results undefined): every active
 * uniform block of the program needs a buffer at its binding whose bound range holds the block's
 * data (UNIFORM_BLOCK_DATA_SIZE), and that buffer may not be one transform feedback is writing.
 */
function uniformBuffersOk(ctx: GLContext, p: AkProgram): boolean {
  const blocks = p.linked!.uniformBlocks;
  if (!blocks) return true;
  const tf = ctx.transformFeedback;
  for (let i = 0; i < blocks.length; i++) {
    const b = ctx.uniformBuffers[p.blockBindings[i] ?? 0];
    if (!b?.buffer) return false;
    if (boundRangeBytes(b) < blocks[i]!.dataSize) return false;
    if (tf.active && tf.buffers.some((x) => x.buffer === b.buffer)) return false;
  }
  return true;
}

/** The bytes an indexed binding offers: the range asked for, as far as the buffer's current size reaches (bindBufferBase: all of it). */
function boundRangeBytes(b: { buffer: { size: number } | null; offset: number; size: number }): number {
  if (!b.buffer) return 0;
  const rest = b.buffer.size - b.offset;
  return Math.max(0, b.size < 0 ? rest : Math.min(b.size, rest));
}

function checkAttribRanges(ctx: GLContext, vertices: number, instances: number, ranges = true): boolean {
  const p = (ctx.programExecutable ?? ctx.program)!;
  // WebGL 1.0 § 6.5 (WebGL 2.0 keeps it): an array enabled with no buffer bound fails the draw even when the
  // program does not read that attribute
  if (!ctx.compatProfile && ctx.vao.attribs.some((at) => at?.enabled && !at.buffer)) { ctx.err(GL.INVALID_OPERATION); return false; }
  for (const a of p.linked!.attributes) {
    const n = ATTRIB_SLOTS[a.type] ?? 1;
    for (let k = 0; k < n; k++) {
      const at = a.conventional ? conventionalArray(ctx, a.name) : ctx.vao.attribs[a.slot + k];
      if (at === null) { ctx.err(GL.INVALID_OPERATION); return false; }
      // WebGL 2.0 § 5.20: the shader's base type (float, int, uint) must match the array's (vertexAttribPointer:
      // float; vertexAttribIPointer: int/uint by its type) or the current value's (vertexAttrib*, vertexAttribI4i*, vertexAttribI4ui*)
      if (ctx.version === 2 && !a.conventional) {
        const want = attribBaseType(a.type);
        const have = at?.enabled ? (at.integer ? (UNSIGNED_TYPES.includes(at.type) ? 'u' : 'i') : 'f') : ctx.currentAttribKind[a.slot + k];
        if (want !== have) { ctx.err(GL.INVALID_OPERATION); return false; }
      }
      if (!at?.enabled) continue;
      if (!at.buffer) { ctx.err(GL.INVALID_OPERATION); return false; }
      if (!ranges) continue;
      const elems = at.divisor ? Math.ceil(instances / at.divisor) : vertices;
      if (elems <= 0) continue;
      const stride = at.stride || elementBytes(at.size, at.type);
      const need = at.offset + (elems - 1) * stride + elementBytes(at.size, at.type);
      if (need > at.buffer.size) { ctx.err(GL.INVALID_OPERATION); return false; }
    }
  }
  return true;
}

const INT_TYPES = [GL.INT, GL.INT_VEC2, GL.INT_VEC3, GL.INT_VEC4] as number[];
const UINT_TYPES = [GL.UNSIGNED_INT, GL2.UNSIGNED_INT_VEC2, GL2.UNSIGNED_INT_VEC3, GL2.UNSIGNED_INT_VEC4] as number[];
const UNSIGNED_TYPES = [GL.UNSIGNED_BYTE, GL.UNSIGNED_SHORT, GL.UNSIGNED_INT] as number[];
/** An attribute type's base: 'f' (float vectors and matrices), 'i' or 'u'. */
const attribBaseType = (type: number): 'f' | 'i' | 'u' => (INT_TYPES.includes(type) ? 'i' : UINT_TYPES.includes(type) ? 'u' : 'f');

/**
 * The fixed-function array feeding a conventional attribute, shaped like a generic one;
 * undefined when disabled (the current value is used), null when its buffer is not usable.
 */
function conventionalArray(ctx: GLContext, name: string): VertexAttrib | null | undefined {
  const a = ctx.compat.array(name);
  if (!a) return undefined;
  // the page's handle, as glCompatibility's arrayPointer took it
  const b = stateOf(a.buffer, AkBuffer);
  if (!b || b.owner !== ctx.gen || b.deleted) return null;
  return { enabled: true, buffer: b, size: a.size, type: a.type, normalized: a.normalized, stride: a.stride, offset: a.offset, divisor: 0, integer: false } as VertexAttrib;
}

/** Writes the GL state behind a program's built-in uniforms into a stage's uniform words. */
function writeStateUniforms(ctx: GLContext, p: AkProgram, stage: Stage, buf: Uint32Array): void {
  for (const u of p.linked!.uniforms) {
    const place = u.driverState ? u[stage] : undefined;
    if (!place) continue;
    // GL_ANGLE_multi_draw's gl_DrawID: an int, the index of the draw within its multi-draw call
    if (u.name === 'gl_DrawID') { buf[place.offset] = ctx.drawId >>> 0; continue; }
    for (let e = 0; e < u.size; e++) {
      const v = ctx.compat.stateValue(u.name.endsWith('[0]') ? u.name.slice(0, -3) : u.name, e);
      if (!v) throw new Error(`internal error: no GL state behind built-in uniform ${u.name}`);
      const base = place.offset + e * place.stride;
      for (let k = 0; k < v.length && base + k < buf.length; k++) buf[base + k] = f32ToBits(v[k]!);
    }
  }
}

const VERTEX_TYPES: Record<number, VertexType> = {
  [GL.FLOAT]: 'f32', [GL.UNSIGNED_BYTE]: 'u8', [GL.BYTE]: 's8', [GL.UNSIGNED_SHORT]: 'u16', [GL.SHORT]: 's16',
  // WebGL 2 (ES 3.0 § 2.8)
  [GL.INT]: 's32', [GL.UNSIGNED_INT]: 'u32', [GL2.HALF_FLOAT]: 'f16',
  // packed 2_10_10_10 words: signed or unsigned fields (ATTRIBUTE packed)
  [GL2.INT_2_10_10_10_REV]: 's32', [GL2.UNSIGNED_INT_2_10_10_10_REV]: 'u32',
};

/** The vertex elements of the program's attribute slots (st_atom_array): slot N = generic attribute N. */
function vertexElements(ctx: GLContext, p: AkProgram): VertexElement[] {
  let slots = 0;
  const conventional = new Map<number, string>();
  for (const a of p.linked!.attributes) {
    slots = Math.max(slots, a.slot + (ATTRIB_SLOTS[a.type] ?? 1));
    if (a.conventional) conventional.set(a.slot, a.name);
  }
  const out: VertexElement[] = [];
  for (let i = 0; i < slots; i++) {
    // a conventional attribute's slot reads the fixed-function array or current value, never generic state
    const conv = conventional.get(i);
    const at: VertexAttrib | undefined = conv ? (conventionalArray(ctx, conv) ?? undefined) : ctx.vao.attribs[i]!;
    const current = conv ? ctx.compat.currentValue(conv)! : ctx.currentAttrib[i]!;
    if (at?.enabled && at.buffer) {
      out.push({
        kind: 'array', bo: bufferBo(ctx, at.buffer), offset: at.offset, stride: at.stride || elementBytes(at.size, at.type), components: at.size,
        type: VERTEX_TYPES[at.type]!, normalized: at.normalized, divisor: at.divisor, bytes: Math.max(0, at.buffer.size - at.offset),
        ...(at.integer ? { integer: true } : {}), ...(PACKED_TYPES.includes(at.type) ? { packed: true } : {}),
      });
    } else {
      // vertexAttribI4i/ui keep the integers' bits in the current value
      const kind = conv ? 'f' : ctx.currentAttribKind[i]!;
      out.push({ kind: 'constant', value: new Float32Array(current), ...(kind !== 'f' ? { integer: kind } : {}) });
    }
  }
  return out;
}

/** A stage's uniforms (with the GL state behind built-ins written) and its samplers' views (st_atom_shader, _texture). */
function shaderState(ctx: GLContext, p: AkProgram, stage: Stage): ShaderState {
  const bin = p.linked![stage]!;
  const rt = p[stage]!;
  if (p.linked!.uniforms.some((u) => u.driverState && u[stage])) writeStateUniforms(ctx, p, stage, rt.uniforms);
  const samplers: Array<ShaderState['samplers'][number]> = Array.from({ length: bin.textureCount }, () => ({ view: null, dim: '2d' as const }));
  for (const u of p.linked!.uniforms) {
    const place = u[stage];
    if (place?.textureSlot === undefined) continue;
    for (let e = 0; e < u.size; e++) {
      const slot = place.textureSlot + e;
      if (slot >= bin.textureCount) continue;
      const unit = p.samplerUnits.get(`${u.name}#${e}`) ?? 0;
      const target = samplerTarget(u.type);
      const tex = bindings(ctx, target)[unit] ?? null;
      samplers[slot] = { view: samplerView(ctx, tex, target, unit), dim: target === GL.TEXTURE_CUBE_MAP ? 'cube' : target === GL2.TEXTURE_3D ? '3d' : target === GL2.TEXTURE_2D_ARRAY ? '2d_array' : '2d' };
    }
  }
  // uniform blocks (drawPrecheck found each backed by a large enough range): the hardware preloads their data
  const uniformRanges = bin.uniformBlocks.map((sb) => {
    const b = ctx.uniformBuffers[p.blockBindings[sb.block] ?? 0]!;
    return { bo: bufferBo(ctx, b.buffer!), offset: b.offset, uniform: sb.uniform, words: sb.words };
  });
  return { binary: bin, code: rt.codeBo, uniforms: rt.uniforms, samplers, ...(uniformRanges.length ? { uniformRanges } : {}) };
}

function emitDraw(ctx: GLContext, pre: { p: AkProgram; s: Surface }, info: DrawInfo, captured = 0): void {
  const xfb = captureTarget(ctx, ctx.activeQueries.get(GL2.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN)?.slot ?? null);
  // ES 3.0 § 3.1: with RASTERIZER_DISCARD nothing reaches the rasteriser: a draw that captures nothing does nothing
  const discard = rasterizerDiscard(ctx);
  if (discard && !xfb) return;
  ctx.drawsSubmitted++;
  const { p, s } = pre;
  const fb = pipeFramebuffer(ctx, s);
  const elements = vertexElements(ctx, p);
  const state = renderState(ctx, fb);
  // a draw buffer the program writes no output to keeps its contents (draw-buffers.html: gl_FragColor and a
  // single ES 3.00 output write colour number 0 only, and the other buffers stay as they were)
  const frag = p.linked?.fragment;
  if (frag) state.drawBuffers = (state.drawBuffers ?? 0xff) & frag.renderTargets;
  if (discard) state.rasterizerDiscard = true;
  if (xfb) { info.xfb = xfb; ctx.transformFeedback.vertices += captured; }
  // an occlusion query counts the samples that pass (ANY_SAMPLES_PASSED and _CONSERVATIVE share one)
  const occlusion = ctx.activeQueries.get(GL2.ANY_SAMPLES_PASSED)?.slot;
  if (occlusion && !discard) info.occlusion = occlusion;
  ctx.pipe.draw(fb, state, elements, shaderState(ctx, p, 'vertex'), shaderState(ctx, p, 'fragment'), info);
}
