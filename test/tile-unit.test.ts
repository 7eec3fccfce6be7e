/**
 * The SIMD tile load/store units (src/hw/tile-unit.ts) against the per-pixel
 * arithmetic of tile.ts they replace, written out here: rgba8/bgra8 stores
 * round each channel as trunc(v * 255 + 0.5) of the double, loads give
 * float32(k / 255), d24s8 packs round(d * 16777215) << 8 | stencil and
 * unpacks float32((w >>> 8) / 16777215). Rows are offset and odd-sized so
 * both the four-pixel and the one-pixel paths run, and nothing outside the
 * rectangle is touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PhysicalMemory } from '../src/hw/memory.js';
import { tileUnit } from '../src/hw/tile-unit.js';
import { CORE_LOCAL } from '../src/hwdesc/corelocal.js';
import { TILE_SIZE } from '../src/hwdesc/descriptors.js';

const mem = PhysicalMemory.create(1 << 20);
const unit = tileUnit(mem);
const base = mem.coreLocal(1);
const color = new Float32Array(mem.buffer, base + CORE_LOCAL.tileColor, TILE_SIZE * TILE_SIZE * 4);
const depth = new Float32Array(mem.buffer, base + CORE_LOCAL.tileDepth, TILE_SIZE * TILE_SIZE);
const stencil = new Uint8Array(mem.buffer, base + CORE_LOCAL.tileStencil, TILE_SIZE * TILE_SIZE);
const f32 = Math.fround;
const ORDER = { rgba8: [0, 1, 2, 3], bgra8: [2, 1, 0, 3] } as const;

test('every unorm8 value survives a store and a load: float32(k / 255) stores as k, k loads as float32(k / 255)', () => {
  // one row of 64 pixels = all 256 channel values, in both orders
  for (const [fmt, ord] of Object.entries(ORDER)) {
    for (let i = 0; i < 256; i++) color[i] = f32(i / 255);
    (fmt === 'rgba8' ? unit.storeRgba8 : unit.storeBgra8)(base + CORE_LOCAL.tileColor, 4096, 32, 2, 128);
    for (let p = 0; p < 64; p++) for (let c = 0; c < 4; c++) assert.equal(mem.u8[4096 + p * 4 + ord[c]!], p * 4 + c);
    color.fill(-1);
    (fmt === 'rgba8' ? unit.loadRgba8 : unit.loadBgra8)(base + CORE_LOCAL.tileColor, 4096, 32, 2, 128);
    for (let i = 0; i < 256; i++) assert.equal(color[i], f32(i / 255));
  }
});

test('colour rows of any size and alignment store and load as the per-pixel units do', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 0, max: 7 }), fc.boolean(), fc.integer(),
    (tw, th, misalign, bgra, seed) => {
      const ord = bgra ? ORDER.bgra8 : ORDER.rgba8;
      const pa = 65536 + misalign, stride = TILE_SIZE * 4 + 12;
      const area = mem.u8.subarray(pa - 64, pa + stride * TILE_SIZE + 64);
      area.fill(0xa5);
      for (let i = 0; i < color.length; i++) color[i] = f32(((seed + i * 2654435761) >>> 24) / 255);
      (bgra ? unit.storeBgra8 : unit.storeRgba8)(base + CORE_LOCAL.tileColor, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) for (let c = 0; c < 4; c++) {
        const want = y < th && x < tw ? ((color[(y * TILE_SIZE + x) * 4 + c]! * 255 + 0.5) | 0) & 255 : 0xa5;
        assert.equal(mem.u8[pa + y * stride + x * 4 + ord[c]!], want);
      }
      assert.equal(mem.u8[pa - 1], 0xa5);
      for (let i = 0; i < area.length; i++) area[i] = (seed + i * 31) & 255;
      color.fill(-1);
      (bgra ? unit.loadBgra8 : unit.loadRgba8)(base + CORE_LOCAL.tileColor, pa, tw, th, stride);
      for (let y = 0; y < TILE_SIZE; y++) for (let x = 0; x < TILE_SIZE; x++) for (let c = 0; c < 4; c++) {
        const want = y < th && x < tw ? f32(mem.u8[pa + y * stride + x * 4 + ord[c]!]! / 255) : -1;
        assert.equal(color[(y * TILE_SIZE + x) * 4 + c], want);
      }
    }), { numRuns: 60 });
});

test('d24s8 rows store round(d * 16777215) << 8 | stencil (NaN as 0) and load float32((w >>> 8) / 16777215)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), fc.array(fc.float({ min: 0, max: 1 }), { minLength: 1024, maxLength: 1024 }), fc.integer(),
    (tw, th, ds, seed) => {
      const pa = 200000, stride = TILE_SIZE * 4 + 8;
      mem.u32.fill(0xdeadbeef, (pa >> 2) - 4, (pa >> 2) + (stride >> 2) * TILE_SIZE + 4);
      for (let i = 0; i < 1024; i++) { depth[i] = ds[i]!; stencil[i] = (seed + i * 13) & 255; }
      depth[3] = NaN;
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
  unit.clearColor(base + CORE_LOCAL.tileColor, 0.25, f32(0.1), 1, 0);
  for (let i = 0; i < color.length; i += 4) assert.deepEqual([...color.subarray(i, i + 4)], [0.25, f32(0.1), 1, 0]);
  unit.clearZs(base + CORE_LOCAL.tileDepth, base + CORE_LOCAL.tileStencil, f32(0.75), 0x1ff);
  assert.ok(depth.every((d) => d === 0.75));
  assert.ok(stencil.every((s) => s === 0xff), 'the stencil clear keeps the low 8 bits, as a byte store does');
  assert.ok(after.every((b) => b === 0x5a));
});
