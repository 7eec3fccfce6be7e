/**
 * Tiles no primitive touched in a pass that loads nothing (tile.ts
 * storeCleared): stored straight from the clear values by the fill units
 * (tile-unit.ts fillBytes, fillD24s8), the tile memory neither cleared nor
 * read. Against the ordinary clear-then-store path (setClearedTileFills
 * false):
 *  - the fills write, for every 4-byte unorm8 format and any d24s8 clear
 *    (NaN, the 0.5 tie, stencils past 8 bits), exactly the words the store
 *    units write from a tile memory cleared to the same values, over rows of
 *    any size, and nothing outside them;
 *  - through the whole stack, frames with cleared, drawn and scissored tiles,
 *    colour-only and depth/stencil clears, partial edge tiles and a later
 *    pass that loads what was stored leave every byte of GPU memory, every
 *    pixel read back and the GPU's virtual time identical, and the fast path
 *    did store tiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PhysicalMemory } from '../src/hw/memory.js';
import { BYTE_FORMATS, tileUnit } from '../src/hw/tile-unit.js';
import { CORE_LOCAL } from '../src/hwdesc/corelocal.js';
import { COLOR_FORMAT, TILE_SIZE } from '../src/hwdesc/descriptors.js';
import { setClearedTileFills, tileCounters } from '../src/hw/tile.js';
import { Machine } from '../src/machine/machine.js';
import { AkariWebGLRenderingContext } from '../src/webgl/context.js';
import { program } from './webgl/helpers.js';

const mem = PhysicalMemory.create(1 << 20);
const unit = tileUnit(mem);
const base = mem.coreLocal(0);
const TILE_COLOR = base + CORE_LOCAL.tileColor, TILE_DEPTH = base + CORE_LOCAL.tileDepth, TILE_STENCIL = base + CORE_LOCAL.tileStencil;

/** the surface bytes around a rectangle at `pa`, after `write` ran on them from a known pattern */
function written(pa: number, stride: number, seed: number, write: () => void): Uint8Array {
  const area = mem.u8.subarray(pa - 64, pa + stride * TILE_SIZE + 64);
  for (let i = 0; i < area.length; i++) area[i] = (seed + i * 31) & 255;
  write();
  return area.slice();
}

test('a colour fill writes what the store of a tile cleared to the same bytes writes, for every 4-byte unorm8 format, and nothing else', () => {
  assert.ok(BYTE_FORMATS.length >= 2);
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 0, max: 7 }), fc.integer(), fc.integer(),
    fc.constantFrom(...BYTE_FORMATS),
    (tw, th, misalign, word, seed, fmt) => {
      const pa = 65536 + misalign, stride = TILE_SIZE * 4 + 12;
      const want = written(pa, stride, seed, () => {
        unit.clearColor8(TILE_COLOR, word);
        unit.storeBytes[fmt]!(TILE_COLOR, pa, tw, th, stride);
      });
      const got = written(pa, stride, seed, () => unit.fillBytes[fmt]!(word, pa, tw, th, stride));
      assert.deepEqual(got, want, `${COLOR_FORMAT[fmt]} ${tw}x${th} word ${word >>> 0}`);
    }), { numRuns: 80 });
  for (let f = 0; f < COLOR_FORMAT.length; f++) assert.equal(!!unit.fillBytes[f], BYTE_FORMATS.includes(f), COLOR_FORMAT[f]);
});

test('a d24s8 fill writes what storeD24s8 of a tile cleared to the same depth and stencil writes (NaN, the 0.5 tie, stencils past a byte)', () => {
  const depths = fc.oneof(fc.float({ min: 0, max: 1 }), fc.constantFrom(0, 0.5, 1, NaN, Math.fround(1 / 3), Math.fround(0.37)));
  fc.assert(fc.property(
    fc.integer({ min: 1, max: TILE_SIZE }), fc.integer({ min: 1, max: TILE_SIZE }), depths, fc.integer({ min: -1000, max: 1000 }), fc.integer(),
    (tw, th, d, s, seed) => {
      const pa = 200000, stride = TILE_SIZE * 4 + 8;
      const want = written(pa, stride, seed, () => {
        unit.clearZs(TILE_DEPTH, TILE_STENCIL, d, s);
        unit.storeD24s8(TILE_DEPTH, TILE_STENCIL, pa, tw, th, stride);
      });
      const got = written(pa, stride, seed, () => unit.fillD24s8(d, s, pa, tw, th, stride));
      assert.deepEqual(got, want, `${tw}x${th} depth ${d} stencil ${s}`);
    }), { numRuns: 80 });
});

const VS = 'attribute vec2 p; uniform float z; void main() { gl_Position = vec4(p, z, 1.0); }';
const FS = 'precision mediump float; uniform vec4 c; void main() { gl_FragColor = c; }';

interface Run { memory: Uint8Array; pixels: Uint8Array[]; time: number; cleared: number }

/**
 * Frames on a deterministic machine: 150x100 (5x4 tiles, partial ones at the right and bottom), a small triangle
 * in one tile, a scissored draw, clears of colour only and of everything, and a pass that loads depth and stencil
 * the one before stored (depth test and stencil test against them).
 */
function run(fills: boolean): Run {
  setClearedTileFills(fills);
  const before = tileCounters.cleared;
  const m = new Machine({ deterministic: true, cores: 2 });
  const gl = new AkariWebGLRenderingContext(150, 100, { antialias: false, depth: true, stencil: true, preserveDrawingBuffer: true }, { sys: m.spawn(), release: () => m.shutdown() });
  try {
    const prog = program(gl, VS, FS, { p: 0 });
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    const z = gl.getUniformLocation(prog, 'z'), c = gl.getUniformLocation(prog, 'c');
    const tri = (pts: number[], zv: number, col: number[]) => {
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(pts), gl.STREAM_DRAW);
      gl.uniform1f(z, zv);
      gl.uniform4fv(c, col);
      gl.drawArrays(gl.TRIANGLES, 0, pts.length / 2);
    };
    const pixels: Uint8Array[] = [];
    const read = () => { const px = new Uint8Array(150 * 100 * 4); gl.readPixels(0, 0, 150, 100, gl.RGBA, gl.UNSIGNED_BYTE, px); pixels.push(px); };
    // frame 1: everything cleared to odd values, one small triangle (one tile drawn, the rest cleared only)
    gl.enable(gl.DEPTH_TEST);
    gl.clearColor(0.1, 0.25, 0.3, 0.4); gl.clearDepth(0.37); gl.clearStencil(0x5a);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT | gl.STENCIL_BUFFER_BIT);
    tri([-0.95, -0.95, -0.85, -0.95, -0.9, -0.85], -0.5, [1, 0, 0, 1]);
    gl.finish(); read();
    // frame 2: colour only cleared, depth and stencil loaded: a full-screen quad behind the cleared depth
    // (fails) and one in front of it where the stencil still holds 0x5a (passes)
    gl.clearColor(0.9, 0.8, 0.7, 0.6);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const quad = [-1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, 1];
    tri(quad, 0.9, [0, 1, 0, 1]);
    gl.enable(gl.STENCIL_TEST); gl.stencilFunc(gl.EQUAL, 0x5a, 0xff);
    tri([-1, -1, 0, -1, 0, 0], -0.5, [0, 0, 1, 1]);
    gl.disable(gl.STENCIL_TEST);
    gl.finish(); read();
    // frame 3: a scissored clear (the driver draws it) after a full clear, then nothing else
    gl.clearColor(0, 0, 0, 0); gl.clearDepth(1); gl.clearStencil(0x1ff);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT | gl.STENCIL_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST); gl.scissor(40, 30, 50, 40);
    gl.clearColor(1, 1, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.disable(gl.SCISSOR_TEST);
    gl.finish(); read();
    // frame 4: cleared only, then a pass that loads it
    gl.clearColor(0.5, 0.5, 0.5, 0.5); gl.clearDepth(0.5);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT | gl.STENCIL_BUFFER_BIT);
    gl.finish(); read();
    gl.depthFunc(gl.LEQUAL);
    tri(quad, 0, [0.2, 0.4, 0.6, 0.8]);
    gl.finish(); read();
    assert.equal(gl.getError(), gl.NO_ERROR);
    return { memory: m.bus.mem.u8.slice(0, m.bus.mem.size), pixels, time: m.gpu!.clock.now(), cleared: tileCounters.cleared - before };
  } finally {
    gl.destroy();
    setClearedTileFills(true);
  }
}

test('through the stack: cleared tiles stored by fills leave GPU memory, pixels and virtual time as the clear-then-store path does', () => {
  const ordinary = run(false), filled = run(true);
  assert.equal(ordinary.cleared, 0);
  // frames 1, 3 and 4 clear everything: all but the drawn tiles of their passes take the fills
  assert.ok(filled.cleared >= 40, `${filled.cleared} tiles filled`);
  assert.equal(filled.pixels.length, ordinary.pixels.length);
  for (let f = 0; f < ordinary.pixels.length; f++) assert.ok(Buffer.compare(filled.pixels[f]!, ordinary.pixels[f]!) === 0, `frame ${f} read back differs`);
  // the frames show what was drawn: the triangle, the green quad failing, the blue one passing
  const px = (f: number, x: number, y: number) => [...ordinary.pixels[f]!.subarray((y * 150 + x) * 4, (y * 150 + x) * 4 + 4)];
  assert.deepEqual(px(0, 7, 3), [255, 0, 0, 255]);
  // clear colours as unorm8: round(255 v) of the float32 v — 0.1 (25.500000004) 26, 0.25 64, 0.3 (76.500004) 77,
  // 0.4 102; 0.9 (229.49999) 229, 0.8 204, 0.7 (178.49999) 178, 0.6 153
  assert.deepEqual(px(0, 100, 80), [26, 64, 77, 102]);
  assert.deepEqual(px(1, 100, 80), [229, 204, 178, 153]);
  assert.deepEqual(px(1, 60, 10), [0, 0, 255, 255]);
  assert.deepEqual(px(1, 7, 3), [229, 204, 178, 153], 'the red triangle\'s depth, loaded, keeps the blue one out');
  assert.equal(filled.time, ordinary.time, 'virtual time');
  const a = filled.memory, b = ordinary.memory;
  assert.equal(a.length, b.length);
  if (Buffer.compare(a, b) !== 0) {
    let i = 0;
    while (a[i] === b[i]) i++;
    assert.fail(`GPU memory differs first at physical address 0x${i.toString(16)}: ${a[i]} for ${b[i]}`);
  }
});
