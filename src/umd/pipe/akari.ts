/**
 * The Akari driver beneath the GL state trackers (pipe.ts is the contract):
 * validated state in, descriptors and render-pass commands out. It packs
 * STATE, ATTRIBUTE, SHADER, TEXTURE and DRAW descriptors (hwdesc/descriptors.ts)
 * into the winsys's streaming buffers and records the draw into the render
 * pass of its framebuffer (gpu.ts); clears are load/store-flag clears of the
 * whole pass when they cover every buffer and channel, else a quad drawn
 * with the driver's own shaders (what util_blitter does for Gallium drivers).
 *
 * Nothing here knows GL enums or GL objects; nothing here validates: the
 * state tracker already did (WebGL's rules are not the driver's business).
 */
import type { Bo } from '../device.js';
import {
  ATTRIB_TYPE, ATTRIBUTE, BLEND_EQ, BLEND_FACTOR, COMPARE, CULL, DEPTH_MODE, FILTER, MAX_RENDER_TARGETS, MIP_FILTER, PRIMITIVE, SHADER, STATE, STENCIL_OP, UNIFORM_RANGE,
  TEX_DIM, TEX_FORMAT, TEXTURE, WRAP, XFB, XFB_OUTPUT,
} from '../../hwdesc/descriptors.js';
import { packInto } from '../../hwdesc/struct.js';
import { assemble } from '../../hwdesc/isa-codec.js';
import { colorTargets, zsHasStencil, type GpuContext } from './gpu.js';
import type { ClearRequest, DrawInfo, PipeContext, PipeFramebuffer, RenderState, SamplerView, ShaderState, TextureDim, TransformFeedbackTarget, VertexElement } from './pipe.js';

/** The clear quad's vertex shader: position from attribute 0, the colour from attribute 1 (a constant). */
const CLEAR_VS = `
ld_attr r0, attr0.x
ld_attr r1, attr0.y
ld_attr r2, attr0.z
ld_attr r3, attr1.x
ld_attr r4, attr1.y
ld_attr r5, attr1.z
ld_attr r6, attr1.w
st_vary v0, r0
st_vary v1, r1
st_vary v2, r2
st_vary v3, #1.0
st_vary v8, r3
st_vary v9, r4
st_vary v10, r5
st_vary v11, r6
end
`;
const CLEAR_FS = `
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
ld_vary r3, v11
st_out rt0.x, r0
st_out rt0.y, r1
st_out rt0.z, r2
st_out rt0.w, r3
end
`;
const CLEAR_FS_AT = 1024;
/** The clear quad's fragment shader for several render targets: the colour to every target (STATE rt_disable picks). */
const CLEAR_FS_MRT = `
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
ld_vary r3, v11
${Array.from({ length: MAX_RENDER_TARGETS }, (_, t) => ['x', 'y', 'z', 'w'].map((c, k) => `st_out rt${t}.${c}, r${k}`).join('\n')).join('\n')}
end
`;
const CLEAR_FS_MRT_AT = 2048;
/** The clear quad's fragment shader for integer words: flat varyings (the provoking vertex's bits, never interpolated) to every target. */
const CLEAR_FS_WORDS = `
ld_vary_flat r0, v8
ld_vary_flat r1, v9
ld_vary_flat r2, v10
ld_vary_flat r3, v11
${Array.from({ length: MAX_RENDER_TARGETS }, (_, t) => ['x', 'y', 'z', 'w'].map((c, k) => `st_out rt${t}.${c}, r${k}`).join('\n')).join('\n')}
end
`;
const CLEAR_FS_WORDS_AT = 3072;
/** bytes between the faces of the black texture that incomplete cube maps sample */
const BLACK_FACE_STRIDE = 64;

const idx = <T extends string>(list: readonly T[], v: T): number => list.indexOf(v);

export class AkariPipe implements PipeContext {
  /** the clear quad's shaders */
  private readonly clearCode: Bo;
  /** one black RGBA8 texel: what an incomplete texture samples (ES 2.0 § 3.8.2) */
  private readonly blackTex: Bo;

  constructor(readonly gpu: GpuContext) {
    const vs = assemble(CLEAR_VS), fs = assemble(CLEAR_FS);
    this.clearCode = gpu.allocBo(4096, 'rx');
    this.clearCode.write(0, vs);
    this.clearCode.write(CLEAR_FS_AT, fs);
    this.clearCode.write(CLEAR_FS_MRT_AT, assemble(CLEAR_FS_MRT));
    this.clearCode.write(CLEAR_FS_WORDS_AT, assemble(CLEAR_FS_WORDS));
    // what an incomplete texture samples: (0, 0, 0, 1) (ES 2.0 § 3.8.2), on each of the six faces a cube view reads
    this.blackTex = gpu.allocBo(4096, 'r');
    for (let face = 0; face < 6; face++) this.blackTex.write(face * BLACK_FACE_STRIDE, new Uint8Array([0, 0, 0, 255]));
  }

  /** STATE descriptor values. */
  private stateWords(r: RenderState): Record<string, number> {
    const [front, back] = r.stencil;
    return {
      cull: idx(CULL, r.cull),
      front_ccw: r.frontCcw ? 1 : 0,
      depth_test: r.depthTest ? 1 : 0,
      depth_write: r.depthWrite ? 1 : 0,
      depth_func: idx(COMPARE, r.depthFunc),
      stencil_test: r.stencilTest ? 1 : 0,
      blend: r.blend ? 1 : 0,
      color_mask: r.colorMask,
      scissor: r.scissorTest ? 1 : 0,
      polygon_offset: r.polygonOffset ? 1 : 0,
      dither: 0,
      y_up: 1,
      clip_enable: r.clipEnable,
      rasterizer_discard: r.rasterizerDiscard ? 1 : 0,
      flat_colors: r.flatColors ? 1 : 0,
      rt_disable: ~(r.drawBuffers ?? 0xff) & 0xff,
      sample_kill: ~(r.sampleMask ?? 0xf) & 0xf, alpha_to_coverage: r.alphaToCoverage ? 1 : 0,
      blend_eq_rgb: idx(BLEND_EQ, r.blendEquation[0]), blend_eq_a: idx(BLEND_EQ, r.blendEquation[1]),
      blend_src_rgb: idx(BLEND_FACTOR, r.blendFactors[0]), blend_dst_rgb: idx(BLEND_FACTOR, r.blendFactors[1]),
      blend_src_a: idx(BLEND_FACTOR, r.blendFactors[2]), blend_dst_a: idx(BLEND_FACTOR, r.blendFactors[3]),
      blend_r: r.blendColor[0]!, blend_g: r.blendColor[1]!, blend_b: r.blendColor[2]!, blend_a: r.blendColor[3]!,
      stencil_front_func: idx(COMPARE, front.func), stencil_front_ref: front.ref, stencil_front_mask: front.valueMask,
      stencil_front_fail: idx(STENCIL_OP, front.fail), stencil_front_zfail: idx(STENCIL_OP, front.zfail), stencil_front_zpass: idx(STENCIL_OP, front.zpass),
      stencil_back_func: idx(COMPARE, back.func), stencil_back_ref: back.ref, stencil_back_mask: back.valueMask,
      stencil_back_fail: idx(STENCIL_OP, back.fail), stencil_back_zfail: idx(STENCIL_OP, back.zfail), stencil_back_zpass: idx(STENCIL_OP, back.zpass),
      stencil_front_writemask: front.writeMask, stencil_back_writemask: back.writeMask,
      polygon_offset_factor: r.polygonOffsetFactor, polygon_offset_units: r.polygonOffsetUnits,
      line_width: r.lineWidth, depth_near: r.depthRange[0], depth_far: r.depthRange[1],
    };
  }

  /** The DRAW descriptor's viewport and scissor rectangle. */
  private rectWords(viewport: readonly number[], scissor: readonly number[]): Record<string, number> {
    return {
      viewport_x: viewport[0]!, viewport_y: viewport[1]!, viewport_w: viewport[2]!, viewport_h: viewport[3]!,
      scissor_minx: scissor[0]!, scissor_miny: scissor[1]!, scissor_maxx: scissor[2]!, scissor_maxy: scissor[3]!,
    };
  }

  /** TEXTURE descriptor values of a sampler view. */
  private textureWords(v: SamplerView): Record<string, number> {
    // the level of detail in the texture unit's 8.8 fixed point, saturated to the field
    const fixed = (x: number): number => Math.max(-32768, Math.min(32767, Math.floor(x * 256)));
    const off = v.offset ?? 0;
    return {
      address: v.bo.va + off, width: v.width, height: v.height, depth: v.depth ?? 1, wrap_r: idx(WRAP, v.wrapR ?? 'repeat'), dim: idx(TEX_DIM, v.dim), format: idx(TEX_FORMAT, v.format), levels: v.levels,
      wrap_s: idx(WRAP, v.wrapS), wrap_t: idx(WRAP, v.wrapT), min_filter: idx(FILTER, v.minFilter), mag_filter: idx(FILTER, v.magFilter),
      mip_filter: idx(MIP_FILTER, v.mipFilter), face_stride: v.faceStride, size: v.faceStride * (v.dim === 'cube' ? 6 : 1) - off,
      compare: v.compare ? 1 : 0, compare_func: idx(COMPARE, v.compareFunc), depth_mode: idx(DEPTH_MODE, v.depthMode),
      max_anisotropy: v.maxAnisotropy,
      ...(v.lodRange ? { lod_clamp: 1, min_lod: fixed(v.lodRange[0]), max_lod: fixed(v.lodRange[1]) } : {}),
    };
  }

  private blackWords(dim: TextureDim): Record<string, number> {
    return {
      address: this.blackTex.va, width: 1, height: 1, depth: 1, dim: idx(TEX_DIM, dim), format: idx(TEX_FORMAT, 'rgba8'), levels: 1, wrap_s: 1, wrap_t: 1,
      min_filter: 0, mag_filter: 0, mip_filter: 0, face_stride: BLACK_FACE_STRIDE, size: dim === 'cube' ? 5 * BLACK_FACE_STRIDE + 4 : 4,
    };
  }

  /** A SHADER descriptor with its uniform words and TEXTURE table, in streaming memory; its address. */
  private shader(s: ShaderState, stage: 'vertex' | 'fragment', bos: Set<Bo>): number {
    const g = this.gpu;
    const bin = s.binary;
    bos.add(s.code);
    let uniVa = 0;
    if (s.uniforms.length) {
      const u = g.upload(s.uniforms.length * 4, 16);
      u.bo.write(u.off, s.uniforms);
      uniVa = u.va;
    }
    let texVa = 0;
    if (bin.textureCount) {
      const tt = g.upload(bin.textureCount * 32, 32);
      texVa = tt.va;
      for (let k = 0; k < bin.textureCount; k++) {
        const slot = s.samplers[k];
        if (slot?.view) { bos.add(slot.view.bo); g.put(tt.bo, tt.off + k * 32, TEXTURE, this.textureWords(slot.view)); }
        else g.put(tt.bo, tt.off + k * 32, TEXTURE, this.blackWords(slot?.dim ?? '2d'));
      }
    }
    let rangeVa = 0;
    const ranges = s.uniformRanges ?? [];
    if (ranges.length) {
      const rt = g.upload(ranges.length * UNIFORM_RANGE.align, UNIFORM_RANGE.align);
      rangeVa = rt.va;
      ranges.forEach((r, k) => {
        bos.add(r.bo);
        g.put(rt.bo, rt.off + k * UNIFORM_RANGE.align, UNIFORM_RANGE, { address: r.bo.va + r.offset, uniform: r.uniform, words: r.words });
      });
    }
    const sd = g.upload(64, 64);
    g.put(sd.bo, sd.off, SHADER, {
      uniform_ranges: rangeVa, uniform_range_count: ranges.length,
      code: s.code.va, code_size: bin.code.length * 4, registers: bin.registers, stage: stage === 'vertex' ? 0 : 1, varyings: bin.varyings,
      writes_depth: bin.writesDepth ? 1 : 0, uses_discard: bin.usesDiscard ? 1 : 0, writes_point_size: bin.writesPointSize ? 1 : 0,
      uses_derivatives: bin.usesDerivatives ? 1 : 0, clip_distances: bin.clipDistances, clip_first: bin.clipFirst, color_varyings: bin.colorVaryings,
      flat_lo: bin.flatVaryings[0], flat_hi: bin.flatVaryings[1],
      uniforms: uniVa, uniform_count: s.uniforms.length, textures: texVa, texture_count: bin.textureCount,
    });
    return sd.va;
  }

  draw(fb: PipeFramebuffer, state: RenderState, elements: readonly VertexElement[], vs: ShaderState, fs: ShaderState, info: DrawInfo): void {
    const g = this.gpu;
    const bos = new Set<Bo>();
    const attrs = elements.length ? g.upload(elements.length * 32, 32) : null;
    elements.forEach((e, i) => {
      if (e.kind === 'array') {
        bos.add(e.bo);
        g.put(attrs!.bo, attrs!.off + i * 32, ATTRIBUTE, {
          address: e.bo.va + e.offset, stride: e.stride, components: e.components, type: idx(ATTRIB_TYPE, e.type),
          normalized: e.normalized ? 1 : 0, divisor: e.divisor, size: e.bytes, integer: e.integer ? 1 : 0, packed: e.packed ? 1 : 0,
        });
      } else {
        const c = g.upload(16, 16);
        c.bo.write(c.off, e.value);
        const type = e.integer ? idx(ATTRIB_TYPE, e.integer === 'i' ? 's32' : 'u32') : 0;
        g.put(attrs!.bo, attrs!.off + i * 32, ATTRIBUTE, { address: c.va, stride: 0, components: 4, type, size: 16, integer: e.integer ? 1 : 0 });
      }
    });
    const vsVa = this.shader(vs, 'vertex', bos), fsVa = this.shader(fs, 'fragment', bos);
    const st = g.upload(64, 64);
    const words = this.stateWords(state);
    g.put(st.bo, st.off, STATE, words);
    bos.add(this.blackTex);
    let index: Record<string, number> = { index_type: 0 };
    if (info.index) {
      bos.add(info.index.bo);
      index = { index_type: info.index.size === 1 ? 1 : info.index.size === 2 ? 2 : 3, indices: info.index.bo.va, primitive_restart: info.index.restart ? 1 : 0 };
    }
    const xfbVa = info.xfb ? this.xfb(info.xfb, bos) : 0;
    if (info.occlusion) bos.add(info.occlusion.bo);
    g.addDraw(fb.key, fb.surface, {
      primitive: idx(PRIMITIVE, info.primitive), attrib_count: elements.length, attribs: attrs?.va ?? 0, vertex_shader: vsVa, fragment_shader: fsVa, state: st.va,
      base_vertex: 0, first: info.first, count: info.count, instance_count: info.instances, ...index,
      ...this.rectWords(state.viewport, state.scissor),
      xfb: xfbVa, ...(info.occlusion ? { occlusion: 1, occlusion_address: info.occlusion.va } : {}),
    }, bos, { zs: !!(words.depth_test || words.stencil_test), varyings: vs.binary.varyings });
  }

  /** An XFB descriptor and its XFB_OUTPUT words, in streaming memory; its address. */
  private xfb(t: TransformFeedbackTarget, bos: Set<Bo>): number {
    const g = this.gpu;
    const outs = g.upload(Math.max(4, t.outputs.length * 4), 16);
    const words = new Uint32Array(t.outputs.length);
    t.outputs.forEach((o, k) => packInto(XFB_OUTPUT, o, words, k));
    outs.bo.write(outs.off, words);
    const values: Record<string, number> = { state: t.state.va, outputs: outs.va, output_count: t.outputs.length, buffer_count: t.buffers.length, query: t.query?.va ?? 0 };
    t.buffers.forEach((b, i) => { bos.add(b.bo); values[`buffer${i}`] = b.bo.va + b.offset; values[`size${i}`] = b.size; values[`stride${i}`] = b.stride; });
    bos.add(t.state.bo);
    if (t.query) bos.add(t.query.bo);
    const x = g.upload(XFB.words * 4, XFB.align);
    g.put(x.bo, x.off, XFB, values);
    return x.va;
  }

  clear(fb: PipeFramebuffer, req: ClearRequest): void {
    const s = fb.surface;
    const sc = req.scissor;
    const full = !req.scissorTest || (sc[0] <= 0 && sc[1] <= 0 && sc[2] >= s.width && sc[3] >= s.height);
    // a whole-pass clear clears every target: only when every attached one is a draw buffer
    const attached = colorTargets(s).reduce((m, t, i) => (t ? m | (1 << i) : m), 0);
    const allTargets = (attached & (req.drawBuffers ?? 0xff)) === attached;
    const colorFast = !!req.color && full && allTargets && (req.colorMask & req.colorChannels) === req.colorChannels;
    const wantDepth = req.depth !== null, wantStencil = req.stencil !== null;
    const stencilFull = wantStencil && (req.stencilWriteMask & 255) === 255;
    // The hardware clears depth and stencil together: a fast zs clear must cover both (or there is no stencil).
    const zsFast = full && !!s.zs && (zsHasStencil(s.zs.format)
      ? (wantDepth || !fb.hasDepth) && (stencilFull || !fb.hasStencil) && (wantDepth || wantStencil)
      : wantDepth);
    const slowColor = !!req.color && !colorFast;
    const slowDepth = wantDepth && !zsFast, slowStencil = wantStencil && !zsFast;
    this.gpu.clearPass(fb.key, s, colorFast ? [...req.color!] : null, zsFast ? (req.depth ?? 1) : null, zsFast ? (req.stencil ?? 0) : null, !!req.colorWords);
    if (slowColor || slowDepth || slowStencil) this.clearQuad(fb, req, slowColor, slowDepth, slowStencil);
  }

  /** A masked or scissored clear, drawn as a full-surface quad with the driver's shaders. */
  private clearQuad(fb: PipeFramebuffer, req: ClearRequest, color: boolean, depth: boolean, stencil: boolean): void {
    const g = this.gpu, s = fb.surface;
    // (depth 0.5 when depth is not cleared: the quad then only needs to stay inside the clip volume)
    const z = (depth ? req.depth! : 0.5) * 2 - 1;
    const v = g.upload(4 * 12 + 16 + 2 * 32 + 2 * 64 + 64, 64);
    const f = new Float32Array(16);
    f.set([-1, -1, z, 1, -1, z, -1, 1, z, 1, 1, z]);
    f.set(color ? req.color! : [0, 0, 0, 0], 12);
    // integer words: stored as words, carried by flat varyings (bits, never interpolated)
    const words = color && !!req.colorWords;
    if (words) new Uint32Array(f.buffer).set(req.color!.map((x) => x >>> 0), 12);
    v.bo.write(v.off, f);
    const attrAt = v.off + 64, vsAt = attrAt + 64, fsAt = vsAt + 64, stAt = fsAt + 64;
    g.put(v.bo, attrAt, ATTRIBUTE, { address: v.va, stride: 12, components: 3, type: 0, size: 48 });
    // (integer words: fetched as integer bits — a float fetch could quiet a word that looks like a signalling NaN)
    g.put(v.bo, attrAt + 32, ATTRIBUTE, { address: v.va + 48, stride: 0, components: 4, type: words ? idx(ATTRIB_TYPE, 'u32') : 0, ...(words ? { integer: 1 } : {}), size: 16 });
    g.put(v.bo, vsAt, SHADER, { code: this.clearCode.va, code_size: 15 * 8, registers: 7, stage: 0, varyings: 4, ...(words ? { flat_lo: 0xf } : {}) });
    const mrt = !!s.colors?.length;
    g.put(v.bo, fsAt, SHADER, words
      ? { code: this.clearCode.va + CLEAR_FS_WORDS_AT, code_size: (5 + 4 * MAX_RENDER_TARGETS) * 8, registers: 4, stage: 1, varyings: 4 }
      : mrt
      ? { code: this.clearCode.va + CLEAR_FS_MRT_AT, code_size: (5 + 4 * MAX_RENDER_TARGETS) * 8, registers: 4, stage: 1, varyings: 4 }
      : { code: this.clearCode.va + CLEAR_FS_AT, code_size: 9 * 8, registers: 4, stage: 1, varyings: 4 });
    const wm = req.stencilWriteMask & 255;
    const ref = (req.stencil ?? 0) & 255;
    g.put(v.bo, stAt, STATE, {
      cull: 0, front_ccw: 1, color_mask: color ? req.colorMask : 0, rt_disable: ~(req.drawBuffers ?? 0xff) & 0xff,
      depth_test: depth ? 1 : 0, depth_write: depth ? 1 : 0, depth_func: idx(COMPARE, 'always'), depth_near: 0, depth_far: 1, line_width: 1,
      stencil_test: stencil ? 1 : 0, stencil_front_func: idx(COMPARE, 'always'), stencil_back_func: idx(COMPARE, 'always'),
      stencil_front_zpass: idx(STENCIL_OP, 'replace'), stencil_back_zpass: idx(STENCIL_OP, 'replace'),
      stencil_front_ref: ref, stencil_back_ref: ref,
      stencil_front_mask: 255, stencil_back_mask: 255, stencil_front_writemask: wm, stencil_back_writemask: wm,
      scissor: req.scissorTest ? 1 : 0, blend_src_rgb: idx(BLEND_FACTOR, 'one'), blend_src_a: idx(BLEND_FACTOR, 'one'),
    });
    g.addDraw(fb.key, s, {
      primitive: idx(PRIMITIVE, 'triangle_strip'), index_type: 0, attrib_count: 2, first: 0, count: 4, instance_count: 1,
      attribs: v.va + 64, vertex_shader: v.va + 128, fragment_shader: v.va + 192, state: v.va + 256,
      ...this.rectWords([0, 0, s.width, s.height], req.scissor),
    }, [this.clearCode], { zs: depth || stencil, varyings: 4 });
  }
}
