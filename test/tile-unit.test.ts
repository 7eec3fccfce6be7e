/**
 * The SIMD tile load/store units (src/hw/tile-unit.ts) against the per-pixel
 * arithmetic of tile.ts they replace, written out here: rgba8/bgra8 rows move
 * the tile's R, G, B, A bytes (the k of each k / 255) in the surface's byte
 * order, d24s8 packs round(d * 16777215) << 8 | stencil and
 * unpacks float32((w >>> 8) / 16777215). Rows are offset and odd-sized so
 * both the four-pixel and the one-pixel paths run, and nothing outside the
 * rectangle is touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PhysicalMemory } from '../src/hw/memory.js';
import { BYTE_FORMATS, tileUnit } from '../src/hw/tile-unit.js';
import { CORE_LOCAL } from '../src/hwdesc/corelocal.js';
import { COLOR_FORMAT, TILE_SIZE } from '../src/hwdesc/descriptors.js';
import { UNORM8_F32 } from '../src/hw/tile.js';
import { quantUnorm } from '../src/hw/interp.js';

const mem = PhysicalMemory.create(1 << 20);
const unit = tileUnit(mem);
const base = mem.coreLocal(1);
const color = new Float32Array(mem.buffer, base + CORE_LOCAL.tileColor, TILE_SIZE * TILE_SIZE * 4);
const depth = new Float32Array(mem.buffer, base + CORE_LOCAL.tileDepth, TILE_SIZE * TILE_SIZE);
const stencil = new Uint8Array(mem.buffer, base + CORE_LOCAL.tileStencil, TILE_SIZE * TILE_SIZE);
const bytes = new Uint8Array(mem.buffer, base + CORE_LOCAL.tileColor, TILE_SIZE * TILE_SIZE * 4);
const f32 = Math.fround;
/** surface byte of tile byte c (R, G, B, A), by format: rgba8 in order, bgra8 with R and B swapped */
const ORDER = { rgba8_unorm: [0, 1, 2, 3], bgra8_unorm: [2, 1, 0, 3] } as const;
const fmtIndex = (name: keyof typeof ORDER) => COLOR_FORMAT.indexOf(name);

test('the 4-byte unorm8 formats have byte units, the others none', () => {
  assert.deepEqual(BYTE_FORMATS, [fmtIndex('rgba8_unorm'), fmtIndex('bgra8_unorm')]);
  for (let f = 0; f < COLOR_FORMAT.length; f++) assert.equal(!!unit.loadBytes[f] && !!unit.storeBytes[f], BYTE_FORMATS.includes(f), COLOR_FORMAT[f]);
});

test('colour rows of any size and alignment store and load the tile bytes, R G B A in the format\'s order, and nothing else', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 0, max: 7 }), fc.boolean(), fc.integer(),
    (tw, th, misalign, bgra, seed) => {
      const name = bgra ? 'bgra8_unorm' : 'rgba8_unorm', ord = ORDER[name];
      const pa = 65536 + misalign, stride = TILE_SIZE * 4 + 12;
      const area = mem.u8.subarray(pa - 64, pa + stride * TILE_SIZE + 64);
      area.fill(0xa5);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (seed + i * 2654435761) >>> 24;
      unit.storeBytes[fmtIndex(name)]!(base + CORE_LOCAL.tileColor, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) for (let c = 0; c < 4; c++) {
        const want = y < th && x < tw ? bytes[(y * TILE_SIZE + x) * 4 + c]! : 0xa5;
        assert.equal(mem.u8[pa + y * stride + x * 4 + ord[c]!], want);
      }
      assert.equal(mem.u8[pa - 1], 0xa5);
      for (let i = 0; i < area.length; i++) area[i] = (seed + i * 31) & 255;
      bytes.fill(0x3c);
      unit.loadBytes[fmtIndex(name)]!(base + CORE_LOCAL.tileColor, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) for (let c = 0; c < 4; c++) {
        const want = y < th && x < tw ? mem.u8[pa + y * stride + x * 4 + ord[c]!]! : 0x3c;
        assert.equal(bytes[(y * TILE_SIZE + x) * 4 + c], want);
      }
    }), { numRuns: 60 });
});

test('a unorm8 tile byte k is the float32 k / 255 the quantisation gives, and k * 255 of it rounds back to k', () => {
  // what fragment.ts and the fused kernels rely on when they hold k instead of the float: for all 256 values,
  // quantUnorm(v, 255) is float32(k / 255) for the k = floor(float32(float32(v * 255) + 0.5)) it computes
  for (let k = 0; k < 256; k++) {
    const v = f32(k / 255);
    assert.equal(UNORM8_F32[k], v);
    assert.equal(quantUnorm(v, 255), v);
    assert.equal(Math.round(v * 255), k);
    // a float32 division k / 255 (the kernel's f32x4.div) rounds to the same float32 as the double quotient
    assert.equal(f32(f32(k) / f32(255)), v);
  }
});

test('d24s8 rows store round(d * 16777215) << 8 | stencil (NaN as 0) and load float32((w >>> 8) / 16777215)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), fc.array(fc.float({ min: 0, max: 1 }), { minLength: 1024, maxLength: 1024 }), fc.integer(),
    (tw, th, ds, seed) => {
      const pa = 200000, stride = TILE_SIZE * 4 + 8;
      mem.u32.fill(0xdeadbeef, (pa >> 2) - 4, (pa >> 2) + (stride >> 2) * TILE_SIZE + 4);
      for (let i = 0; i < 1024; i++) { depth[i] = ds[i]!; stencil[i] = (seed + i * 13) & 255; }
      depth.fill(ds[0]!, 40, 300); // flat stretches (the unit reuses the words of four depths equal to the previous four)
      depth[3] = NaN; depth[5] = 0.5; depth[6] = 1; depth[7] = 0; // NaN stores 0; 0.5 is the one tie (round half up)
      unit.storeD24s8(base + CORE_LOCAL.tileDepth, base + CORE_LOCAL.tileStencil, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE + 2; x++) {
        const i = y * TILE_SIZE + x;
        const want = y < th && x < tw ? ((Math.round(depth[i]! * 16777215) << 8) | stencil[i]!) >>> 0 : 0xdeadbeef;
        assert.equal(mem.u32[(pa + y * stride + x * 4) >> 2], want);
      }
      assert.equal(mem.u32[(pa >> 2) - 1], 0xdeadbeef);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) mem.u32[(pa + y * stride + x * 4) >> 2] = (seed ^ (x * 40503 + y * 977)) >>> 0;
      depth.fill(-1); stencil.fill(7);
      unit.loadD24s8(base + CORE_LOCAL.tileDepth, base + CORE_LOCAL.tileStencil, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) {
        const i = y * TILE_SIZE + x, w = mem.u32[(pa + y * stride + x * 4) >> 2]!;
        assert.equal(depth[i], y < th && x < tw ? f32((w >>> 8) / 16777215) : -1);
        assert.equal(stencil[i], y < th && x < tw ? w & 255 : 7);
      }
    }), { numRuns: 40 });
});

test('clears fill the whole tile memory and nothing past it', () => {
  const after = new Uint8Array(mem.buffer, base + CORE_LOCAL.tileStencil + TILE_SIZE * TILE_SIZE, 16);
  after.fill(0x5a);
  color.fill(-1);
  unit.clearColor8(base + CORE_LOCAL.tileColor, 0x80ff4000);
  for (let i = 0; i < bytes.length; i += 4) assert.deepEqual([...bytes.subarray(i, i + 4)], [0x00, 0x40, 0xff, 0x80]);
  assert.equal(color[TILE_SIZE * TILE_SIZE], -1, 'a unorm8 clear writes 4 bytes a pixel');
  unit.clearColor(base + CORE_LOCAL.tileColor, 0.25, f32(0.1), 1, 0);
  for (let i = 0; i < color.length; i += 4) assert.deepEqual([...color.subarray(i, i + 4)], [0.25, f32(0.1), 1, 0]);
  unit.clearZs(base + CORE_LOCAL.tileDepth, base + CORE_LOCAL.tileStencil, f32(0.75), 0x1ff);
  assert.ok(depth.every((d) => d === 0.75));
  assert.ok(stencil.every((s) => s === 0xff), 'the stencil clear keeps the low 8 bits, as a byte store does');
  assert.ok(after.every((b) => b === 0x5a));
});

test('the 4x unorm8 resolve: each byte of plane 0 becomes round-half-up of the mean of the four planes\' bytes, over the rows asked', () => {
  // tile.ts: k = (b0 + b1 + b2 + b3 + 2) >> 2, the mean of four bytes rounded with halves (x.5, the only fraction
  // x.25 and x.75 aside) up: 2 + 3 + 3 + 3 = 11 -> 13 >> 2 = 3 (2.75 rounds to 3), 1 + 1 + 2 + 2 = 6 -> 2 (1.5 up to 2)
  const plane = (s: number) => new Uint8Array(mem.buffer, base + (s ? CORE_LOCAL.tileSamples + (s - 1) * CORE_LOCAL.tileSamplePlane : CORE_LOCAL.tileColor), TILE_SIZE * TILE_SIZE * 4);
  const P = [0, 1, 2, 3].map(plane);
  fc.assert(fc.property(fc.integer({ min: 1, max: TILE_SIZE }), fc.integer(), (th, seed) => {
    let r = seed >>> 0;
    const next = () => ((r = (r * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (const p of P) for (let i = 0; i < p.length; i++) p[i] = next();
    const before = P.map((p) => p.slice());
    unit.resolve8(P[0]!.byteOffset, P[1]!.byteOffset, P[2]!.byteOffset, P[3]!.byteOffset, th * TILE_SIZE * 4);
    for (let i = 0; i < P[0]!.length; i++) {
      const want = i < th * TILE_SIZE * 4 ? Math.floor((before[0]![i]! + before[1]![i]! + before[2]![i]! + before[3]![i]! + 2) / 4) : before[0]![i]!;
      if (P[0]![i] !== want) assert.fail(`byte ${i}: ${P[0]![i]} for ${want}`);
    }
    for (let s = 1; s < 4; s++) assert.deepEqual(P[s], before[s], `plane ${s} untouched`);
  }), { numRuns: 50 });
  // the examples above, and the extremes
  for (const [b, k] of [[[2, 3, 3, 3], 3], [[1, 1, 2, 2], 2], [[255, 255, 255, 255], 255], [[0, 0, 0, 1], 0], [[0, 0, 1, 1], 1], [[255, 255, 255, 254], 255]] as const) {
    for (let s = 0; s < 4; s++) P[s]!.fill(b[s]!, 0, 16);
    unit.resolve8(P[0]!.byteOffset, P[1]!.byteOffset, P[2]!.byteOffset, P[3]!.byteOffset, 16);
    assert.equal(P[0]![5], k, `${b}`);
  }
});
