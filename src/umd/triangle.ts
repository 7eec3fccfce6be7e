/**
 * The first triangle, through every layer: shaders written in Akari
 * assembly and assembled to machine code, descriptors packed from the
 * hardware description with real GPU virtual addresses, one render command
 * submitted through libdrm, completion awaited on a syncobj.
 */
import { assemble } from '../hwdesc/isa-codec.js';
import {
  ATTRIBUTE, TEXTURE, COLOR_FORMAT, DRAW, SHADER, STATE, TWIDDLE_BLOCK, UNIFORM_RANGE, pixelOffset,
} from '../hwdesc/descriptors.js';
import { packInto, type StructDesc, type StructValues } from '../hwdesc/struct.js';
import { f32ToBits } from '../base/bits.js';
import {
  AKARI_CMD_RENDER, AKARI_RENDER_COLOR_CLEAR, AKARI_RENDER_COLOR_STORE, AKARI_STATUS,
} from '../uapi/akari.js';
import type { CValues } from '../uapi/cstruct.js';
import { UmdDevice, type Bo } from './device.js';

export const TRIANGLE_VS = `
; position in attr0 (x, y), colour in attr1 (r, g, b)
ld_attr r0, attr0.x
ld_attr r1, attr0.y
ld_attr r2, attr1.x
ld_attr r3, attr1.y
ld_attr r4, attr1.z
st_vary v0, r0
st_vary v1, r1
st_vary v2, #0.0
st_vary v3, #1.0
st_vary v8, r2
st_vary v9, r3
st_vary v10, r4
end
`;

export const TRIANGLE_FS = `
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
st_out rt0.x, r0
st_out rt0.y, r1
st_out rt0.z, r2
st_out rt0.w, #1.0
end
`;

/**
 * A fragment shader that never leaves its loop (r0 counts up forever): the
 * runaway job of the watchdog tests, `akari trace hang` and the soak. Only
 * the kernel's job timeout (or the firmware's) ends it.
 */
export const HANG_FS = `
mov r0, #0.0
loop
  fadd r0, r0, #1.0
endloop
st_out rt0.x, r0
st_out rt0.w, #1.0
end
`;

/** Vertices: NDC position and colour. */
export const TRIANGLE_VERTICES = [
  [-0.8, -0.8, 1, 0, 0],
  [0.8, -0.8, 0, 1, 0],
  [0, 0.8, 0, 0, 1],
] as const;

export interface TriangleOptions {
  width?: number; height?: number; layout?: 'linear' | 'twiddled'; corrupt?: 'attribute' | 'shader';
  /** tiler heap size in bytes (small heaps force partial renders) */
  heapSize?: number;
  /** draw the triangle this many times, as a chain of DRAW descriptors */
  copies?: number;
  /** the fragment shader in Akari assembly (default TRIANGLE_FS) */
  fs?: string;
  /** the vertex shader in Akari assembly (default TRIANGLE_VS) */
  vs?: string;
  /** vertices of each draw (default 3; those past the third read zeros from the 3-vertex buffers: degenerate triangles) */
  vertexCount?: number;
  /** instances of each draw (default 1) */
  instanceCount?: number;
  /** the render command's timeout_ms (0: the kernel's default) */
  timeoutMs?: number;
  /** TEXTURE descriptors of the fragment shader's samplers s0.. (at most 4; addresses as given) */
  textures?: Array<Partial<StructValues>>;
  /**
   * The fragment shader's uniform buffer (`words` 32-bit words, at most 256) and its UNIFORM_RANGE
   * table (at most 8 entries, values as given): what the core preloads into u0.. before it runs.
   */
  fsUniforms?: { words: readonly number[]; ranges?: Array<Partial<StructValues>> };
  /** further DRAW fields of every draw (a primitive, transform feedback, occlusion counting...), as given */
  draw?: Partial<StructValues>;
  /** scalar varyings the vertex shader descriptor says it writes (default 3: the colour) */
  vsVaryings?: number;
  /** further STATE fields, as given */
  state?: Partial<StructValues>;
  /**
   * 4: a multisampled render (UAPI 1.3): the colour holds 4 sample images (`raw`, one after another),
   * resolved on-chip into a single-sampled surface (`pixels`)
   */
  samples?: 4;
  /** the vertices (NDC x, y and colour r, g, b each) in place of TRIANGLE_VERTICES; vertexCount defaults to their number */
  vertices?: ReadonlyArray<readonly [number, number, number, number, number]>;
}

export interface TriangleRun {
  pixels: Uint8Array; // RGBA8, row 0 at the top, linear (multisampled: the resolve)
  /** the framebuffer's bytes as the GPU stored them (linear or twiddled; multisampled: the 4 sample images) */
  raw: Uint8Array;
  stride: number;
  width: number;
  height: number;
  status: string;
  result: CValues;
  syncobj: number;
  /** addresses for tests and the decoder */
  addresses: { draw: number; vsCode: number; fsCode: number; attribs: number; positions: number; color: number; heap: number; uniformRanges: number };
}

function put(bo: Bo, at: number, desc: StructDesc, values: Partial<StructValues>): void {
  const words = new Uint32Array(desc.words);
  packInto(desc, values, words, 0);
  bo.write(at, words);
}

/** Renders the triangle on an open device. */
export function drawTriangle(dev: UmdDevice, opts: TriangleOptions = {}): TriangleRun {
  return startTriangle(dev, opts).finish();
}

/** A submitted triangle: `finish` waits for it and reads it back. */
export interface PendingTriangle { syncobj: number; finish(): TriangleRun }

/** Submits the triangle without waiting, so that several jobs can be in flight at once. */
export function startTriangle(dev: UmdDevice, opts: TriangleOptions = {}): PendingTriangle {
  const W = opts.width ?? 256, H = opts.height ?? 256;
  const twiddled = opts.layout === 'twiddled';
  const vs = assemble(opts.vs ?? TRIANGLE_VS), fs = assemble(opts.fs ?? TRIANGLE_FS);
  const code = dev.createBo(4096, 'rx');
  code.write(0, vs);
  code.write(1024, fs);

  // Vertex data and descriptors (read-only for the GPU).
  const data = dev.createBo(4096, 'r');
  const POS = 0, COL = 64, DRAW_AT = 256, ATTR_AT = 384, VS_AT = 448, FS_AT = 512, STATE_AT = 576;
  const verts = opts.vertices ?? TRIANGLE_VERTICES;
  // the default vertices in the descriptor BO; given ones in their own
  const vbo = opts.vertices ? dev.createBo(Math.max(4096, verts.length * 20), 'r') : data;
  const vPos = opts.vertices ? 0 : POS, vCol = opts.vertices ? verts.length * 8 : COL;
  vbo.write(vPos, new Float32Array(verts.flatMap((v) => [v[0], v[1]])));
  vbo.write(vCol, new Float32Array(verts.flatMap((v) => [v[2], v[3], v[4]])));
  const positions = opts.corrupt === 'attribute' ? 0xdead0000 : vbo.va + vPos;
  put(data, ATTR_AT, ATTRIBUTE, { address: positions, stride: 8, components: 2, type: 0, size: verts.length * 8 });
  put(data, ATTR_AT + 32, ATTRIBUTE, { address: vbo.va + vCol, stride: 12, components: 3, type: 0, size: verts.length * 12 });
  // registers: as many as a shader's text names (at least the default shaders' 5 and 3)
  const regsOf = (text: string | undefined, min: number) => Math.max(min, ...[...(text ?? '').matchAll(/\br(\d+)\b/g)].map((m) => +m[1]! + 1));
  put(data, VS_AT, SHADER, { code: opts.corrupt === 'shader' ? 0xbad000 : code.va, code_size: vs.length * 4, registers: regsOf(opts.vs, 5), stage: 0, varyings: opts.vsVaryings ?? 3 });
  const fsRegs = regsOf(opts.fs, 3);
  const TEX_AT = 768, textures = (opts.textures ?? []).slice(0, 4);
  textures.forEach((t, i) => put(data, TEX_AT + i * TEXTURE.words * 4, TEXTURE, t));
  const UNI_AT = 1024, RANGES_AT = 2048, uni = opts.fsUniforms, ranges = (uni?.ranges ?? []).slice(0, 8);
  if (uni) data.write(UNI_AT, new Uint32Array(uni.words.slice(0, 256)));
  ranges.forEach((r, i) => put(data, RANGES_AT + i * UNIFORM_RANGE.align, UNIFORM_RANGE, r));
  put(data, FS_AT, SHADER, {
    code: code.va + 1024, code_size: fs.length * 4, registers: fsRegs, stage: 1, varyings: 3, textures: data.va + TEX_AT, texture_count: textures.length,
    ...(uni ? { uniforms: data.va + UNI_AT, uniform_count: Math.min(256, uni.words.length), uniform_ranges: data.va + RANGES_AT, uniform_range_count: ranges.length } : {}),
  });
  put(data, STATE_AT, STATE, { cull: 0, front_ccw: 1, color_mask: 0xf, depth_near: 0, depth_far: 1, line_width: 1, blend_src_rgb: 1, blend_src_a: 1, ...opts.state });
  // The framebuffer is y-down (row 0 at the top, as scan-out wants): the viewport flips y.
  const copies = opts.copies ?? 1;
  const draws = copies > 1 ? dev.createBo(copies * 128, 'r') : data;
  const drawVa = (i: number) => (copies > 1 ? draws.va + i * 128 : data.va + DRAW_AT);
  for (let i = 0; i < copies; i++) put(draws, copies > 1 ? i * 128 : DRAW_AT, DRAW, {
    next: i + 1 < copies ? drawVa(i + 1) : 0, primitive: 4, index_type: 0, attrib_count: 2, first: 0, count: opts.vertexCount ?? (opts.vertices ? verts.length : 3), instance_count: opts.instanceCount ?? 1,
    attribs: data.va + ATTR_AT, vertex_shader: data.va + VS_AT, fragment_shader: data.va + FS_AT, state: data.va + STATE_AT,
    viewport_x: 0, viewport_y: H, viewport_w: W, viewport_h: -H,
    scissor_minx: 0, scissor_miny: 0, scissor_maxx: W, scissor_maxy: H,
    ...opts.draw,
  });

  const bpp = 4;
  const stride = (twiddled ? Math.ceil(W / TWIDDLE_BLOCK) * TWIDDLE_BLOCK : W) * bpp;
  const rows = twiddled ? Math.ceil(H / TWIDDLE_BLOCK) * TWIDDLE_BLOCK : H;
  const samples = opts.samples ?? 1;
  const fb = dev.createBo(stride * rows * samples, 'rw');
  const resolve = samples > 1 ? dev.createBo(stride * rows, 'rw') : null;
  const heap = dev.createBo(opts.heapSize ?? 256 * 1024, 'rw');
  const result = dev.createBo(4096, 'rw');
  const sync = dev.submit([{
    cmd_type: AKARI_CMD_RENDER, draws: drawVa(0), tiler_heap: heap.va, tiler_heap_size: heap.size,
    width: W, height: H, color_format: COLOR_FORMAT.indexOf('rgba8_unorm'), color_layout: twiddled ? 1 : 0,
    color: fb.va, color_stride: stride, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE,
    clear_r: f32ToBits(0), clear_g: f32ToBits(0), clear_b: f32ToBits(0), clear_a: f32ToBits(1),
    result_handle: result.handle, result_offset: 0, timeout_ms: opts.timeoutMs ?? 0,
    ...(resolve ? { samples, resolve: resolve.va, resolve_stride: stride } : {}),
  }]);
  return { syncobj: sync, finish: () => finishTriangle(dev, opts, sync, { result, fb, resolve, samples, stride, rows, W, H, twiddled, drawVa: drawVa(0), code, data, ATTR_AT, positions, heap }) };
}

function finishTriangle(dev: UmdDevice, opts: TriangleOptions, sync: number, b: {
  result: Bo; fb: Bo; resolve: Bo | null; samples: number; stride: number; rows: number; W: number; H: number; twiddled: boolean; drawVa: number; code: Bo; data: Bo; ATTR_AT: number; positions: number; heap: Bo;
}): TriangleRun {
  const { result, fb, resolve, samples, stride, rows, W, H, twiddled, code, data, ATTR_AT, positions, heap } = b;
  const bpp = 4;
  void opts;
  dev.wait(sync);
  const res = dev.readResult(result, 0);
  // Read back, detiling if needed.
  const raw = fb.bytes(0, stride * rows * samples);
  const single = resolve ? resolve.bytes(0, stride * rows) : raw;
  const pixels = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const off = pixelOffset(twiddled ? 1 : 0, x, y, stride, bpp);
      pixels.set(single.subarray(off, off + 4), (y * W + x) * 4);
    }
  }
  return {
    pixels, raw, stride, width: W, height: H, status: AKARI_STATUS[res.status!] ?? 'unknown', result: res, syncobj: sync,
    addresses: { draw: b.drawVa, vsCode: code.va, fsCode: code.va + 1024, attribs: data.va + ATTR_AT, positions, color: fb.va, heap: heap.va, uniformRanges: data.va + 2048 },
  };
}
