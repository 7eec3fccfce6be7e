/**
 * blitFramebuffer's copy on the GPU (ES 3.0 § 4.3.3, WebGL 2.0 § 5.x), as Gallium's util_blitter
 * does it: a multisampled source is first resolved by the hardware (a render command with no draws
 * whose tiles load the samples and store their on-chip resolve, GpuContext.resolve); then each
 * destination buffer gets a quad drawn over the destination rectangle with the driver's own
 * program, which samples the source as a texture — texel centres for NEAREST, bilinear for LINEAR,
 * a flipped rectangle as reversed coordinates — and discards the pixels whose source lies outside
 * the read buffer (WebGL 2.0: they are left untouched). Depth is written from the source's depth
 * as gl_FragDepth; stencil, which no shader can write, bit by bit: a draw that zeroes the
 * destination's stencil, then one per bit that replaces it under write mask 1 << b where the
 * source's bit b is set (the source's stencil read as the low byte of its D24S8 words, or as the R8
 * texels of a DEPTH32F_STENCIL8 surface's stencil plane).
 * Only the pixel ownership and scissor tests apply (ES 3.0: blits bypass the fragment pipeline).
 */
import type { GLContext } from './glcontext.js';
import * as compiler from '../umd/compiler/index.js';
import type { StageBinary } from '../umd/compiler/index.js';
import { stageRuntime } from './shaders.js';
import type { ColorSurface, Surface } from '../umd/pipe/gpu.js';
import type { PipeFramebuffer, RenderState, SamplerView, ShaderState, StencilFace, TextureFormat, VertexElement } from '../umd/pipe/pipe.js';
import type { Bo } from '../umd/device.js';

/** What a blit's program writes: a float / normalized, signed or unsigned integer colour, depth, or stencil bit `bit` (-1: zero it). */
export type BlitKind = { kind: 'float' | 'int' | 'uint' | 'depth' } | { kind: 'stencil'; bit: number };

interface BlitProgram { vs: StageBinary; fs: StageBinary; vsCode: Bo; fsCode: Bo; vsUniforms: Uint32Array; fsUniforms: Uint32Array }

const programs = new WeakMap<GLContext, Map<string, BlitProgram>>();

const VS = `#version 300 es
in vec2 pos;
in vec2 xy;
out vec2 v_xy;
void main() { v_xy = xy; gl_Position = vec4(pos, 0.0, 1.0); }
`;

/** The fragment program: v_xy is the source position (in pixels) under the destination pixel's centre. */
function fragmentSource(k: BlitKind, linear: boolean): string {
  const sampler = k.kind === 'int' ? 'isampler2D' : k.kind === 'uint' ? 'usampler2D' : 'sampler2D';
  const out = k.kind === 'int' ? 'out ivec4 o;' : k.kind === 'uint' ? 'out uvec4 o;' : k.kind === 'float' ? 'out vec4 o;' : '';
  // NEAREST: the centre of the texel the position falls in, so the texture unit's floor picks it whatever the rounding
  const coord = linear ? 'v_xy / size' : '(floor(v_xy) + 0.5) / size';
  let body: string;
  if (k.kind === 'depth') body = `gl_FragDepth = texture(src, ${coord}).r;`;
  else if (k.kind === 'stencil') {
    body = k.bit < 0 ? '' : `int s = int(texture(src, ${coord}).r * 255.0 + 0.5); if (((s >> ${k.bit}) & 1) == 0) discard;`;
  } else body = `o = texture(src, ${coord});`;
  return `#version 300 es
precision highp float;
precision highp int;
uniform highp ${sampler} src;
in vec2 v_xy;
${out}
void main() {
  vec2 size = vec2(textureSize(src, 0));
  if (v_xy.x < 0.0 || v_xy.y < 0.0 || v_xy.x >= size.x || v_xy.y >= size.y) discard;
  ${body}
}
`;
}

function programFor(ctx: GLContext, k: BlitKind, linear: boolean): BlitProgram {
  let m = programs.get(ctx);
  if (!m) programs.set(ctx, (m = new Map()));
  const key = `${k.kind}:${k.kind === 'stencil' ? k.bit : ''}:${linear}`;
  let p = m.get(key);
  if (p) return p;
  const vs = compiler.compileShader(VS, 'vertex'), fs = compiler.compileShader(fragmentSource(k, linear), 'fragment');
  const linked = compiler.linkProgram(vs, fs, { attribLocations: new Map([['pos', 0], ['xy', 1]]) });
  if (!linked.ok || !linked.vertex || !linked.fragment) throw new Error(`internal: the blit program does not build: ${vs.infoLog}${fs.infoLog}${linked.infoLog}`);
  const v = stageRuntime(ctx, linked.vertex), f = stageRuntime(ctx, linked.fragment);
  p = { vs: linked.vertex, fs: linked.fragment, vsCode: v.codeBo, fsCode: f.codeBo, vsUniforms: v.uniforms, fsUniforms: f.uniforms };
  m.set(key, p);
  return p;
}

/** The source of a blit as the texture unit reads it: a single-sample surface of `format`, `width` x `height`. */
export interface BlitSource { bo: Bo; offset: number; width: number; height: number; format: TextureFormat }

/** One rectangle copy: source (x0, y0)-(x1, y1) onto destination (x0, y0)-(x1, y1), GL window coordinates, either may be flipped. */
export interface BlitRects { src: readonly [number, number, number, number]; dst: readonly [number, number, number, number] }

const KEEP: StencilFace = { func: 'always', ref: 0, valueMask: 255, writeMask: 0, fail: 'keep', zfail: 'keep', zpass: 'keep' };

/**
 * Draws the blit of `src` into `dst` (a surface with the one colour target, or only the depth/stencil
 * to write): the quad over the destination rectangle, under the scissor when `scissor` is set.
 */
export function drawBlit(ctx: GLContext, src: BlitSource, dst: Surface, k: BlitKind, linear: boolean, r: BlitRects, scissor: readonly [number, number, number, number] | null): void {
  const g = ctx.gpu;
  const prog = programFor(ctx, k, linear);
  const [dx0, dy0, dx1, dy1] = r.dst, [sx0, sy0, sx1, sy1] = r.src;
  const W = dst.width, H = dst.height;
  const nx = (x: number) => (x / W) * 2 - 1, ny = (y: number) => (y / H) * 2 - 1;
  // the quad's corners carry the source positions of the destination rectangle's corners: interpolated,
  // a destination pixel centre gets sx0 + (x + 0.5 - dx0) (sx1 - sx0) / (dx1 - dx0), ES 3.0's mapping
  const v = g.upload(64, 16);
  v.bo.write(v.off, new Float32Array([
    nx(dx0), ny(dy0), sx0, sy0, nx(dx1), ny(dy0), sx1, sy0,
    nx(dx0), ny(dy1), sx0, sy1, nx(dx1), ny(dy1), sx1, sy1,
  ]));
  const elements: VertexElement[] = [
    { kind: 'array', bo: v.bo, offset: v.off, stride: 16, components: 2, type: 'f32', normalized: false, divisor: 0, bytes: 64 },
    { kind: 'array', bo: v.bo, offset: v.off + 8, stride: 16, components: 2, type: 'f32', normalized: false, divisor: 0, bytes: 56 },
  ];
  const bpp = TEX_BPP[src.format] ?? 4;
  const view: SamplerView = {
    bo: src.bo, dim: '2d', format: src.format, width: src.width, height: src.height, levels: 1,
    // (faceStride bounds the reads: the image from `offset`)
    faceStride: src.offset + src.width * src.height * bpp, offset: src.offset,
    wrapS: 'clamp_to_edge', wrapT: 'clamp_to_edge', minFilter: linear ? 'linear' : 'nearest', magFilter: linear ? 'linear' : 'nearest', mipFilter: 'none',
    compare: false, compareFunc: 'never', depthMode: 'luminance', maxAnisotropy: 1,
  };
  const vs: ShaderState = { binary: prog.vs, code: prog.vsCode, uniforms: prog.vsUniforms, samplers: [] };
  const fs: ShaderState = { binary: prog.fs, code: prog.fsCode, uniforms: prog.fsUniforms, samplers: Array.from({ length: prog.fs.textureCount }, () => ({ view, dim: '2d' as const })) };
  const depth = k.kind === 'depth', stencil = k.kind === 'stencil';
  const face: StencilFace = stencil
    ? { func: 'always', ref: k.bit < 0 ? 0 : 255, valueMask: 255, writeMask: k.bit < 0 ? 255 : 1 << k.bit, fail: 'keep', zfail: 'replace', zpass: 'replace' }
    : KEEP;
  const state: RenderState = {
    cull: 'none', frontCcw: true, depthTest: depth, depthWrite: depth, depthFunc: 'always', depthRange: [0, 1],
    stencilTest: stencil, stencil: [face, face], blend: false, blendEquation: ['add', 'add'], blendFactors: ['one', 'zero', 'one', 'zero'],
    blendColor: [0, 0, 0, 0], colorMask: depth || stencil ? 0 : 15, scissorTest: !!scissor, scissor: scissor ?? [0, 0, W, H],
    viewport: [0, 0, W, H], polygonOffset: false, polygonOffsetFactor: 0, polygonOffsetUnits: 0, lineWidth: 1, clipEnable: 0, flatColors: false,
  };
  // a pass of its own (keyed by this destination), so the copy sees everything drawn before it
  const fb: PipeFramebuffer = { key: blitKey(ctx, dst), surface: dst, hasDepth: depth, hasStencil: stencil };
  ctx.pipe.draw(fb, state, elements, vs, fs, { primitive: 'triangle_strip', first: 0, count: 4, instances: 1 });
}

/** One render-pass key per destination object, so the blits of one destination share a pass. */
const keys = new WeakMap<GLContext, Map<Bo, object>>();
function blitKey(ctx: GLContext, dst: Surface): object {
  let m = keys.get(ctx);
  if (!m) keys.set(ctx, (m = new Map()));
  const bo = (dst.color ?? dst.zs)!.bo;
  let k = m.get(bo);
  if (!k) m.set(bo, (k = {}));
  return k;
}

/** Bytes per texel of the texture formats a blit source can have. */
const TEX_BPP: Partial<Record<TextureFormat, number>> = {
  rgba8: 4, rgb8: 3, rgb565: 2, rgba4: 2, rgb5a1: 2, rgba16f: 8, rgba32f: 16, srgb8_alpha8: 4, r8: 1, rg8: 2, rgb10a2: 4, r16f: 2, rg16f: 4,
  r32f: 4, rg32f: 8, r11g11b10f: 4, depth16: 2, depth32: 4, depth24_stencil8: 4, depth32f_stencil8: 4,
  r8ui: 1, r8i: 1, r16ui: 2, r16i: 2, r32ui: 4, r32i: 4, rg8ui: 2, rg8i: 2, rg16ui: 4, rg16i: 4, rg32ui: 8, rg32i: 8,
  rgba8ui: 4, rgba8i: 4, rgba16ui: 8, rgba16i: 8, rgba32ui: 16, rgba32i: 16, rgb10a2ui: 4,
};

/** The texture format that reads a colour surface's bytes as they are (null: none). */
export function textureFormatOf(c: ColorSurface['format']): TextureFormat | null {
  const m: Partial<Record<ColorSurface['format'], TextureFormat>> = {
    rgba8_unorm: 'rgba8', rgb8_unorm: 'rgb8', rgb565_unorm: 'rgb565', rgba4_unorm: 'rgba4', rgb5a1_unorm: 'rgb5a1', rgba16f: 'rgba16f', rgba32f: 'rgba32f',
    srgb8_alpha8: 'srgb8_alpha8', r8_unorm: 'r8', rg8_unorm: 'rg8', rgb10a2_unorm: 'rgb10a2', r16f: 'r16f', rg16f: 'rg16f', r32f: 'r32f', rg32f: 'rg32f',
    r11g11b10f: 'r11g11b10f',
  };
  if (m[c]) return m[c]!;
  return /\du?i$/.test(c) ? (c as TextureFormat) : null;
}
