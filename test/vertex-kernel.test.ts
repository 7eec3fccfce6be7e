/**
 * Vertex kernels (src/hw/vertex-kernel.ts) against the reference: the
 * interpreter (shader-core.ts runWarp) run warp by warp over the same range
 * of vertices as the vertex pipeline's per-warp path does it (tiler.ts
 * shadeRange: lanes past the range have vertex index 0, outputs start at 0
 * with w = 1 and point size 1, each warp launched under the watchdog). The
 * kernel must store the same output bits, count the same instructions, make
 * the same I/O requests in the same order (attribute loads it leaves to the
 * I/O unit, with the running warp's lane indices; textures; global memory),
 * end with the same error (a fault from the I/O unit, a runaway loop) and
 * stop at the same virtual nanosecond under the watchdog. Then the same
 * through the whole stack: pixels, counts, GPU time, fault addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPS } from '../src/hwdesc/isa.js';
import { encode, resolveControlFlow, type Instr } from '../src/hwdesc/isa-codec.js';
import { decodeProgram, runWarp, Warp, LANES, ShaderExecError, type ShaderIO } from '../src/hw/shader-core.js';
import { PhysicalMemory } from '../src/hw/memory.js';
import { ATTRIB_FETCH, VERTEX_KERNEL } from '../src/hwdesc/corelocal.js';
import { VirtualClock, Watchdog, JobStopped } from '../src/hw/watchdog.js';
import { VertexKernel, buildVertexKernel, setVertexKernels, vertexKernelCounters } from '../src/hw/vertex-kernel.js';
import { compileWasm, wasmWarp } from '../src/hw/shader-wasm.js';
import { drawTriangle, type TriangleRun } from '../src/umd/triangle.js';
import { UmdDevice } from '../src/umd/device.js';
import { withMachine } from './helpers.js';

const REGS = 12;
const mem = PhysicalMemory.create(1 << 20);
const f2b = (f: number) => new Uint32Array(new Float32Array([f]).buffer)[0]!;
const isNaNBits = (b: number) => Number.isNaN(new Float32Array(new Uint32Array([b]).buffer)[0]!);
const canon = (a: ArrayLike<number>) => Array.from(a, (b) => (isNaNBits(b) ? 'NaN' : b));

// ---- random vertex programs ------------------------------------------------------------------

const aluOps = OPS.filter((o) => o.form === 'alu');
/** sources: registers, uniforms (one past the buffer), inline constants, lane id, vertex id, instance id */
function src(regs: [number, number]): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: regs[0], max: regs[1] }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 4 }).map((i) => (1 << 8) | i) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 31 }).map((i) => (6 << 8) | i) },
    { weight: 2, arbitrary: fc.constantFrom((5 << 8) | 0, (5 << 8) | 1, (5 << 8) | 2, (5 << 8) | 3) },
  );
}
const bit = fc.integer({ min: 0, max: 1 });
/*
 * NaN payloads are not architectural: float results go to r0..r5 and are read by float
 * operations; integer results to r6..r9, read by integer operations (r10/r11 count loops).
 */
const aluInstr: fc.Arbitrary<Instr> = fc.constantFrom(...aluOps).chain((d) => {
  const int = d.type !== 'f';
  const s = int ? src([6, 11]) : src([0, 11]);
  return fc.record({
    dst: d.name === 'f2i' || d.name === 'f2u' ? fc.integer({ min: 6, max: 9 }) : int ? fc.integer({ min: 6, max: 9 }) : fc.integer({ min: 0, max: 5 }),
    a: s, b: s, c: s, nega: bit, absa: bit, negb: bit, absb: bit, negc: bit, absc: bit, sat: bit, cond: fc.integer({ min: 0, max: 7 }),
  }).map((f) => ({ op: d.name, f }));
});
const ioInstr: fc.Arbitrary<Instr> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ dst: fc.integer({ min: 0, max: 5 }), slot: fc.integer({ min: 0, max: 5 }), comp: fc.integer({ min: 0, max: 3 }) }).map((f) => ({ op: 'ld_attr', f } as Instr)) },
  // positions, point size, the draw's varyings and ones past them, and slots the unit drops
  { weight: 4, arbitrary: fc.record({ a: src([0, 11]), slot: fc.constantFrom(0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 40) }).map((f) => ({ op: 'st_vary', f } as Instr)) },
  { weight: 1, arbitrary: fc.record({ dst: fc.integer({ min: 0, max: 9 }), imm32: fc.integer().map((v) => v >>> 0) }).map((f) => ({ op: 'movi', f } as Instr)) },
  { weight: 1, arbitrary: fc.record({
    dst: fc.integer({ min: 0, max: 2 }), a: fc.integer({ min: 0, max: 3 }), b: src([0, 5]), c: fc.integer({ min: 0, max: 3 }),
    sampler: fc.integer({ min: 0, max: 1 }), dim: fc.constant(0), shadow: fc.constant(0), cond: fc.constantFrom(0, 1, 2), offset: fc.constant(0), int: fc.constant(0),
  }).map((f) => ({ op: 'tex', f } as Instr)) },
  { weight: 1, arbitrary: fc.record({ dst: fc.integer({ min: 6, max: 9 }), a: fc.integer({ min: 6, max: 10 }), base: fc.integer({ min: 0, max: 16 }) }).map((f) => ({ op: 'ld_g', f } as Instr)) },
);
const leaf = fc.oneof({ weight: 3, arbitrary: aluInstr }, { weight: 3, arbitrary: ioInstr });

const block: fc.Memo<Instr[]> = fc.memo((depth) => {
  const straight = fc.array(leaf, { minLength: 1, maxLength: 6 });
  if (depth <= 1) return straight;
  const cond = src([0, 11]);
  return fc.oneof(
    straight,
    fc.tuple(straight, block(depth - 1)).map(([a, b]) => [...a, ...b]),
    fc.tuple(cond, block(depth - 1), block(depth - 1)).map(([c, t, e]) => [{ op: 'if', f: { a: c } }, ...t, { op: 'else', f: {} }, ...e, { op: 'endif', f: {} }]),
    fc.tuple(cond, block(depth - 1), fc.integer({ min: 1, max: 3 })).map(([c, body, n]) => [
      { op: 'movi', f: { dst: 11, imm32: 0 } },
      { op: 'loop', f: {} },
      { op: 'iadd', f: { dst: 11, a: 11, b: (6 << 8) | 1 } },
      { op: 'icmp', f: { dst: 10, a: 11, b: (6 << 8) | n, cond: 3 } },
      { op: 'break', f: { a: 10 } },
      ...body,
      { op: 'continue', f: { a: c } },
      { op: 'endloop', f: {} },
    ]),
    fc.tuple(cond, block(depth - 1)).map(([c, rest]) => [{ op: 'discard', f: { a: c } }, ...rest]),
    fc.tuple(cond, block(depth - 1)).map(([c, rest]) => [{ op: 'if', f: { a: c } }, { op: 'end', f: {} }, { op: 'endif', f: {} }, ...rest]),
  );
});

function assemble(prog: Instr[]): Uint32Array {
  const ins = [...prog, { op: 'end', f: {} } as Instr];
  resolveControlFlow(ins);
  const words = new Uint32Array(ins.length * 2);
  ins.forEach((x, i) => { const [lo, hi] = encode(x); words[2 * i] = lo; words[2 * i + 1] = hi; });
  return words;
}

// ---- the vertex unit around the program ------------------------------------------------------

/** attribute data the fetch blocks point at: words no float arithmetic touches (signalling-NaN patterns included) */
const ATTR_PA = 0x40000;
for (let i = 0; i < 4096; i++) mem.u32[ATTR_PA / 4 + i] = (i & 7) === 5 ? 0x7f800001 + i : Math.imul(i + 1, 2654435761) >>> 0;

interface Block { components: number; pa: number; stride: number; limit: number }
const fetchBlock: fc.Arbitrary<Block> = fc.record({
  components: fc.integer({ min: 0, max: 4 }),
  pa: fc.constantFrom(0, 4, 64),
  stride: fc.constantFrom(0, 4, 12, 20, 1 << 20),
  limit: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 400, max: 8000 })),
});

class Fault extends Error {}

interface Scene {
  prog: Instr[]; blocks: Block[]; ids: number[]; from: number; to: number; instance: number;
  varyings: number; faults: boolean; deadline: number;
}

/** The I/O unit: attribute loads the blocks do not serve (or a fault), textures, global loads, all logged. */
function makeIo(s: Scene, lanes: Float64Array, log: unknown[], words: Uint32Array): ShaderIO {
  return {
    uniforms: Uint32Array.from([f2b(1), f2b(-2), 7, 3, f2b(0.25)]),
    special: (l, w) => (w === 0 ? l : w === 1 ? lanes[l]! >>> 0 : w === 2 ? s.instance : 0),
    ldAttr: (l, slot, c) => {
      const b = s.blocks[slot];
      const id = lanes[l]!;
      if (b && c < b.components) {
        const off = id * b.stride + 4 * c;
        if (off >= 0 && off <= b.limit) return mem.dv.getUint32(ATTR_PA + b.pa + off, true);
      }
      log.push(['attr', l, id, slot, c]);
      if (s.faults && (id * 7 + slot) % 5 === 0) throw new Fault(`attr ${id} ${slot} ${c}`);
      return (0xabad0000 + (id % 1000) * 16 + slot * 4 + c) >>> 0;
    },
    stVary: () => { throw new Error('st_vary reached the I/O unit'); },
    ldVary: () => 0, ldVaryFlat: () => 0, stOut: () => undefined,
    tex: (sampler, dim, mode, mask, coords, lod, _g, out) => {
      log.push(['tex', sampler, dim, mode, mask, canon(new Uint32Array(coords.buffer, coords.byteOffset, coords.length)), canon(new Uint32Array(lod.buffer, lod.byteOffset, lod.length))]);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(i * 0.5 - sampler);
    },
    ldGlobal: (va) => { log.push(['ldg', va]); if (s.faults && va % 3 === 0) throw new Fault(`ldg ${va}`); return (va * 7) >>> 0; },
    stGlobal: () => undefined,
    attribFetch: words,
  };
}

function blockWords(blocks: Block[]): Uint32Array {
  const words = new Uint32Array(ATTRIB_FETCH.slots * ATTRIB_FETCH.bytes / 4);
  blocks.forEach((b, s) => {
    const w = s * ATTRIB_FETCH.bytes / 4;
    words[w + ATTRIB_FETCH.components / 4] = b.components; words[w + ATTRIB_FETCH.pa / 4] = ATTR_PA + b.pa;
    words[w + ATTRIB_FETCH.stride / 4] = b.stride; words[w + ATTRIB_FETCH.limit / 4] = b.limit;
  });
  return words;
}

interface Outcome { store: unknown[]; psize: unknown[]; instructions: number; log: unknown[]; error: string; time: number }

/**
 * What a run leaves: after an error (a fault, a stop) the batch is discarded with its job, and how much of
 * it was written differs (the interpreter stores as it goes, a translated warp when it completes, a kernel
 * after its call), so its outputs are not compared then.
 */
function outcome(store: Uint32Array, psize: Uint32Array, instructions: number, log: unknown[], error: string, time: number): Outcome {
  return { store: error ? [] : canon(store), psize: error ? [] : canon(psize), instructions, log, error, time };
}

const errorOf = (e: unknown) => (e instanceof Fault ? `fault ${e.message}` : e instanceof JobStopped ? `stopped ${e.at}` : e instanceof ShaderExecError ? 'exec' : `other ${String(e)}`);

/**
 * The references: warp by warp, as shadeRange runs warps, through the
 * interpreter or the translated warp function (on core 1: the kernel runs
 * on core 0). Instruction counts are the translation's (a translated warp
 * skips a branch no lane takes at once, where the interpreter steps through
 * it), so the interpreter's are not compared.
 */
function reference(s: Scene, engine: 'interp' | 'wasm'): Outcome {
  const code = decodeProgram(assemble(s.prog));
  const words = 4 + s.varyings, n = s.ids.length;
  const store = new Uint32Array(n * words), psize = new Uint32Array(n).fill(f2b(1));
  for (let v = 0; v < n; v++) store[v * words + 3] = f2b(1);
  const lanes = new Float64Array(LANES), log: unknown[] = [];
  let base = 0;
  const out = { store, psize, words, varyings: s.varyings, first: 0, lanes: 0 };
  const run = engine === 'interp' ? (w: Warp, io: ShaderIO, budget: number, more: (n: number) => number) => runWarp(code, w, io, budget, more)
    : wasmWarp(compileWasm(code, REGS), REGS, mem, 1);
  const io: ShaderIO = {
    ...makeIo(s, lanes, log, blockWords(s.blocks)),
    laneVertex: lanes, vertexOut: engine === 'wasm' ? out : undefined,
    stVary: (l, slot, bits) => {
      const o = (base + l) * words;
      if (slot < 4) store[o + slot] = bits;
      else if (slot === 4) psize[base + l] = bits;
      else if (slot >= 8 && slot - 8 < s.varyings) store[o + 4 + slot - 8] = bits;
    },
  };
  const clock = new VirtualClock(), watch = new Watchdog(clock, s.deadline ?? Infinity);
  const stats = { instructions: 0 };
  let error = '';
  try {
    for (let i = s.from; i < s.to; i += LANES) {
      const k = Math.min(LANES, s.to - i);
      base = i; out.first = i; out.lanes = k;
      for (let l = 0; l < LANES; l++) lanes[l] = l < k ? s.ids[i + l]! : 0;
      const w = new Warp(REGS);
      w.mask = (1 << k) - 1;
      stats.instructions += watch.warp((budget, more) => run(w, io, budget, more));
    }
  } catch (e) { error = errorOf(e); }
  return outcome(store, psize, stats.instructions, log, error, clock.now());
}

function viaKernel(s: Scene): Outcome {
  const code = decodeProgram(assemble(s.prog));
  const kernel = new VertexKernel(new WebAssembly.Module(buildVertexKernel(code, REGS)), mem, 0);
  const words = 4 + s.varyings, n = s.ids.length;
  const store = new Uint32Array(n * words), psize = new Uint32Array(n).fill(f2b(1));
  for (let v = 0; v < n; v++) store[v * words + 3] = f2b(1);
  const lanes = new Float64Array(LANES), log: unknown[] = [];
  const io: ShaderIO = { ...makeIo(s, lanes, log, blockWords(s.blocks)), laneVertex: lanes };
  const clock = new VirtualClock(), watch = new Watchdog(clock, s.deadline);
  const stats = { instructions: 0 };
  let error = '', done = s.from;
  try {
    done = kernel.run(io, watch, s.ids, s.from, s.to, s.instance, { store, psize, words, varyings: s.varyings }, stats);
  } catch (e) { error = errorOf(e); }
  if (!error) assert.equal(done, s.to, 'every vertex index is a u32: the kernel takes the whole range');
  return outcome(store, psize, stats.instructions, log, error, clock.now());
}

const scene: fc.Arbitrary<Scene> = fc.record({
  prog: block(3),
  blocks: fc.array(fetchBlock, { minLength: 6, maxLength: 6 }),
  n: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 300 })),
  fromWarp: fc.integer({ min: 0, max: 2 }),
  instance: fc.integer({ min: 0, max: 5 }),
  varyings: fc.constantFrom(0, 1, 3),
  faults: fc.boolean(),
  idBase: fc.constantFrom(0, 7, 1000, 2 ** 32 - 400),
  shuffle: fc.boolean(),
}).map((r) => {
  const total = r.fromWarp * LANES + r.n;
  const ids = Array.from({ length: total }, (_, k) => r.idBase + (r.shuffle ? (k * 37) % total : k));
  return { prog: r.prog, blocks: r.blocks, ids, from: r.fromWarp * LANES, to: total, instance: r.instance, varyings: r.varyings, faults: r.faults, deadline: 400_000 };
});

test('random vertex programs over random ranges: the kernel stores the same bits, counts, requests and errors as the interpreter warp by warp', () => {
  fc.assert(fc.property(scene, (s) => {
    // a deadline ends the loops that run away (nested loops share a counter): the interpreter, counting
    // differently, stops elsewhere, so it is compared only with ranges that complete
    const got = viaKernel(s);
    assert.deepEqual(got, reference(s, 'wasm'));
    if (got.error.startsWith('stopped')) return;
    const interp = reference(s, 'interp');
    assert.deepEqual({ ...got, instructions: 0, time: 0 }, { ...interp, instructions: 0, time: 0 });
  }), { numRuns: 150 });
});

test('under the watchdog: a range stopped part way stops at the same nanosecond, after the same work', () => {
  // a loop long enough that a warp's budget runs out and is extended, and the deadline lands inside the range
  const prog: Instr[] = [
    { op: 'movi', f: { dst: 11, imm32: 0 } },
    { op: 'loop', f: {} },
    { op: 'iadd', f: { dst: 11, a: 11, b: (6 << 8) | 1 } },
    { op: 'icmp', f: { dst: 10, a: 11, b: (5 << 8) | 1, cond: 3 } },
    { op: 'break', f: { a: 10 } },
    { op: 'fadd', f: { dst: 0, a: 0, b: (6 << 8) | 1 } },
    { op: 'endloop', f: {} },
    { op: 'st_vary', f: { a: 0, slot: 0 } },
    { op: 'st_vary', f: { a: (5 << 8) | 1, slot: 8 } },
  ];
  fc.assert(fc.property(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 1, max: 200 }), (deadline, n) => {
    const ids = Array.from({ length: n }, (_, k) => 3 * k);
    const s: Scene = { prog, blocks: [], ids, from: 0, to: n, instance: 0, varyings: 1, faults: false, deadline };
    assert.deepEqual(viaKernel(s), reference(s, 'wasm'));
  }), { numRuns: 200 });
  // and one that never stops: every vertex is shaded, the clock as the per-warp path leaves it
  const s: Scene = { prog, blocks: [], ids: Array.from({ length: 100 }, (_, k) => k), from: 0, to: 100, instance: 0, varyings: 1, faults: false, deadline: Infinity };
  const ref = reference(s, 'wasm');
  assert.equal(ref.error, '');
  assert.deepEqual(viaKernel(s), ref);
});

test('indices no u32 holds: the kernel stops at their warp and leaves the rest to the per-warp path', () => {
  const prog: Instr[] = [{ op: 'st_vary', f: { a: (5 << 8) | 1, slot: 0 } }];
  const code = decodeProgram(assemble(prog));
  const kernel = new VertexKernel(new WebAssembly.Module(buildVertexKernel(code, REGS)), mem, 0);
  const ids = Array.from({ length: 50 }, (_, k) => (k === 37 ? -1 : k + 10));
  const store = new Uint32Array(50 * 4), psize = new Uint32Array(50);
  const io: ShaderIO = { ...makeIo({ blocks: [] } as unknown as Scene, new Float64Array(LANES), [], new Uint32Array(ATTRIB_FETCH.slots * 4)) };
  const done = kernel.run(io, new Watchdog(new VirtualClock(), Infinity), ids, 0, 50, 0, { store, psize, words: 4, varyings: 0 }, { instructions: 0 });
  // vertices 0..31 (two whole warps) by the kernel: x = gl_VertexID's bits
  assert.equal(done, 32);
  for (let v = 0; v < 32; v++) assert.equal(store[v * 4], v + 10);
  assert.equal(store[32 * 4], 0, 'the warp with the bad index is not shaded by the kernel');
});

test('a call takes as many vertices as its list and stage hold, in whole warps', () => {
  assert.equal(VertexKernel.lanesFor(4), VERTEX_KERNEL.lanes);
  assert.equal(VertexKernel.lanesFor(256), 64);
  assert.equal(VertexKernel.lanesFor(100) % LANES, 0);
  assert.ok(VertexKernel.lanesFor(100) * 100 <= VERTEX_KERNEL.stageWords);
});

// ---- through the whole stack ---------------------------------------------------------------------

/** runs `fn` with vertex kernels off, then on; asserts the kernel really ran the second time */
function both<T>(fn: () => T, mustRun = true): [perWarp: T, kernel: T] {
  setVertexKernels(false);
  let a: T;
  try { a = fn(); } finally { setVertexKernels(true); }
  const before = vertexKernelCounters.calls;
  const b = fn();
  if (mustRun) assert.ok(vertexKernelCounters.calls > before, 'the vertex kernel ran');
  return [a, b];
}
const elapsed = (r: TriangleRun) => r.result.ts_end! - r.result.ts_start!;

/** a vertex shader with a per-vertex loop, gl_VertexID and robust reads past the 3-vertex buffers */
const LOOP_VS = (n: number) => `
ld_attr r0, attr0.x
ld_attr r1, attr0.y
ld_attr r2, attr1.x
ld_attr r3, attr1.y
ld_attr r4, attr1.z
mov r5, #0.0
movi r6, 0x${f2b(n).toString(16)}
loop
  fcmp.ge r7, r5, r6
  break r7
  fadd r5, r5, #1.0
endloop
fmul r2, r2, r5
st_vary v0, r0
st_vary v1, r1
st_vary v2, #0.0
st_vary v3, #1.0
st_vary v8, r2
st_vary v9, r3
st_vary v10, r4
end
`;

test('through the stack: same pixels, instruction counts and virtual GPU time; a runaway vertex shader stops at the same point', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    // 300 vertices a draw, 20 draws: the buffers hold 3 (the rest read zeros through the I/O unit)
    const [a, b] = both(() => drawTriangle(dev, { vs: LOOP_VS(1), vertexCount: 300, copies: 20, instanceCount: 2, width: 64, height: 48 }));
    assert.equal(a.status, 'complete');
    assert.deepEqual(b.pixels, a.pixels);
    for (const k of ['fragments', 'instructions', 'tiles', 'primitives'] as const) assert.equal(b.result[k], a.result[k], k);
    assert.equal(elapsed(b), elapsed(a));
    const [sa, sb] = both(() => drawTriangle(new UmdDevice(m.spawn()), { vs: LOOP_VS(1e9), vertexCount: 64, width: 32, height: 32, timeoutMs: 2 }));
    assert.equal(sa.status, 'timeout');
    assert.equal(sb.status, 'timeout');
    assert.equal(elapsed(sb), elapsed(sa));
    assert.equal(sb.result.instructions, sa.result.instructions);
  });
});

test('through the stack: an unmapped attribute buffer faults at the same address', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const [a, b] = both(() => drawTriangle(new UmdDevice(m.spawn()), { corrupt: 'attribute', width: 32, height: 32 }));
    assert.equal(a.status, 'fault');
    assert.equal(b.status, 'fault');
    assert.equal(a.result.fault_addr, 0xdead0000);
    assert.equal(b.result.fault_addr, a.result.fault_addr);
    assert.equal(b.result.fault_access, a.result.fault_access);
  });
});
