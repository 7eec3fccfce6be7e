/**
 * Extensions (Mesa's extensions_table.h): one row per extension — its name,
 * the APIs that offer it and the object getExtension returns. A WebGL 2
 * context offers the rows marked for it; getParameter's table (get.ts) and
 * the entry points gate extension enums on `ctx.hasExt(name)`, which is true
 * once getExtension has enabled it (WebGL 1.0 § 5.14.14).
 */
import { GL, EXT } from './constants.js';
import type { GLContext } from './glcontext.js';
import type { AkVertexArray } from './objects.js';
import { bindVertexArray, createVertexArray, deleteVertexArray, isVertexArray, vertexAttribDivisor } from './varrays.js';
import { drawArraysInstanced, drawElementsInstanced, multiDraw } from './draw.js';
import { drawBuffers } from './framebuffers.js';
import { S3TC_ENUMS, S3TC_SRGB_ENUMS } from './compressed.js';
import { getTranslatedShaderSource } from './shaders.js';
import * as queries from './queries.js';
import type { AkQuery } from './queries.js';
import { installBindings } from './bindings.js';
import { EXTENSION_IDL } from './idl.js';

export type WebGLVersion = 1 | 2;

export interface ExtensionDesc {
  readonly name: string;
  /** the WebGL versions that offer it */
  readonly apis: readonly WebGLVersion[];
  /** the extension object's enums and functions; none: an empty object */
  readonly create?: (ctx: GLContext) => object;
  /** the GLSL `#extension` it lets shaders enable */
  readonly glsl?: string;
  /** what it gives, in a line (README's extension table is printed from these rows) */
  readonly about: string;
  /** its functions keep working while the context is lost and after a restore (WEBGL_lose_context is the one object kept, § 5.15.14) */
  readonly survivesLoss?: boolean;
}

export const EXTENSIONS: readonly ExtensionDesc[] = [
  {
    name: 'ANGLE_instanced_arrays', about: 'instanced draws and attribute divisors (DRAW.instance_count, ATTRIBUTE.divisor)', apis: [1],
    create: (ctx) => ({
      VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE: EXT.VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE,
      drawArraysInstancedANGLE: (m: number, f: number, c: number, p: number) => drawArraysInstanced(ctx, m, f, c, p, true),
      drawElementsInstancedANGLE: (m: number, c: number, t: number, off: number, p: number) => drawElementsInstanced(ctx, m, c, t, off, p, true),
      vertexAttribDivisorANGLE: (i: number, d: number) => vertexAttribDivisor(ctx, i, d),
    }),
  },
  { name: 'EXT_blend_minmax', about: 'MIN and MAX blend equations', apis: [1], create: () => ({ MIN_EXT: EXT.MIN_EXT, MAX_EXT: EXT.MAX_EXT }) },
  { name: 'EXT_shader_texture_lod', about: 'texture2DLodEXT and gradients in fragment shaders', apis: [1], glsl: 'GL_EXT_shader_texture_lod' },
  { name: 'OES_element_index_uint', about: '32-bit indices', apis: [1] },
  { name: 'OES_standard_derivatives', about: 'dFdx, dFdy, fwidth (2x2 quads)', apis: [1], glsl: 'GL_OES_standard_derivatives', create: () => ({ FRAGMENT_SHADER_DERIVATIVE_HINT_OES: EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES }) },
  { name: 'OES_texture_float', about: 'float textures (and rendering to them)', apis: [1] },
  { name: 'OES_texture_half_float', about: 'half-float textures (and rendering to them)', apis: [1], create: () => ({ HALF_FLOAT_OES: EXT.HALF_FLOAT_OES }) },
  {
    name: 'OES_vertex_array_object', about: 'vertex array objects', apis: [1],
    create: (ctx) => ({
      VERTEX_ARRAY_BINDING_OES: EXT.VERTEX_ARRAY_BINDING_OES,
      createVertexArrayOES: () => createVertexArray(ctx),
      deleteVertexArrayOES: (v: AkVertexArray | null) => deleteVertexArray(ctx, v),
      isVertexArrayOES: (v: AkVertexArray | null) => isVertexArray(ctx, v),
      bindVertexArrayOES: (v: AkVertexArray | null) => bindVertexArray(ctx, v),
    }),
  },
  {
    // several render targets (FRAMEBUFFER color_count; fragment outputs rt0..rt7), gl_FragData[i] in shaders
    name: 'WEBGL_draw_buffers', about: 'gl_FragData[0..7] to COLOR_ATTACHMENT0..7 (multiple render targets)', apis: [1], glsl: 'GL_EXT_draw_buffers',
    create: (ctx) => ({
      ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [
        [`COLOR_ATTACHMENT${i}_WEBGL`, EXT.COLOR_ATTACHMENT0_WEBGL + i], [`DRAW_BUFFER${i}_WEBGL`, EXT.DRAW_BUFFER0_WEBGL + i],
      ]).flat()),
      MAX_COLOR_ATTACHMENTS_WEBGL: EXT.MAX_COLOR_ATTACHMENTS_WEBGL, MAX_DRAW_BUFFERS_WEBGL: EXT.MAX_DRAW_BUFFERS_WEBGL,
      drawBuffersWEBGL: (buffers: Iterable<number>) => drawBuffers(ctx, [...buffers]),
    }),
  },
  {
    // sRGB textures (decoded to linear by the texture unit) and sRGB colour buffers (blended in
    // linear in the tile, encoded on store): TEX_FORMAT srgb8_alpha8/srgb8, COLOR_FORMAT srgb8_alpha8
    name: 'EXT_sRGB', about: 'sRGB textures (SRGB_EXT, SRGB_ALPHA_EXT) and SRGB8_ALPHA8_EXT colour buffers, blended in linear', apis: [1],
    create: () => ({
      SRGB_EXT: EXT.SRGB_EXT, SRGB_ALPHA_EXT: EXT.SRGB_ALPHA_EXT, SRGB8_ALPHA8_EXT: EXT.SRGB8_ALPHA8_EXT,
      FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT: EXT.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT,
    }),
  },
  { name: 'WEBGL_depth_texture', about: 'depth and depth-stencil textures', apis: [1], create: () => ({ UNSIGNED_INT_24_8_WEBGL: EXT.UNSIGNED_INT_24_8_WEBGL }) },
  // float textures filtered linearly: the texture unit filters every format (textures.ts: completeness)
  { name: 'OES_texture_float_linear', about: 'LINEAR filtering of float textures', apis: [1, 2] },
  { name: 'OES_texture_half_float_linear', about: 'LINEAR filtering of half-float textures', apis: [1] },
  // gl_FragDepthEXT: SHADER.writes_depth, the fragment's depth from output 15 (hwdesc/isa.ts OUT_DEPTH)
  { name: 'EXT_frag_depth', about: 'gl_FragDepthEXT', apis: [1], glsl: 'GL_EXT_frag_depth' },
  // float colour buffers: the tile buffer keeps f32 (rgba32f) and f16 (rgba16f) render targets
  {
    name: 'WEBGL_color_buffer_float', about: 'RGBA32F renderbuffers, unclamped float colour buffers', apis: [1],
    create: () => ({ RGBA32F_EXT: EXT.RGBA32F_EXT, FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT: EXT.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT, UNSIGNED_NORMALIZED_EXT: EXT.UNSIGNED_NORMALIZED_EXT }),
  },
  // WebGL 2: R16F, RG16F, RGBA16F, R32F, RG32F, RGBA32F and R11F_G11F_B10F colour buffers (the tile keeps floats)
  { name: 'EXT_color_buffer_float', about: 'float colour buffers: R/RG/RGBA 16F and 32F, R11F_G11F_B10F', apis: [2] },
  {
    name: 'EXT_color_buffer_half_float', about: 'RGBA16F renderbuffers (RGB16F not yet)', apis: [1, 2],
    create: () => ({ RGBA16F_EXT: EXT.RGBA16F_EXT, RGB16F_EXT: EXT.RGB16F_EXT, FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT: EXT.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT, UNSIGNED_NORMALIZED_EXT: EXT.UNSIGNED_NORMALIZED_EXT }),
  },
  // TEXTURE.max_anisotropy: the texture unit takes up to 16 probes along the footprint's major axis (hw/texture.ts)
  {
    name: 'EXT_texture_filter_anisotropic', about: 'anisotropic filtering, up to 16 probes along the footprint\'s major axis', apis: [1, 2],
    create: () => ({ TEXTURE_MAX_ANISOTROPY_EXT: EXT.TEXTURE_MAX_ANISOTROPY_EXT, MAX_TEXTURE_MAX_ANISOTROPY_EXT: EXT.MAX_TEXTURE_MAX_ANISOTROPY_EXT }),
  },
  // blending into 32-bit float colour buffers (the tile buffer blends in f32)
  { name: 'EXT_float_blend', about: 'blending into 32-bit float colour buffers', apis: [1, 2] },
  {
    name: 'EXT_disjoint_timer_query', about: "TIME_ELAPSED and TIMESTAMP queries from the GPU's clock (its render commands' start/end times)", apis: [1],
    create: (ctx) => ({
      QUERY_COUNTER_BITS_EXT: EXT.QUERY_COUNTER_BITS_EXT, CURRENT_QUERY_EXT: EXT.CURRENT_QUERY_EXT, QUERY_RESULT_EXT: EXT.QUERY_RESULT_EXT,
      QUERY_RESULT_AVAILABLE_EXT: EXT.QUERY_RESULT_AVAILABLE_EXT, TIME_ELAPSED_EXT: EXT.TIME_ELAPSED_EXT, TIMESTAMP_EXT: EXT.TIMESTAMP_EXT, GPU_DISJOINT_EXT: EXT.GPU_DISJOINT_EXT,
      createQueryEXT: () => queries.createQuery(ctx),
      deleteQueryEXT: (q: AkQuery | null) => queries.deleteQuery(ctx, q),
      isQueryEXT: (q: AkQuery | null) => queries.isQuery(ctx, q),
      beginQueryEXT: (target: number, q: AkQuery) => queries.beginQuery(ctx, target, q),
      endQueryEXT: (target: number) => queries.endQuery(ctx, target),
      queryCounterEXT: (q: AkQuery, target: number) => queries.queryCounter(ctx, q, target),
      getQueryEXT: (target: number, pname: number) => queries.getQuery(ctx, target, pname),
      getQueryObjectEXT: (q: AkQuery, pname: number) => queries.getQueryObject(ctx, q, pname),
    }),
  },
  {
    // WebGL 2's form: core query objects (beginQuery(TIME_ELAPSED_EXT)...) and queryCounterEXT
    name: 'EXT_disjoint_timer_query_webgl2', about: 'TIME_ELAPSED and TIMESTAMP queries on WebGL 2\'s query objects, from the same GPU clock', apis: [2],
    create: (ctx) => ({
      QUERY_COUNTER_BITS_EXT: EXT.QUERY_COUNTER_BITS_EXT, TIME_ELAPSED_EXT: EXT.TIME_ELAPSED_EXT, TIMESTAMP_EXT: EXT.TIMESTAMP_EXT, GPU_DISJOINT_EXT: EXT.GPU_DISJOINT_EXT,
      queryCounterEXT: (q: AkQuery, target: number) => queries.queryCounter(ctx, q, target),
    }),
  },
  {
    // several draws in one call, each a DRAW command whose vertex uniforms carry its gl_DrawID; in WebGL 1
    // enabling it enables ANGLE_instanced_arrays too (the extension's text)
    name: 'WEBGL_multi_draw', about: 'multiDraw{Arrays,Elements}[Instanced]WEBGL and gl_DrawID (GL_ANGLE_multi_draw)', apis: [1, 2], glsl: 'GL_ANGLE_multi_draw',
    create: (ctx) => {
      if (ctx.version === 1) getExtension(ctx, 'ANGLE_instanced_arrays');
      type List = ArrayLike<number>;
      return {
        multiDrawArraysWEBGL: (mode: number, firsts: List, fo: number, counts: List, co: number, n: number) =>
          multiDraw(ctx, n, [[firsts, fo], [counts, co]], (i) => drawArraysInstanced(ctx, mode, firsts[fo + i]!, counts[co + i]!, 1, false)),
        multiDrawElementsWEBGL: (mode: number, counts: List, co: number, type: number, offsets: List, oo: number, n: number) =>
          multiDraw(ctx, n, [[counts, co], [offsets, oo]], (i) => drawElementsInstanced(ctx, mode, counts[co + i]!, type, offsets[oo + i]!, 1, false)),
        multiDrawArraysInstancedWEBGL: (mode: number, firsts: List, fo: number, counts: List, co: number, insts: List, io: number, n: number) =>
          multiDraw(ctx, n, [[firsts, fo], [counts, co], [insts, io]], (i) => drawArraysInstanced(ctx, mode, firsts[fo + i]!, counts[co + i]!, insts[io + i]!, true)),
        multiDrawElementsInstancedWEBGL: (mode: number, counts: List, co: number, type: number, offsets: List, oo: number, insts: List, io: number, n: number) =>
          multiDraw(ctx, n, [[counts, co], [offsets, oo], [insts, io]], (i) => drawElementsInstanced(ctx, mode, counts[co + i]!, type, offsets[oo + i]!, insts[io + i]!, true)),
      };
    },
  },
  // block-compressed textures, decoded by the driver on upload into formats the texture unit samples (compressed.ts)
  { name: 'WEBGL_compressed_texture_s3tc', about: 'DXT1 (RGB, RGBA), DXT3, DXT5 — decoded on upload to RGB8/RGBA8', apis: [1, 2], create: () => ({ ...S3TC_ENUMS }) },
  { name: 'WEBGL_compressed_texture_s3tc_srgb', about: 'the sRGB DXT1/3/5 formats — decoded on upload to SRGB8/SRGB8_ALPHA8', apis: [1, 2], create: () => ({ ...S3TC_SRGB_ENUMS }) },
  { name: 'WEBGL_debug_renderer_info', about: 'UNMASKED_VENDOR_WEBGL / UNMASKED_RENDERER_WEBGL', apis: [1, 2], create: () => ({ UNMASKED_VENDOR_WEBGL: EXT.UNMASKED_VENDOR_WEBGL, UNMASKED_RENDERER_WEBGL: EXT.UNMASKED_RENDERER_WEBGL }) },
  { name: 'WEBGL_debug_shaders', about: "getTranslatedShaderSource: the compiler's IR", apis: [1, 2], create: (ctx) => ({ getTranslatedShaderSource: (s: WebGLShader) => getTranslatedShaderSource(ctx, s) }) },
  {
    name: 'WEBGL_lose_context', about: 'loseContext / restoreContext', apis: [1, 2], survivesLoss: true,
    create: (ctx) => ({
      // (the extension may report INVALID_OPERATION even while the context is lost)
      loseContext: () => {
        if (ctx.lost) { ctx.errors.add(GL.INVALID_OPERATION); return; }
        ctx.gpu.finish();
        ctx.lifecycle.loseContext('loseContext', true);
      },
      restoreContext: () => {
        // not lost, or lost without the application having cancelled the lost event: nothing to restore (as Chromium)
        if (!ctx.lost || !ctx.restoreAllowed) { ctx.errors.add(GL.INVALID_OPERATION); return; }
        ctx.lifecycle.restoreContext();
      },
    }),
  },
  // headless-gl's own two (stack.gl), so programs written for it move unchanged
  { name: 'STACKGL_destroy_context', about: "headless-gl's destroy()", apis: [1, 2], survivesLoss: true, create: (ctx) => ({ destroy: () => ctx.lifecycle.destroy() }) },
  {
    name: 'STACKGL_resize_drawingbuffer', about: "headless-gl's resize(w, h)", apis: [1, 2], survivesLoss: true,
    create: (ctx) => ({
      /** headless-gl: resizes the drawing buffer (here through the canvas, so canvas.width follows). */
      resize: (w: number, h: number) => {
        const W = w | 0, H = h | 0;
        if (!(W > 0 && H > 0)) throw new Error('Invalid surface dimensions');
        ctx.lifecycle.resizeCanvas(W, H);
      },
    }),
  },
];

/** The extensions a context of `version` offers, in the table's order. */
export function supportedExtensions(version: WebGLVersion): ExtensionDesc[] {
  return EXTENSIONS.filter((e) => e.apis.includes(version));
}

export function getSupportedExtensions(ctx: GLContext): string[] | null {
  return ctx.lost ? null : supportedExtensions(ctx.version).map((e) => e.name);
}

/** Enables the extension (names compare case-insensitively) and returns its object, the same one each time. */
export function getExtension(ctx: GLContext, name: string): object | null {
  if (ctx.lost) return null;
  const e = supportedExtensions(ctx.version).find((x) => x.name.toLowerCase() === String(name).toLowerCase());
  if (!e) return null;
  ctx.enabledExt.add(e.name);
  let o = ctx.extObjects.get(e.name);
  if (o) return o;
  o = e.create?.(ctx) ?? {};
  // the object belongs to this generation of the context: once it is lost (and after a restore, which hands out
  // new objects) its functions do nothing and return null (WebGL 1.0 § 5.15.14; CTS context/context-lost-restored.html)
  const gen = ctx.gen;
  if (!e.survivesLoss) for (const [k, v] of Object.entries(o)) {
    const dead = k.startsWith('is') ? false : null; // isVertexArrayOES and the like answer false
    if (typeof v === 'function') (o as Record<string, unknown>)[k] = (...a: unknown[]) => (ctx.lost || ctx.gen !== gen ? dead : v(...a));
  }
  const idl = EXTENSION_IDL[e.name];
  if (idl) installBindings(o as Record<string, unknown>, e.name, idl);
  ctx.extObjects.set(e.name, o);
  return o;
}

/** The GLSL extensions a WebGL shader may enable: those of the extensions the application enabled. */
export function glslExtensions(ctx: GLContext): string[] {
  return EXTENSIONS.filter((e) => e.glsl && ctx.hasExt(e.name)).map((e) => e.glsl!);
}
