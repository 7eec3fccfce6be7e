/**
 * Texture sampling: the texture unit's fixed-point rules (src/hw/texture.ts,
 * docs/ARCHITECTURE.md "Texture sampling") with values reasoned by hand, and
 * the fused kernels' in-kernel sampler (src/hw/sampler-wasm.ts) against the
 * generic path on random textured scenes — byte-identical render targets —
 * and on a fault at an unmapped texture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drawTriangle } from '../src/umd/triangle.js';
import { UmdDevice } from '../src/umd/device.js';
import { fusedCounters, setFusedKernels } from '../src/hw/fused.js';
import { lerp8, lodFixed, LOD_MIN, LOD_MAX } from '../src/hw/texture.js';
import { withMachine } from './helpers.js';
import { program, read, withGl } from './webgl/helpers.js';

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

test('lodFixed is floor(128 log2(r2)) on exact powers and known values, clamped', () => {
  // r2 = 4^k: rho = 2^k, lambda = k exactly (L = 256 k)
  for (let k = -20; k <= 20; k++) assert.equal(lodFixed(4 ** k), 256 * k);
  // 2.25 = 1.125 * 2: 128 + floor(128 log2 1.125) = 128 + floor(21.75...) = 149
  assert.equal(lodFixed(2.25), 149);
  // 3 = 1.5 * 2: 128 + floor(128 * 0.58496...) = 128 + 74
  assert.equal(lodFixed(3), 202);
  assert.equal(lodFixed(0), LOD_MIN);
  assert.equal(lodFixed(NaN), LOD_MIN);
  assert.equal(lodFixed(Infinity), LOD_MAX);
  // away from the 1/128 steps the squaring rule is the true floor
  for (let i = 1; i < 2000; i++) {
    const r2 = 1 + i / 997;
    const exact = 128 * Math.log2(r2);
    if (Math.abs(exact - Math.round(exact)) < 1e-6) continue;
    assert.equal(lodFixed(r2), Math.floor(exact), `r2 ${r2}`);
  }
});

test('lerp8 blends 8-bit channels with round-half-up and keeps equal texels exact', () => {
  assert.equal(lerp8(0, 255, 128), 128); // (255 * 128 + 128) >> 8 = 32768 >> 8
  assert.equal(lerp8(16, 240, 149), 146); // (16 * 107 + 240 * 149 + 128) >> 8 = 37600 >> 8 = 146.875
  for (let a = 0; a < 256; a += 17) for (let f = 0; f < 256; f += 5) assert.equal(lerp8(a, a, f), a);
});

const QUAD_VS = 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }';

/** a full-viewport quad with fragment shader `fs`, texture unit 0 set up by `tex` */
function drawQuad(w: number, h: number, fs: string, tex: (gl: WebGLRenderingContext) => void): Uint8Array {
  return withGl(w, h, (gl) => {
    const p = program(gl, QUAD_VS, fs, { pos: 0 });
    gl.useProgram(p);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    tex(gl);
    gl.uniform1i(gl.getUniformLocation(p, 'tex'), 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 6);
    return read(gl, w, h);
  }, { antialias: false }); // single-sampled (test/fused.test.ts holds multisampled kernels to the generic path)
}

test('bilinear golden: a 2x2 texture sampled at (0.625, 0.375) gives the hand-computed 8-bit blend', () => {
  // texels: (0,0) black, (1,0) red, (0,1) green, (1,1) blue (row 0 is t = 0).
  // s * 2 * 256 - 128 = 192: x0 = 0, fx = 192; t * 2 * 256 - 128 = 64: y0 = 0, fy = 64.
  // R: lerp8(0, 255, 192) = 49088 >> 8 = 191 (row 0), lerp8(0, 0, 192) = 0 (row 1); lerp8(191, 0, 64) = 36800 >> 8 = 143
  // G: 0 (row 0), lerp8(255, 0, 192) = 16448 >> 8 = 64 (row 1); lerp8(0, 64, 64) = 4224 >> 8 = 16
  // B: 0 (row 0), lerp8(0, 255, 192) = 191 (row 1); lerp8(0, 191, 64) = 12352 >> 8 = 48
  // The uniform coordinate has zero derivatives: LOD_MIN, magnification, LINEAR.
  const fs = 'precision mediump float; uniform sampler2D tex; void main() { gl_FragColor = texture2D(tex, vec2(0.625, 0.375)); }';
  const texels = new Uint8Array([0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
  const [a, b] = both(() => drawQuad(4, 4, fs, (gl) => {
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, texels);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  }));
  for (const px of [a, b]) for (let i = 0; i < 16; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [143, 16, 48, 255]);
});

test('bilinear golden at a 4x1 texture\'s edge: adjacent texels (one paired load) and a wrap between them, per wrap mode', () => {
  // texels R = 0, 100, 200, 255 and G = 10, 20, 30, 40 (B 0, A 255); t = 0.5: t * 256 - 128 = 0, y0 = 0, fy = 0
  // (row y1 = 1 wraps or clamps to row 0, and lerp8(k, k, 0) = k).
  // s = 13/32: s * 4 * 256 - 128 = 288, x0 = 1, fx = 32, x1 = 2, side by side in the row:
  //   R = (100 * 224 + 200 * 32 + 128) >> 8 = 28928 >> 8 = 113, G = (20 * 224 + 30 * 32 + 128) >> 8 = 5568 >> 8 = 21
  // s = 31/32: 992 - 128 = 864, x0 = 3, fx = 96, x1 = 4 wraps to
  //   repeat: 0 -> R = (255 * 160 + 0 * 96 + 128) >> 8 = 40928 >> 8 = 159, G = (40 * 160 + 10 * 96 + 128) >> 8 = 7488 >> 8 = 29
  //   mirrored repeat: 2 * 4 - 1 - 4 = 3, clamp: 3 -> the texel itself, (255, 40)
  const texels = new Uint8Array([0, 10, 0, 255, 100, 20, 0, 255, 200, 30, 0, 255, 255, 40, 0, 255]);
  const cases: Array<[number, number, number[]]> = [
    [0x2901, 13 / 32, [113, 21, 0, 255]], [0x2901, 31 / 32, [159, 29, 0, 255]],
    [0x8370, 13 / 32, [113, 21, 0, 255]], [0x8370, 31 / 32, [255, 40, 0, 255]],
    [0x812f, 13 / 32, [113, 21, 0, 255]], [0x812f, 31 / 32, [255, 40, 0, 255]],
  ];
  for (const [wrap, s, want] of cases) {
    const fs = `precision highp float; uniform sampler2D tex; void main() { gl_FragColor = texture2D(tex, vec2(${s}, 0.5)); }`;
    const [a, b] = both(() => drawQuad(4, 4, fs, (gl) => {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, texels);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, wrap);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, wrap);
    }));
    for (const px of [a, b]) for (let i = 0; i < 16; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], want, `wrap 0x${wrap.toString(16)} s ${s} pixel ${i}`);
  }
});

test('trilinear golden: the quad LOD from gl_FragCoord-based coordinates picks the hand-computed levels and weight', () => {
  // An 8x8 texture, level 0 solid (16, 32, 64), level 1 solid (240, 160, 80), levels 2, 3 black.
  // uv = gl_FragCoord.xy * 3/16: ds/dx = dt/dy = 3/16 exactly, the other two 0; scaled by the size 8: 1.5.
  // rho^2 = 2.25, L = lodFixed(2.25) = 149: levels 0 and 1, weight 149; solid levels filter to themselves.
  // R = lerp8(16, 240, 149) = (16 * 107 + 240 * 149 + 128) >> 8 = 37600 >> 8 = 146
  // G = (32 * 107 + 160 * 149 + 128) >> 8 = 27392 >> 8 = 107
  // B = (64 * 107 + 80 * 149 + 128) >> 8 = 18896 >> 8 = 73
  // (a float blend would give 147.03 -> 147 for R.)
  const fs = 'precision highp float; uniform sampler2D tex; void main() { gl_FragColor = texture2D(tex, gl_FragCoord.xy * 0.1875); }';
  const solid = (n: number, c: number[]) => new Uint8Array(n * n * 4).map((_, i) => c[i % 4]!);
  const [a, b] = both(() => drawQuad(8, 8, fs, (gl) => {
    [[16, 32, 64, 255], [240, 160, 80, 255], [0, 0, 0, 255], [0, 0, 0, 255]].forEach((c, l) =>
      gl.texImage2D(gl.TEXTURE_2D, l, gl.RGBA, 8 >> l, 8 >> l, 0, gl.RGBA, gl.UNSIGNED_BYTE, solid(8 >> l, c)));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  }));
  for (const px of [a, b]) for (let i = 0; i < 64; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [146, 107, 73, 255], `pixel ${i}`);
});

test('a texture at an unmapped address faults at that address on both paths, and the device renders afterwards', () => {
  const fs = `
ld_vary r0, v8
ld_vary r1, v9
tex.2d.implicit r4, s0, r0
st_out rt0.x, r4
st_out rt0.y, r5
st_out rt0.z, r6
st_out rt0.w, r7
end
`;
  const tex = { address: 0xdead0000, width: 64, height: 64, format: 0, levels: 1, wrap_s: 0, wrap_t: 0, min_filter: 1, mag_filter: 1 };
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const [a, b] = both(() => drawTriangle(new UmdDevice(m.spawn()), { fs, width: 32, height: 32, textures: [tex] }), false);
    assert.equal(a.status, 'fault');
    assert.equal(b.status, 'fault');
    assert.equal(a.result.fault_addr, 0xdead0000);
    assert.equal(b.result.fault_addr, 0xdead0000);
    // a mapped texture on the same machine: sampled in the kernel, the same pixels as the generic path
    const dev = new UmdDevice(m.spawn());
    const bo = dev.createBo(64 * 64 * 4, 'r');
    bo.write(0, new Uint8Array(64 * 64 * 4).map((_, i) => (i * 37) & 255));
    const [c, d] = both(() => drawTriangle(dev, { fs, width: 32, height: 32, textures: [{ ...tex, address: bo.va }] }));
    assert.equal(c.status, 'complete');
    assert.deepEqual(d.pixels, c.pixels);
    assert.ok(c.pixels.some((v, i) => i % 4 !== 3 && v !== 0), 'the texture shows');
  });
});

// ---- random textured scenes: generic and fused byte-identical ---------------------

const VS = `attribute vec4 pos; attribute vec4 uv; varying vec4 v;
void main() { v = uv; gl_Position = pos; }`;
const FRAGMENT = [
  'precision mediump float; uniform sampler2D tex; varying vec4 v; void main() { gl_FragColor = texture2D(tex, v.xy); }',
  // a product with the varying, a second lookup at other coordinates
  'precision mediump float; uniform sampler2D tex; varying vec4 v; void main() { gl_FragColor = texture2D(tex, v.xy) * v.z + texture2D(tex, v.yx * 3.0) * 0.5; }',
  // discard: partial quads, helper lanes
  'precision mediump float; uniform sampler2D tex; varying vec4 v; void main() { if (fract(v.z * 7.0) > 0.6) discard; gl_FragColor = texture2D(tex, v.xy); }',
  // a bias: the I/O unit inside the kernel
  'precision mediump float; uniform sampler2D tex; varying vec4 v; void main() { gl_FragColor = texture2D(tex, v.xy, v.w * 4.0 - 2.0); }',
];
const MIN = [0x2600, 0x2601, 0x2700, 0x2701, 0x2702, 0x2703];
const WRAP = [0x2901, 0x812f, 0x8370];
const FORMATS = ['rgba', 'rgb', 'luminance', 'alpha', 'luminance_alpha', 'rgba4'] as const;
const grid = (lo: number, hi: number, step = 64) => fc.integer({ min: Math.round(lo * step), max: Math.round(hi * step) }).map((i) => i / step);
const vertex = fc.record({
  x: grid(-1.6, 1.6), y: grid(-1.6, 1.6), w: grid(0.3, 3),
  uv: fc.array(grid(-3, 3, 256), { minLength: 4, maxLength: 4 }),
});
const scene = fc.record({
  w: fc.integer({ min: 1, max: 48 }), h: fc.integer({ min: 1, max: 48 }),
  // texture size: powers of two up to 32, or any size up to 40 (clamped, no mipmaps)
  tw: fc.integer({ min: 1, max: 40 }), th: fc.integer({ min: 1, max: 40 }), pow2: fc.boolean(),
  format: fc.constantFrom(...FORMATS),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  minFilter: fc.constantFrom(...MIN), magLinear: fc.boolean(),
  wrapS: fc.constantFrom(...WRAP), wrapT: fc.constantFrom(...WRAP),
  draws: fc.array(fc.record({ fs: fc.integer({ min: 0, max: FRAGMENT.length - 1 }), tris: fc.array(fc.tuple(vertex, vertex, vertex), { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 3 }),
});
type Scene = typeof scene extends fc.Arbitrary<infer T> ? T : never;

function render(s: Scene): Uint8Array {
  return withGl(s.w, s.h, (gl) => {
    const pow = (n: number) => 1 << Math.min(5, Math.floor(Math.log2(n)));
    const tw = s.pow2 ? pow(s.tw) : s.tw, th = s.pow2 ? pow(s.th) : s.th;
    const npot = !s.pow2 && ((tw & (tw - 1)) !== 0 || (th & (th - 1)) !== 0);
    const fmt = s.format === 'rgba4' ? gl.RGBA : gl[s.format.toUpperCase() as 'RGBA'];
    const type = s.format === 'rgba4' ? gl.UNSIGNED_SHORT_4_4_4_4 : gl.UNSIGNED_BYTE;
    const bytes = s.format === 'rgba4' ? 2 : ({ rgba: 4, rgb: 3, luminance: 1, alpha: 1, luminance_alpha: 2 } as const)[s.format];
    let x = s.seed;
    const data = new Uint8Array(tw * th * bytes).map(() => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x >>> 24; });
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.texImage2D(gl.TEXTURE_2D, 0, fmt, tw, th, 0, fmt, type, s.format === 'rgba4' ? new Uint16Array(data.buffer, 0, tw * th) : data);
    // NPOT textures are complete only with CLAMP_TO_EDGE and no mipmaps (WebGL 1)
    const mip = !npot && s.minFilter >= 0x2700;
    if (mip) gl.generateMipmap(gl.TEXTURE_2D);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, npot ? s.minFilter & 0x2601 : s.minFilter);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, s.magLinear ? gl.LINEAR : gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, npot ? gl.CLAMP_TO_EDGE : s.wrapS);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, npot ? gl.CLAMP_TO_EDGE : s.wrapT);
    gl.viewport(0, 0, s.w, s.h);
    gl.clearColor(0.1, 0.2, 0.3, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const progs = FRAGMENT.map((f) => program(gl, VS, f, { pos: 0, uv: 1 }));
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.enableVertexAttribArray(0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 32, 0);
    gl.vertexAttribPointer(1, 4, gl.FLOAT, false, 32, 16);
    for (const d of s.draws) {
      gl.useProgram(progs[d.fs]!);
      gl.uniform1i(gl.getUniformLocation(progs[d.fs]!, 'tex'), 0);
      const v: number[] = [];
      for (const t of d.tris) for (const p of t) v.push(p.x * p.w, p.y * p.w, 0, p.w, ...p.uv);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(v), gl.STREAM_DRAW);
      gl.drawArrays(gl.TRIANGLES, 0, d.tris.length * 3);
    }
    return read(gl, s.w, s.h);
  }, { antialias: false }); // single-sampled (test/fused.test.ts holds multisampled kernels to the generic path)
}

test('random textured scenes: the fused kernel (in-kernel sampler and I/O unit) matches the generic path byte for byte', () => {
  fc.assert(fc.property(scene, (s) => {
    const [a, b] = both(() => render(s), false);
    assert.deepEqual(b, a);
  }), { numRuns: 60 });
});

test('random rgba8 power-of-two textures (the in-kernel sampler\'s own paths: paired and single texel loads, repeat by mask, every wrap and filter): fused matches generic byte for byte', () => {
  const pot = fc.record({
    w: fc.integer({ min: 1, max: 40 }), h: fc.integer({ min: 1, max: 40 }),
    tw: fc.constantFrom(1, 2, 4, 8, 16, 32), th: fc.constantFrom(1, 2, 4, 8, 16, 32), pow2: fc.constant(true),
    format: fc.constant('rgba' as const),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    minFilter: fc.constantFrom(...MIN), magLinear: fc.boolean(),
    wrapS: fc.constantFrom(...WRAP), wrapT: fc.constantFrom(...WRAP),
    draws: fc.array(fc.record({ fs: fc.integer({ min: 0, max: 2 }), tris: fc.array(fc.tuple(vertex, vertex, vertex), { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 2 }),
  });
  fc.assert(fc.property(pot, (s) => {
    const [a, b] = both(() => render(s), false);
    assert.deepEqual(b, a);
  }), { numRuns: 60 });
});
