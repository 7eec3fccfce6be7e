/**
 * Fused fragment kernels (src/hw/fused.ts) against the generic fragment
 * pipeline they replace for triangles: the same scene rendered with fused
 * kernels off and on must give byte-identical render targets, the same
 * instruction and fragment counts, the same GPU time on the virtual clock,
 * and faults at the same address.
 *
 * The generic path is the reference here because it is the one the
 * existing pixel tests, conformance runs and reference images were checked
 * against; the fused kernel claims to do the very same arithmetic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drawTriangle, TRIANGLE_FS, TRIANGLE_VS, type TriangleRun } from '../src/umd/triangle.js';
import { assemble } from '../src/hwdesc/isa-codec.js';
import { decodeProgram } from '../src/hw/shader-core.js';
import { quadSeparable } from '../src/hw/shader-wasm.js';
import { UmdDevice } from '../src/umd/device.js';
import { fusedCounters, setFusedKernels } from '../src/hw/fused.js';
import { withMachine } from './helpers.js';
import type { Machine } from '../src/machine/machine.js';
import { program, read, withGl } from './webgl/helpers.js';
import { AkRenderbuffer, stateOf } from '../src/webgl/objects.js';

/** runs `fn` with fused kernels off, then on; asserts the fused path really ran the second time */
function both<T>(fn: () => T, mustFuse = true): [generic: T, fused: T] {
  setFusedKernels(false);
  let a: T;
  try { a = fn(); } finally { setFusedKernels(true); }
  const before = fusedCounters.triangles;
  const b = fn();
  if (mustFuse) assert.ok(fusedCounters.triangles > before, 'the fused kernel ran');
  return [a, b];
}

const elapsed = (r: TriangleRun) => r.result.ts_end! - r.result.ts_start!;

const loopFs = (n: number) => `
mov r0, #0.0
movi r1, 0x${new Uint32Array(new Float32Array([n]).buffer)[0]!.toString(16)}
loop
  fcmp.ge r2, r0, r1
  break r2
  fadd r0, r0, #1.0
endloop
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
st_out rt0.x, r0
st_out rt0.y, r1
st_out rt0.z, r2
st_out rt0.w, #1.0
end
`;

test('same pixels, counts and virtual GPU time: a looping shader, a shader stopped by the watchdog', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    // the counts are the firmware's statistics (drm_akari_result carries status, fault and times only): each run's delta
    const counted = () => {
      const before = m.driver.firmwareStats();
      const run = drawTriangle(dev, { fs: loopFs(40), width: 96, height: 80 });
      const after = m.driver.firmwareStats();
      return { run, counts: Object.fromEntries((['fragments', 'tiles', 'primitives'] as const).map((k) => [k, after[k]! - before[k]!])) };
    };
    const [ca, cb] = both(counted);
    const a = ca.run, b = cb.run;
    assert.equal(a.status, 'complete');
    assert.deepEqual(b.pixels, a.pixels);
    assert.ok(ca.counts.fragments! > 0, 'fragments were counted');
    assert.deepEqual(cb.counts, ca.counts);
    assert.equal(elapsed(b), elapsed(a));
    // a loop that outlives its 2 ms: stopped at the same point of the same warp
    // (each on a fresh context: a timed-out context is banned)
    const [sa, sb] = both(() => drawTriangle(new UmdDevice(m.spawn()), { fs: loopFs(1e7), width: 64, height: 64, timeoutMs: 2 }));
    assert.equal(sa.status, 'timeout');
    assert.equal(sb.status, 'timeout');
    assert.equal(elapsed(sb), elapsed(sa));
  });
});

test('a fault inside the kernel (a global load from unmapped memory) lands at its exact address', () => {
  const fs = `
movi r1, 0xdead0000
movi r2, 0
ld_g r1, [r1:+8]
ld_vary r0, v8
st_out rt0.x, r0
st_out rt0.w, r1
end
`;
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const [a, b] = both(() => drawTriangle(new UmdDevice(m.spawn()), { fs, width: 32, height: 32 }));
    assert.equal(a.status, 'fault');
    assert.equal(b.status, 'fault');
    assert.equal(a.result.fault_addr, 0xdead0008);
    assert.equal(b.result.fault_addr, 0xdead0008);
  });
  // and the device renders correctly afterwards, through the kernel again
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const [a, b] = both(() => drawTriangle(dev, { width: 32, height: 32 }));
    assert.deepEqual(b.pixels, a.pixels);
  });
});

test('a varying the vertex stage did not write reads 0 in the kernel, after a draw that had it (the setup block keeps its values)', () => {
  // the vertex shader writes v11 = 0.25 besides the colour v8..v10; the fragment program reads v8 and v11. With
  // vsVaryings 4 the triangle has v11; then with 3 it has not, and v11 must read 0 — not the 0.25 of the previous
  // triangle still in the kernel's setup block
  const vs = TRIANGLE_VS.replace('end', 'st_vary v11, #0.25\nend');
  const fs = `
ld_vary r0, v8
ld_vary r1, v11
fadd r2, r0, #1.0
fadd r1, r1, #0.5
st_out rt0.x, r1
st_out rt0.y, r2
st_out rt0.z, r0
st_out rt0.w, #1.0
end
`;
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const [a, b] = both(() => [4, 3].map((vsVaryings) => drawTriangle(dev, { vs, fs, width: 48, height: 40, vsVaryings }).pixels));
    assert.deepEqual(b, a);
    // red is 0.25 + 0.5 -> 191 (0.75 * 255 + 0.5 = 191.75) in the first image, 0 + 0.5 -> 128 in the second,
    // wherever the triangle covered (green, v8 + 1, is 255 there)
    for (const [img, red] of [[0, 191], [1, 128]] as const) {
      const px = a[img]!;
      let covered = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 1] === 255) { covered++; assert.equal(px[i], red, `image ${img} pixel ${i / 4}`); }
      assert.ok(covered > 100, `${covered} pixels covered`);
    }
  });
});

// ---- random scenes through WebGL ------------------------------------------------

const VS = `attribute vec4 pos; attribute vec4 col; varying vec4 v; varying vec2 t;
void main() { v = col; t = pos.xy * 3.0; gl_Position = pos; }`;
const FRAGMENT = [
  // plain varying colour
  'precision mediump float; varying vec4 v; void main() { gl_FragColor = v; }',
  // values out of [0, 1] (clamping, blend inputs), a uniform
  'precision mediump float; varying vec4 v; uniform vec4 u; void main() { gl_FragColor = v * 3.0 - 1.0 + u; }',
  // discard, gl_FragCoord, gl_FrontFacing
  `precision mediump float; varying vec4 v; varying vec2 t;
   void main() { if (fract(t.x) > 0.7) discard; gl_FragColor = vec4(fract(gl_FragCoord.xy / 7.0), gl_FrontFacing ? 1.0 : 0.25, v.a); }`,
  // derivatives across the quad, a loop, gl_FragCoord.z and .w
  `#extension GL_OES_standard_derivatives : enable
   precision mediump float; varying vec4 v; varying vec2 t;
   void main() { vec4 c = v; for (int i = 0; i < 3; i++) c = fract(c * 1.7 + 0.1);
     gl_FragColor = vec4(abs(dFdx(t.x)) + c.r, abs(dFdy(t.y)) * 0.5, gl_FragCoord.z, fract(gl_FragCoord.w)); }`,
  // a written depth (the depth test then reads it), straight-line: shaded a quad at a time
  `#extension GL_EXT_frag_depth : enable
   precision mediump float; varying vec4 v; varying vec2 t;
   void main() { gl_FragDepthEXT = fract(t.x * 0.37 + v.g); gl_FragColor = v.bgra * 1.5; }`,
];

const BLEND_EQ = [0x8006, 0x800a, 0x800b, 0x8007, 0x8008]; // ADD, SUBTRACT, REVERSE_SUBTRACT, MIN_EXT, MAX_EXT
const BLEND_FACTOR = [0, 1, 0x300, 0x301, 0x306, 0x307, 0x302, 0x303, 0x304, 0x305, 0x8001, 0x8002, 0x8003, 0x8004];
const SRC_FACTOR = [...BLEND_FACTOR, 0x308]; // SRC_ALPHA_SATURATE is a source factor only
const DEPTH_FUNC = [0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207];

/** fc.float with bounds given as doubles */
const ff = (c: { min: number; max: number; noNaN?: boolean }) => fc.float({ ...c, min: Math.fround(c.min), max: Math.fround(c.max) });
// fast-check's floats crowd near 0 (degenerate triangles): coordinates on a 1/64 grid spread them out
const grid = (lo: number, hi: number, step = 64) => fc.integer({ min: Math.round(lo * step), max: Math.round(hi * step) }).map((i) => i / step);
const vertex = fc.record({
  x: grid(-1.6, 1.6), y: grid(-1.6, 1.6), z: grid(-1.2, 1.2), w: grid(0.3, 3),
  c: fc.array(grid(-0.5, 1.5, 256), { minLength: 4, maxLength: 4 }),
});
const draw = fc.record({
  fs: fc.integer({ min: 0, max: FRAGMENT.length - 1 }),
  tris: fc.array(fc.tuple(vertex, vertex, vertex), { minLength: 1, maxLength: 3 }),
  depthTest: fc.boolean(), depthFunc: fc.constantFrom(...DEPTH_FUNC), depthMask: fc.boolean(),
  blend: fc.boolean(),
  eq: fc.tuple(fc.constantFrom(...BLEND_EQ), fc.constantFrom(...BLEND_EQ)),
  factors: fc.tuple(fc.constantFrom(...SRC_FACTOR), fc.constantFrom(...BLEND_FACTOR), fc.constantFrom(...SRC_FACTOR), fc.constantFrom(...BLEND_FACTOR)),
  blendColor: fc.array(ff({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
  mask: fc.integer({ min: 0, max: 15 }),
  offset: fc.option(fc.tuple(ff({ min: -2, max: 2, noNaN: true }), ff({ min: -4, max: 4, noNaN: true })), { nil: undefined }),
  scissor: fc.option(fc.tuple(fc.nat(60), fc.nat(60), fc.nat(60), fc.nat(60)), { nil: undefined }),
  cull: fc.boolean(),
  u: fc.array(ff({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
});
const scene = fc.record({
  w: fc.integer({ min: 1, max: 70 }), h: fc.integer({ min: 1, max: 70 }),

  /** 0: the default framebuffer (rgba8, depth, stencil); 1-3: a renderbuffer RGBA4 / RGB565 / RGB5_A1 with DEPTH_COMPONENT16; 4: a texture without depth */
  // 0: the canvas (rgba8); 1-3: rgba4, rgb565, rgb5a1 renderbuffers; 4: an RGBA texture (rgba8); 5: an RGB texture (rgb8)
  target: fc.integer({ min: 0, max: 5 }),
  clear: fc.array(ff({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
  clearDepth: ff({ min: 0, max: 1, noNaN: true }),
  draws: fc.array(draw, { minLength: 1, maxLength: 4 }),
});

type Scene = typeof scene extends fc.Arbitrary<infer T> ? T : never;

function render(s: Scene): Uint8Array {
  return withGl(s.w, s.h, (gl) => {
    gl.getExtension('OES_standard_derivatives');
    gl.getExtension('EXT_blend_minmax');
    gl.getExtension('EXT_frag_depth');
    if (s.target) {
      const fb = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
      if (s.target >= 4) {
        const tex = gl.createTexture(), f = s.target === 4 ? gl.RGBA : gl.RGB;
        gl.bindTexture(gl.TEXTURE_2D, tex);
        gl.texImage2D(gl.TEXTURE_2D, 0, f, s.w, s.h, 0, f, gl.UNSIGNED_BYTE, null);
        gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
      } else {
        const rb = gl.createRenderbuffer();
        gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
        gl.renderbufferStorage(gl.RENDERBUFFER, [gl.RGBA4, gl.RGB565, gl.RGB5_A1][s.target - 1]!, s.w, s.h);
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
        const db = gl.createRenderbuffer();
        gl.bindRenderbuffer(gl.RENDERBUFFER, db);
        gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, s.w, s.h);
        gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, db);
      }
      assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    }
    gl.viewport(0, 0, s.w, s.h);
    gl.clearColor(s.clear[0]!, s.clear[1]!, s.clear[2]!, s.clear[3]!);
    gl.clearDepth(s.clearDepth);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    const progs = FRAGMENT.map((f) => program(gl, VS, f, { pos: 0, col: 1 }));
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.enableVertexAttribArray(0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 32, 0);
    gl.vertexAttribPointer(1, 4, gl.FLOAT, false, 32, 16);
    for (const d of s.draws) {
      const p = progs[d.fs]!;
      gl.useProgram(p);
      const u = gl.getUniformLocation(p, 'u');
      if (u) gl.uniform4fv(u, d.u);
      const data: number[] = [];
      for (const t of d.tris) for (const v of t) data.push(v.x * v.w, v.y * v.w, v.z * v.w, v.w, ...v.c);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STREAM_DRAW);
      (d.depthTest ? gl.enable : gl.disable).call(gl, gl.DEPTH_TEST);
      gl.depthFunc(d.depthFunc); gl.depthMask(d.depthMask);
      (d.blend ? gl.enable : gl.disable).call(gl, gl.BLEND);
      gl.blendEquationSeparate(d.eq[0], d.eq[1]);
      gl.blendFuncSeparate(d.factors[0], d.factors[1], d.factors[2], d.factors[3]);
      gl.blendColor(d.blendColor[0]!, d.blendColor[1]!, d.blendColor[2]!, d.blendColor[3]!);
      gl.colorMask(!!(d.mask & 1), !!(d.mask & 2), !!(d.mask & 4), !!(d.mask & 8));
      if (d.offset) { gl.enable(gl.POLYGON_OFFSET_FILL); gl.polygonOffset(d.offset[0], d.offset[1]); } else gl.disable(gl.POLYGON_OFFSET_FILL);
      if (d.scissor) { gl.enable(gl.SCISSOR_TEST); gl.scissor(...d.scissor); } else gl.disable(gl.SCISSOR_TEST);
      (d.cull ? gl.enable : gl.disable).call(gl, gl.CULL_FACE);
      gl.drawArrays(gl.TRIANGLES, 0, d.tris.length * 3);
    }
    // (WebGL refuses CONSTANT_COLOR with CONSTANT_ALPHA as a factor pair: that draw keeps the previous factors, on both paths)
    const err: number = gl.getError();
    assert.ok(err === gl.NO_ERROR || err === gl.INVALID_OPERATION, `GL error ${err}`);
    return read(gl, s.w, s.h);
  }, { antialias: false }); // single-sampled (multisampled kernels: the 4x MSAA tests)
}

test('random triangles and state (depth funcs, blend equations and factors, colour masks, formats): byte-identical', () => {
  const before = fusedCounters.triangles;
  fc.assert(fc.property(scene, (s) => {
    const [a, b] = both(() => render(s), false);
    assert.deepEqual(b, a);
  }), { numRuns: 60, seed: 11 });
  assert.ok(fusedCounters.triangles - before > 100, `only ${fusedCounters.triangles - before} triangles through fused kernels`);
});

/**
 * Triangles on a 64 x 64 canvas (w = 1: window coordinates are exactly (x + 1) * 32) with corners on the
 * half-pixel grid, so edges run through pixel centres and the top-left rule decides them: small ones (each
 * side within 40 pixels) and large ones (a side over 64 pixels), and some with corners halfway between
 * sub-pixel units (the snapping's ties), mixed in one draw over two tiles in each direction: one tile-list
 * walk (fused-walk.ts) sets them up.
 */
type GridVertex = Scene['draws'][number]['tris'][number][0];
const onGrid = (lo: number, hi: number, step: number) => fc.integer({ min: lo * step, max: hi * step }).map((i) => i / step);
const gridTriangle = (reach: number, step = 2) => fc.tuple(onGrid(-8, 72, 2), onGrid(-8, 72, 2), fc.array(fc.tuple(onGrid(-reach, reach, step), onGrid(-reach, reach, step)), { minLength: 3, maxLength: 3 }))
  .map(([cx, cy, corners]) => corners.map(([dx, dy]) => ({ x: (cx + dx) / 32 - 1, y: (cy + dy) / 32 - 1, z: 0, w: 1, c: [(cx % 7) / 7, (cy % 5) / 5, 0.5, 1] })));
const gridScene = fc.record({
  small: fc.array(gridTriangle(20), { minLength: 1, maxLength: 12 }),
  large: fc.array(gridTriangle(60).filter((t) => Math.max(...t.map((v) => v.x)) - Math.min(...t.map((v) => v.x)) > 2.05), { maxLength: 3 }),
  // corners on the 1/512-pixel grid: half a sub-pixel unit, where snapping rounds halves up (Math.round)
  ties: fc.array(gridTriangle(12, 512), { maxLength: 4 }),
  cull: fc.boolean(), fs: fc.constantFrom(0, 2),
}).map(({ small, large, ties, cull, fs }): Scene => ({
  w: 64, h: 64, target: 0, clear: [0, 0, 0, 1], clearDepth: 1,
  draws: [{
    fs, tris: [...small, ...large, ...ties].map((t): [GridVertex, GridVertex, GridVertex] => [t[0]!, t[1]!, t[2]!]),
    depthTest: false, depthFunc: 0x201, depthMask: true, blend: true, eq: [0x8006, 0x8006], factors: [1, 1, 1, 1],
    blendColor: [0, 0, 0, 0], mask: 15, offset: undefined, scissor: undefined, cull, u: [0, 0, 0, 0],
  }],
}));

test('small and large triangles, edges through pixel centres, snapping ties: byte-identical', () => {
  // additive blending: a pixel two triangles both claim (a top-left rule broken on a shared edge) shows twice
  const before = fusedCounters.triangles;
  fc.assert(fc.property(gridScene, (s) => {
    const [a, b] = both(() => render(s), false);
    assert.deepEqual(b, a);
  }), { numRuns: 60, seed: 7 });
  assert.ok(fusedCounters.triangles - before > 300, `only ${fusedCounters.triangles - before} triangles through fused kernels`);
});

// ---- 4x multisampling -------------------------------------------------------------

/** GLSL ES 3.00 forms of VS and FRAGMENT (WebGL 2 has derivatives, gl_FragDepth and MIN/MAX blending built in) */
const es3 = (src: string, stage: 'vs' | 'fs') => '#version 300 es\n' + src.replace(/#extension[^\n]*\n/g, '')
  .replace(/attribute /g, 'in ').replace(/varying /g, stage === 'vs' ? 'out ' : 'in ')
  .replace(/precision mediump float;/, stage === 'fs' ? 'precision mediump float; out vec4 fragColor;' : 'precision mediump float;')
  .replace(/gl_FragColor/g, 'fragColor').replace(/gl_FragDepthEXT/g, 'gl_FragDepth');
const VS3 = es3(VS, 'vs'), FRAGMENT3 = FRAGMENT.map((f) => es3(f, 'fs'));

/** What a multisampled scene leaves: the resolved image and the sample images of colour and depth/stencil, as the GPU stored them. */
interface MsResult { pixels: Uint8Array; colorSamples: Uint8Array; zsSamples: Uint8Array }

/**
 * A scene on a 4x multisampled framebuffer of a WebGL 2 context: target 0 the antialiased drawing buffer
 * (rgba8 with d24s8), 1-3 multisampled RGBA4 / RGB565 / RGB5_A1 renderbuffers with DEPTH_COMPONENT16, 4-5
 * multisampled RGBA8 with DEPTH24_STENCIL8. The sample images are read straight from their buffer objects
 * (test-only internals: no GL call reads samples), the resolve by readPixels (the drawing buffer) or
 * blitFramebuffer into a single-sampled renderbuffer of the same format.
 */
function renderMs(s: Scene, depth32f = false, samples = 4): MsResult {
  return withGl(s.w, s.h, (gl0) => {
    const gl = gl0 as unknown as WebGL2RenderingContext;
    type Internal = { bo: { bytes(o: number, n: number): Uint8Array; size: number } | null };
    let color: Internal | null = null, zs: Internal | null = null, fmt = 0, fb: WebGLFramebuffer | null = null;
    if (s.target) {
      fmt = [gl.RGBA4, gl.RGB565, gl.RGB5_A1, gl.RGBA8, gl.RGBA8][s.target - 1]!;
      const zfmt = s.target <= 3 ? gl.DEPTH_COMPONENT16 : depth32f ? gl.DEPTH32F_STENCIL8 : gl.DEPTH24_STENCIL8;
      const storage = (f: number) => samples > 1 ? gl.renderbufferStorageMultisample(gl.RENDERBUFFER, samples, f, s.w, s.h) : gl.renderbufferStorage(gl.RENDERBUFFER, f, s.w, s.h);
      fb = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
      const rb = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
      storage(fmt);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
      const db = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, db);
      storage(zfmt);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, zfmt !== gl.DEPTH_COMPONENT16 ? gl.DEPTH_STENCIL_ATTACHMENT : gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, db);
      assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
      color = stateOf(rb, AkRenderbuffer)!; zs = stateOf(db, AkRenderbuffer)!;
    } else {
      const surface = (gl0 as unknown as { st: { defaultSurface: { msColor: Internal; zs: Internal } } }).st.defaultSurface;
      color = surface.msColor; zs = surface.zs;
    }
    gl.viewport(0, 0, s.w, s.h);
    gl.clearColor(s.clear[0]!, s.clear[1]!, s.clear[2]!, s.clear[3]!);
    gl.clearDepth(s.clearDepth);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    const progs = FRAGMENT3.map((f) => program(gl, VS3, f, { pos: 0, col: 1 }));
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.enableVertexAttribArray(0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 32, 0);
    gl.vertexAttribPointer(1, 4, gl.FLOAT, false, 32, 16);
    for (const d of s.draws) {
      const p = progs[d.fs]!;
      gl.useProgram(p);
      const u = gl.getUniformLocation(p, 'u');
      if (u) gl.uniform4fv(u, d.u);
      const data: number[] = [];
      for (const t of d.tris) for (const v of t) data.push(v.x * v.w, v.y * v.w, v.z * v.w, v.w, ...v.c);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STREAM_DRAW);
      (d.depthTest ? gl.enable : gl.disable).call(gl, gl.DEPTH_TEST);
      gl.depthFunc(d.depthFunc); gl.depthMask(d.depthMask);
      (d.blend ? gl.enable : gl.disable).call(gl, gl.BLEND);
      gl.blendEquationSeparate(d.eq[0], d.eq[1]);
      gl.blendFuncSeparate(d.factors[0], d.factors[1], d.factors[2], d.factors[3]);
      gl.blendColor(d.blendColor[0]!, d.blendColor[1]!, d.blendColor[2]!, d.blendColor[3]!);
      gl.colorMask(!!(d.mask & 1), !!(d.mask & 2), !!(d.mask & 4), !!(d.mask & 8));
      if (d.offset) { gl.enable(gl.POLYGON_OFFSET_FILL); gl.polygonOffset(d.offset[0], d.offset[1]); } else gl.disable(gl.POLYGON_OFFSET_FILL);
      if (d.scissor) { gl.enable(gl.SCISSOR_TEST); gl.scissor(...d.scissor); } else gl.disable(gl.SCISSOR_TEST);
      (d.cull ? gl.enable : gl.disable).call(gl, gl.CULL_FACE);
      gl.drawArrays(gl.TRIANGLES, 0, d.tris.length * 3);
    }
    const err: number = gl.getError();
    assert.ok(err === gl.NO_ERROR || err === gl.INVALID_OPERATION, `GL error ${err}`);
    gl.disable(gl.SCISSOR_TEST);
    let pixels: Uint8Array;
    if (fb) {
      // the resolve: a blit into a single-sampled renderbuffer of the same format
      const dst = gl.createFramebuffer(), rb = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
      gl.renderbufferStorage(gl.RENDERBUFFER, fmt, s.w, s.h);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, dst);
      gl.framebufferRenderbuffer(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, fb);
      gl.blitFramebuffer(0, 0, s.w, s.h, 0, 0, s.w, s.h, gl.COLOR_BUFFER_BIT, gl.NEAREST);
      assert.equal(gl.getError(), gl.NO_ERROR);
      gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
    }
    pixels = read(gl0, s.w, s.h);
    gl.finish();
    const all = (x: Internal | null) => (x?.bo ? x.bo.bytes(0, x.bo.size) : new Uint8Array(0));
    return { pixels, colorSamples: all(color), zsSamples: all(zs) };
  }, { version: 2, antialias: true });
}

test('4x MSAA: random triangles (edges through pixels) and state, five formats: byte-identical samples, depth samples and resolve', () => {
  const before = fusedCounters.triangles;
  fc.assert(fc.property(scene, (s) => {
    const [a, b] = both(() => renderMs(s), false);
    assert.ok(a.colorSamples.length >= s.w * s.h * 4 * 2 && a.zsSamples.length >= s.w * s.h * 2 * 4, 'the sample images were read');
    assert.deepEqual(b.colorSamples, a.colorSamples, 'colour samples');
    assert.deepEqual(b.zsSamples, a.zsSamples, 'depth/stencil samples');
    assert.deepEqual(b.pixels, a.pixels, 'resolve');
  }), { numRuns: 60, seed: 12 });
  assert.ok(fusedCounters.triangles - before > 100, `only ${fusedCounters.triangles - before} triangles through fused kernels`);
});

const DISCARD_FS = `
ld_vary r0, v8
ld_vary r1, v9
fadd r2, r0, r1
ffract r2, r2
fcmp.gt r3, r2, #0.5
discard r3
st_out rt0.x, r2
st_out rt0.y, r1
st_out rt0.z, r0
st_out rt0.w, #0.5
end
`;
/** fragments shaded so far on machine m (the firmware's statistics) */
const fragmentsOf = (m: Machine) => Number(m.driver.firmwareStats().fragments);
const ndc = grid(-1.3, 1.3, 97); // a grid unrelated to the pixels': edges cross pixels anywhere
const msVertex = fc.tuple(ndc, ndc, grid(0, 1, 255), grid(0, 1, 255), grid(0, 1, 255));

test('DEPTH32F_STENCIL8 (planar d32f_s8), single-sampled and 4x: random triangles and state, byte-identical colour, depth and stencil planes', () => {
  const before = fusedCounters.triangles;
  // RGBA8 targets (scene targets 4, 5) over a DEPTH32F_STENCIL8 renderbuffer: the kernels keep its depths as float32, as d32f's
  fc.assert(fc.property(scene, fc.constantFrom(0, 4), (s0, samples) => {
    const s = { ...s0, target: 4 + (s0.target & 1) };
    const [a, b] = both(() => renderMs(s, true, samples), false);
    // depth planes (4 bytes a sample) and the stencil plane (1) after them
    assert.equal(a.zsSamples.length >= s.w * s.h * 5 * Math.max(1, samples), true, 'both planes were read');
    assert.deepEqual(b.colorSamples, a.colorSamples, 'colour');
    assert.deepEqual(b.zsSamples, a.zsSamples, 'depth and stencil planes');
    assert.deepEqual(b.pixels, a.pixels, 'pixels');
  }), { numRuns: 30, seed: 16 });
  assert.ok(fusedCounters.triangles - before > 50, `only ${fusedCounters.triangles - before} triangles through fused kernels`);
});

test('4x MSAA on the core: random programs and triangles: the same samples, resolve, counts, GPU time and occlusion count', () => {
  const before = fusedCounters.triangles;
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const counter = dev.createBo(4096, 'rw');
    fc.assert(fc.property(
      fc.oneof(
        fc.array(quadInstr, { minLength: 1, maxLength: 10 }).chain((body) => fc.tuple(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 4, maxLength: 4 }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }))
          .map(([reg, shift]) => ['ld_vary r0, v8', 'ld_vary r1, v9', 'ld_vary r2, v10', ...body, ...tail(reg, shift), 'end'].join('\n'))),
        fc.constantFrom(TRIANGLE_FS, loopFs(3), DISCARD_FS),
      ),
      fc.array(fc.tuple(msVertex, msVertex, msVertex), { minLength: 1, maxLength: 4 }),
      fc.record({
        blend: fc.integer({ min: 0, max: 1 }), blend_eq_rgb: fc.integer({ min: 0, max: 4 }), blend_eq_a: fc.integer({ min: 0, max: 4 }),
        blend_src_rgb: fc.integer({ min: 0, max: 14 }), blend_dst_rgb: fc.integer({ min: 0, max: 13 }),
        blend_src_a: fc.integer({ min: 0, max: 14 }), blend_dst_a: fc.integer({ min: 0, max: 13 }),
        blend_r: grid(0, 1, 255), blend_g: grid(0, 1, 255), blend_b: grid(0, 1, 255), blend_a: grid(0, 1, 255),
        color_mask: fc.integer({ min: 0, max: 15 }),
      }),
      fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 48 }), fc.boolean(),
      (fs, tris, state, w, h, twiddled) => {
        const run = () => {
          counter.write(0, new Uint32Array(2));
          const f0 = fragmentsOf(m);
          const r = drawTriangle(dev, {
            fs, width: w, height: h, samples: 4, layout: twiddled ? 'twiddled' : 'linear', vertices: tris.flat(), state,
            fsUniforms: { words: [0x3f000000, 0x3e800000, 0x40000000, 0xbf800000] }, draw: { occlusion: 1, occlusion_address: counter.va },
          });
          const c = new Uint32Array(2);
          counter.read(0, c);
          return { r, samples: c[0]! + c[1]! * 2 ** 32, fragments: fragmentsOf(m) - f0 };
        };
        const [a, b] = both(run, false);
        assert.equal(a.r.status, 'complete');
        assert.equal(b.r.status, 'complete');
        assert.deepEqual(b.r.raw, a.r.raw, 'the sample images');
        assert.deepEqual(b.r.pixels, a.r.pixels, 'the resolve');
        assert.equal(b.fragments, a.fragments, 'fragments');
        // (the virtual clock charges every warp and instruction)
        assert.equal(elapsed(b.r), elapsed(a.r));
        assert.equal(b.samples, a.samples, 'occlusion: samples passed');
        // every fragment has from one to four covered samples, and with no depth test each passes
        const frags = a.fragments;
        assert.ok(a.samples >= frags && a.samples <= 4 * frags, `${a.samples} samples of ${frags} fragments`);
      }), { numRuns: 80, seed: 13 });
  });
  assert.ok(fusedCounters.triangles - before > 80, `only ${fusedCounters.triangles - before} triangles through fused kernels`);
});

test('4x MSAA golden: a full-screen quad covers every sample once (occlusion 4 per pixel); a vertical edge at x = 2.5 covers samples 0 and 2 of column 2', () => {
  // 6 x 4 pixels, a quad of two triangles from x = 0 to X1 (6, or 2.5: NDC 2.5 / 3 - 1), split by its diagonal from memory
  // (0, 0) to (X1, 4) (NDC y up, memory y down). Sample j of pixel (x, y) at (x + sx, y + sy) is covered when x + sx < X1 (no
  // sample x is 2.5: 2.375, 2.875, 2.125, 2.625 in column 2), by the first triangle when (y + sy) X1 > 4 (x + sx), else by
  // the second (no sample lies on the diagonal: in eighths the two sides differ in parity). Every covered sample counts once;
  // a pixel with samples on both sides is shaded by both triangles: two fragments.
  const POS = [[0.375, 0.125], [0.875, 0.375], [0.125, 0.625], [0.625, 0.875]];
  const expected = (X1: number) => {
    let samples = 0, fragments = 0;
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 6; x++) {
        let a = 0, b = 0;
        for (const [sx, sy] of POS) if (x + sx! < X1) { samples++; if ((y + sy!) * X1 > 4 * (x + sx!)) a++; else b++; }
        fragments += (a ? 1 : 0) + (b ? 1 : 0);
      }
    }
    return { samples, fragments };
  };
  assert.deepEqual(expected(6).samples, 96);
  const quad = (x1: number): Array<[number, number, number, number, number]> =>
    [[-1, -1, 1, 0, 0], [x1, -1, 1, 0, 0], [-1, 1, 1, 0, 0], [-1, 1, 1, 0, 0], [x1, -1, 1, 0, 0], [x1, 1, 1, 0, 0]];
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const counter = dev.createBo(4096, 'rw');
    const run = (x1: number) => {
      counter.write(0, new Uint32Array(2));
      const f0 = fragmentsOf(m);
      const r = drawTriangle(dev, { width: 6, height: 4, samples: 4, vertices: quad(x1), draw: { occlusion: 1, occlusion_address: counter.va } });
      const c = new Uint32Array(2);
      counter.read(0, c);
      return { r, samples: c[0]!, fragments: fragmentsOf(m) - f0 };
    };
    for (const [x1, X1] of [[1, 6], [2.5 / 3 - 1, 2.5]] as const) {
      const [a, b] = both(() => run(x1));
      const want = expected(X1);
      for (const o of [a, b]) {
        assert.equal(o.fragments, want.fragments);
        assert.equal(o.samples, want.samples);
      }
      // column 2 resolves to half red over the opaque black clear: 255 * 2 / 4 = 127.5, rounded to 128
      if (x1 < 1) for (const o of [a, b]) for (let y = 0; y < 4; y++) assert.deepEqual([...o.r.pixels.subarray((y * 6 + 2) * 4, (y * 6 + 3) * 4)], [128, 0, 0, 255]);
    }
  });
});

test('golden: a blended full-screen pair of triangles over a clear, worked by hand', () => {
  // clear (0.2, 0.4, 0.6, 1) = bytes (51, 102, 153, 255); source (1, 0, 0.5, 0.5) with SRC_ALPHA, ONE_MINUS_SRC_ALPHA:
  // r = 1*0.5 + 0.2*0.5 = 0.6 -> 153; g = 0.4*0.5 = 0.2 -> 51; b = 0.5*0.5 + 0.6*0.5 = 0.55 -> 140.25 -> 140;
  // a = 0.5*0.5 + 1*0.5 = 0.75 -> 191.25 -> 191
  const px = withGl(40, 36, (gl) => {
    program(gl, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }',
      'precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 0.5, 0.5); }', { p: 0 });
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.clearColor(0.2, 0.4, 0.6, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    const before = fusedCounters.triangles;
    gl.drawArrays(gl.TRIANGLES, 0, 6);
    const px = read(gl, 40, 36);
    assert.ok(fusedCounters.triangles > before);
    return px;
  }, { antialias: false }); // single-sampled (multisampled kernels: the 4x MSAA tests)
  for (let i = 0; i < 40 * 36; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [153, 51, 140, 191], `pixel ${i}`);
});

test('depth quantisation in the kernel: k (1 / max) rounds as k / max, and (x + 2^52) - 2^52 as Math.round', () => {
  // fused.ts quantises z to d16/d24 as round(z max) (1 / max) with round(x) = (x + 2^52) - 2^52, tile.ts
  // quantDepth as Math.round(z max) / max. The product by the reciprocal rounds to the same float32 for every k:
  for (const max of [65535, 16777215]) {
    const r = 1 / max;
    for (let k = 0; k <= max; k++) if (Math.fround(k * r) !== Math.fround(k / max)) assert.fail(`${k} / ${max}`);
  }
  // Adding 2^52 rounds ties to even, Math.round up. z max (z a float32, max = 2^n - 1 odd) is a tie n + 1/2 only
  // if z = (2n + 1) / (2 max) has a finite binary expansion, so max divides 2n + 1 and z = j / 2 with j odd:
  // z = 0.5, where n + 1 = (max + 1) / 2 is even and both pick it.
  const magic = (x: number) => (x + 2 ** 52) - 2 ** 52;
  for (const max of [65535, 16777215]) {
    assert.equal(magic(0.5 * max), Math.round(0.5 * max));
    assert.equal(magic(0.5 * max), (max + 1) / 2);
  }
  fc.assert(fc.property(fc.float({ min: 0, max: 1, noNaN: true }), fc.constantFrom(65535, 16777215), (z, max) => {
    const x = Math.fround(z) * max;
    assert.ok(magic(x) === Math.round(x), `${x}`); // (=== : the kernel's z is never -0)
  }), { numRuns: 20000 });
});

test('quantisation: a float32 division k / max is the float32 of the double k / max for every unorm level', () => {
  // The fused kernel divides in float32 (correctly rounded: the float32 nearest the exact k / max, found
  // here with integers); the generic path stores the double k / max into a float32 array (rounded twice).
  const nearestF32 = (k: number, m: number): number => {
    if (k === 0) return 0;
    let e = 0;
    while (k * 2 ** -e / m < 2 ** 23) e--;
    while (k * 2 ** -e / m >= 2 ** 24) e++;
    const num = BigInt(k) * (e < 0 ? 2n ** BigInt(-e) : 1n), den = BigInt(m) * (e > 0 ? 2n ** BigInt(e) : 1n);
    let q = num / den;
    const r = num - q * den;
    if (2n * r > den || (2n * r === den && (q & 1n) === 1n)) q++;
    return Number(q) * 2 ** e;
  };
  for (const m of [255, 63, 31, 15, 1]) for (let k = 0; k <= m; k++) assert.equal(nearestF32(k, m), Math.fround(k / m), `${k}/${m}`);
});

test('tile-list walks: long runs of two draws interleaved, vertices at infinity: byte-identical', () => {
  // 64x64 is four tiles; 600 small triangles each cover one to four of them, so every tile's list runs
  // over many chunks, alternating between two programs (two kernels) in slices of 75 triangles, blended
  // so that their order shows. Then a draw whose triangles have a vertex at +/-infinity in x (records
  // with infinite coordinates, set up by the walk as by the pipeline) or NaN (which binning drops)
  // before an ordinary one.
  const rnd = (() => { let s = 7; return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32); })();
  const tri: number[] = [];
  for (let t = 0; t < 600; t++) {
    const cx = rnd() * 2 - 1, cy = rnd() * 2 - 1, r = 0.02 + rnd() * 0.1;
    for (let v = 0; v < 3; v++) tri.push(cx + Math.cos(v * 2.1 + t) * r, cy + Math.sin(v * 2.1 + t) * r, rnd(), rnd());
  }
  const odd: number[] = [];
  for (const x of [Infinity, -Infinity, NaN, 0.5]) odd.push(-0.9, -0.9, 1, 0, x, -0.5, 0, 1, -0.2, 0.8, 0.5, 0.5);
  const render = () => withGl(64, 64, (gl) => {
    const vs = 'attribute vec2 p; attribute vec2 c; varying vec2 v; void main() { v = c; gl_Position = vec4(p, 0.0, 1.0); }';
    const progs = [
      program(gl, vs, 'precision mediump float; varying vec2 v; void main() { gl_FragColor = vec4(v, 0.5, 0.6); }', { p: 0, c: 1 }),
      program(gl, vs, 'precision mediump float; varying vec2 v; void main() { gl_FragColor = vec4(v.y, 0.25, v.x, 0.3); }', { p: 0, c: 1 }),
    ];
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(tri), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 16, 0);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 16, 8);
    gl.clearColor(0.1, 0.2, 0.3, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    for (let s = 0; s < 8; s++) { gl.useProgram(progs[s & 1]!); gl.drawArrays(gl.TRIANGLES, s * 75 * 3, 75 * 3); }
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(odd), gl.STATIC_DRAW);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 16, 0);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 16, 8);
    gl.drawArrays(gl.TRIANGLES, 0, odd.length / 4);
    return read(gl, 64, 64);
  }, { antialias: false }); // single-sampled (multisampled kernels: the 4x MSAA tests)
  const walked = fusedCounters.walked;
  const [a, b] = both(render);
  assert.deepEqual(b, a);
  // most of the 600 (each in one or more tiles) were set up by the walk
  assert.ok(fusedCounters.walked - walked > 600, `walked ${fusedCounters.walked - walked}`);
  // and the picture is not empty: the blended triangles changed most pixels of the clear colour
  let changed = 0;
  for (let i = 0; i < 64 * 64; i++) if (b[i * 4] !== 26 || b[i * 4 + 1] !== 51 || b[i * 4 + 2] !== 77) changed++;
  assert.ok(changed > 64 * 64 / 2, `${changed} pixels drawn`);
});

// ---- kernels that shade a quad at a time ---------------------------------------

/*
 * Straight-line programs (no control flow, no discard) shade one quad at a time with unmasked register
 * writes (fused.ts emitShadeQuads, shader-wasm.ts quadSeparable). Random such programs against the generic
 * pipeline (whose translated warps write under the execution mask, and which test/shader-wasm.test.ts holds
 * to the interpreter): every register's bits reach the pixels — the fixed tail writes byte `s` of register
 * `r`'s bits as (byte / 255) to a channel, so a difference in any bit of the registers it shows is a
 * difference in a byte of the image — and the counts and the GPU time must agree.
 */
const QFLOAT = ['fadd', 'fmul', 'ffma', 'fmin', 'fmax', 'frcp', 'frsq', 'fsqrt', 'ffloor', 'fceil', 'ffract', 'ftrunc', 'fround', 'fsign',
  'fcmp', 'fsel', 'fddx', 'fddy', 'fmod', 'fexp2', 'flog2', 'fsin', 'fcos', 'fpow', 'fatan2', 'mov', 'f2i', 'f2u'];
const QINT = ['iadd', 'isub', 'imul', 'idiv', 'irem', 'udiv', 'umod', 'imin', 'imax', 'umin', 'umax', 'and', 'or', 'xor', 'not', 'shl', 'shr', 'asr',
  'icmp', 'ucmp', 'i2f', 'u2f'];
const COND_NAMES = ['eq', 'ne', 'lt', 'ge', 'le', 'gt'];
const SRCS = 3; // sources by op: 1, 2 or 3
const arity = (op: string) => (['ffma', 'fsel'].includes(op) ? 3
  : ['frcp', 'frsq', 'fsqrt', 'ffloor', 'fceil', 'ffract', 'ftrunc', 'fround', 'fsign', 'fddx', 'fddy', 'fexp2', 'flog2', 'fsin', 'fcos', 'mov',
    'f2i', 'f2u', 'not', 'i2f', 'u2f'].includes(op) ? 1 : 2);
// float registers r0-r5 (r0-r2 start as the varyings), integer registers r6-r8 (from f2i / f2u / integer ops); the tail reads r0-r8
const qsrc = (int: boolean) => fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: int ? 6 : 0, max: int ? 8 : 5 }).map((r) => `r${r}`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }).map((u) => `u${u}`) },
  { weight: 2, arbitrary: fc.constantFrom('#0.0', '#1.0', '#2.0', '#0.5', '#-1.0', '#255.0', '#3.0', '#0.1') },
  { weight: 1, arbitrary: fc.constantFrom('sr.lane_id', 'sr.frag_x', 'sr.frag_y', 'sr.frag_z', 'sr.frag_w', 'sr.front_facing') },
).chain((s) => (int || s.startsWith('sr.lane') ? fc.constant(s) : fc.constantFrom(s, `-${s}`, `|${s}|`)));
const quadInstr = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...QFLOAT).chain((op) => fc.record({
    dst: op === 'f2i' || op === 'f2u' ? fc.integer({ min: 6, max: 8 }) : fc.integer({ min: 0, max: 5 }),
    srcs: fc.array(qsrc(false), { minLength: SRCS, maxLength: SRCS }), sat: fc.boolean(), cond: fc.constantFrom(...COND_NAMES),
  }).map((f) => `${op}${op === 'fcmp' ? `.${f.cond}` : ''}${f.sat && op !== 'f2i' && op !== 'f2u' ? '.sat' : ''} r${f.dst}, ${f.srcs.slice(0, arity(op)).join(', ')}`)) },
  { weight: 3, arbitrary: fc.constantFrom(...QINT).chain((op) => fc.record({
    dst: op === 'i2f' || op === 'u2f' ? fc.integer({ min: 0, max: 5 }) : fc.integer({ min: 6, max: 8 }),
    srcs: fc.array(qsrc(true), { minLength: SRCS, maxLength: SRCS }), cond: fc.constantFrom(...COND_NAMES),
  }).map((f) => `${op}${op === 'icmp' || op === 'ucmp' ? `.${f.cond}` : ''} r${f.dst}, ${f.srcs.slice(0, arity(op)).join(', ')}`)) },
  { weight: 1, arbitrary: fc.record({ dst: fc.integer({ min: 0, max: 8 }), v: fc.integer() }).map((f) => `movi r${f.dst}, 0x${(f.v >>> 0).toString(16)}`) },
  { weight: 1, arbitrary: fc.record({ dst: fc.integer({ min: 0, max: 5 }), v: fc.integer({ min: 8, max: 11 }) }).map((f) => `ld_vary r${f.dst}, v${f.v}`) },
  { weight: 1, arbitrary: fc.record({ c: fc.constantFrom('x', 'y', 'z', 'w'), s: qsrc(false) }).map((f) => `st_out rt0.${f.c}, ${f.s}`) },
  { weight: 1, arbitrary: fc.constant('nop') },
);
/** the tail: channel c shows byte shift[c] of register reg[c]'s bits (through r9-r11) */
const tail = (reg: number[], shift: number[]) => reg.flatMap((r, c) => [
  `movi r9, ${shift[c]! * 8}`, `shr r10, r${r}, r9`, 'movi r9, 255', 'and r10, r10, r9', 'u2f r11, r10', `fmul r11, r11, #${1 / 255}`,
  `st_out rt0.${'xyzw'[c]}, r11`,
]);

test('quad-at-a-time kernels: random straight-line programs, every register bit shown: byte-identical, same counts and time', () => {
  const before = fusedCounters.quadKernels;
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    fc.assert(fc.property(
      fc.array(quadInstr, { minLength: 1, maxLength: 14 }),
      fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 4, maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
      fc.boolean(), fc.array(fc.float({ noNaN: true, min: -4, max: 4 }).map((x) => new Uint32Array(new Float32Array([x]).buffer)[0]!), { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }),
      (body, reg, shift, early, uni, w, h) => {
        // `early`: an end before the tail (the instructions after it are translated and never run)
        const fs = ['ld_vary r0, v8', 'ld_vary r1, v9', 'ld_vary r2, v10', ...body, ...(early ? ['end'] : []), ...tail(reg, shift), 'end'].join('\n');
        const [a, b] = both(() => drawTriangle(dev, { fs, width: w, height: h, fsUniforms: { words: uni } }));
        assert.equal(a.status, 'complete');
        assert.equal(b.status, 'complete');
        assert.deepEqual(b.pixels, a.pixels, fs);
        for (const k of ['fragments', 'instructions'] as const) assert.equal(b.result[k], a.result[k], `${k}\n${fs}`);
        assert.equal(elapsed(b), elapsed(a));
      }), { numRuns: 150, seed: 7 });
  });
  assert.ok(fusedCounters.quadKernels - before > 100, `${fusedCounters.quadKernels - before} quad kernels built`);
});

test('quad-at-a-time kernels: only straight-line programs of quad-local instructions', () => {
  const ok = (text: string) => quadSeparable(decodeProgram(assemble(text)));
  assert.ok(ok(TRIANGLE_FS));
  assert.ok(ok('ld_vary r0, v8\nfddx r1, r0\nfsin r2, r1\nst_out rt0.x, r2\nst_out depth, r1\nend\nnop'));
  assert.ok(!ok('ld_vary r0, v8\ndiscard r0\nst_out rt0.x, r0\nend'), 'discard');
  assert.ok(!ok('ld_vary r0, v8\nif r0\nmov r1, #1.0\nendif\nst_out rt0.x, r1\nend'), 'if');
  assert.ok(!ok('loop\nbreak r0\nendloop\nend'), 'loop');
  assert.ok(!ok('ld_vary r0, v8\ntex.2d.implicit r0, s0, r0, #0.0, r0\nst_out rt0.x, r0\nend'), 'tex');
  assert.ok(!ok('movi r1, 0\nld_g r0, [r1:+0]\nst_out rt0.x, r0\nend'), 'global memory');
});
