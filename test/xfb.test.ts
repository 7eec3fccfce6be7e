/**
 * The hardware's transform feedback (DRAW xfb, hwdesc XFB) and occlusion
 * counters (DRAW occlusion), driven by hand-packed descriptors: primitives
 * taken apart in primitive order, interleaved and separate buffers, appending
 * across draws, overflow, RASTERIZER_DISCARD, and hostile descriptors that
 * fault at the exact address while the device goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle, TRIANGLE_VS, type TriangleOptions } from '../src/umd/triangle.js';
import { UmdDevice, type Bo } from '../src/umd/device.js';
import { PRIMITIVE, XFB, XFB_OUTPUT } from '../src/hwdesc/descriptors.js';
import { packInto, type StructValues } from '../src/hwdesc/struct.js';
import { ACCESS } from '../src/hwdesc/regs.js';
import { fusedCounters, setFusedKernels } from '../src/hw/fused.js';
import { withMachine } from './helpers.js';

/** Position from attribute 0, twice the position in v12..v15, and the vertex id's bits in v8..v10 (v8..v10 are the fragment shader's colour). */
const ID_VS = `
ld_attr r0, attr0.x
ld_attr r1, attr0.y
mov r2, sr.vertex_id
fmul r3, r0, #2.0
fmul r4, r1, #2.0
st_vary v0, r0
st_vary v1, r1
st_vary v2, #0.0
st_vary v3, #1.0
st_vary v8, r2
st_vary v9, r2
st_vary v10, r2
st_vary v12, r3
st_vary v13, r4
st_vary v14, #0.0
st_vary v15, #2.0
end
`;

interface Capture {
  /** per buffer: its size and stride; `at`: a GPU address to use instead of the test's own buffer */
  buffers: Array<{ size: number; stride: number; at?: number }>;
  outputs: Array<{ source: number; components: number; buffer: number; offset: number }>;
  /** a query counter address instead of the test's own */
  queryAt?: number;
}

/** One job of the triangle's draws capturing as `cap` says; the buffers' words, the state record and the query counter after it. */
function captureRun(dev: UmdDevice, cap: Capture, opts: TriangleOptions) {
  const bufs: Bo[] = cap.buffers.map(() => dev.createBo(4096, 'rw'));
  // a sentinel everywhere: what the GPU did not write stays 0xeeeeeeee
  for (const b of bufs) b.write(0, new Uint32Array(1024).fill(0xeeeeeeee));
  const rec = dev.createBo(4096, 'rw'); // XFB_STATE at 0, query counter at 64
  const desc = dev.createBo(4096, 'r');
  const outs = new Uint32Array(cap.outputs.length);
  cap.outputs.forEach((o, k) => packInto(XFB_OUTPUT, o, outs, k));
  desc.write(256, outs);
  const v: Partial<StructValues> = { state: rec.va, outputs: desc.va + 256, output_count: cap.outputs.length, buffer_count: cap.buffers.length, query: cap.queryAt ?? rec.va + 64 };
  cap.buffers.forEach((b, i) => { v[`buffer${i}`] = b.at ?? bufs[i]!.va; v[`size${i}`] = b.size; v[`stride${i}`] = b.stride; });
  const words = new Uint32Array(XFB.words);
  packInto(XFB, v, words, 0);
  desc.write(0, words);
  const run = drawTriangle(dev, { vs: ID_VS, ...opts, draw: { xfb: desc.va, ...opts.draw } });
  const read = (b: Bo, n: number) => { const w = new Uint32Array(n); b.read(0, w); return [...w]; };
  const st = new Uint32Array(8); rec.read(0, st);
  const q = new Uint32Array(2); rec.read(64, q);
  return { run, words: (i: number, n: number) => read(bufs[i]!, n), floats: (i: number, n: number) => [...new Float32Array(new Uint32Array(read(bufs[i]!, n)).buffer)], state: [...st], query: q[0]! + q[1]! * 2 ** 32 };
}

const ID_ONLY: Capture = { buffers: [{ size: 4096, stride: 4 }], outputs: [{ source: 8, components: 1, buffer: 0, offset: 0 }] };

test('strips, loops and fans are recorded as independent primitives, in primitive order (ES 3.0 § 2.15.2)', () => withMachine({ deterministic: true }, (m) => {
  const dev = new UmdDevice(m.spawn());
  // the vertex ids each primitive records, worked out from the assembly rules by hand
  const cases: Array<[(typeof PRIMITIVE)[number], number, number[]]> = [
    ['points', 3, [0, 1, 2]],
    ['lines', 5, [0, 1, 2, 3]], // the fifth vertex is an incomplete line
    ['line_strip', 4, [0, 1, 1, 2, 2, 3]],
    ['line_loop', 3, [0, 1, 1, 2, 2, 0]],
    ['triangles', 7, [0, 1, 2, 3, 4, 5]],
    // an odd triangle of a strip swaps its first two vertices (the winding of the strip)
    ['triangle_strip', 5, [0, 1, 2, 2, 1, 3, 2, 3, 4]],
    ['triangle_fan', 5, [0, 1, 2, 0, 2, 3, 0, 3, 4]],
  ];
  for (const [prim, n, ids] of cases) {
    const r = captureRun(dev, ID_ONLY, { vertexCount: n, draw: { primitive: PRIMITIVE.indexOf(prim) } });
    assert.equal(r.run.status, 'complete', prim);
    assert.deepEqual(r.words(0, ids.length + 1), [...ids, 0xeeeeeeee], prim);
    const nv = prim === 'points' ? 1 : prim.startsWith('line') ? 2 : 3;
    assert.equal(r.query, ids.length / nv, `${prim}: primitives written`);
    assert.deepEqual(r.state.slice(0, 5), [ids.length * 4, 0, 0, 0, 0], `${prim}: XFB_STATE`);
  }
}));

test('interleaved and separate buffers: positions, twice the positions and ids where the outputs say; instances in order', () => withMachine({ deterministic: true }, (m) => {
  const dev = new UmdDevice(m.spawn());
  const P = [[-0.8, -0.8], [0.8, -0.8], [0, 0.8]].map((p) => p.map(Math.fround));
  // buffer 0: position (4 words) then id, 24-byte records (a word of padding the GPU leaves alone);
  // buffer 1: twice the position (v12..v15), 16-byte records
  const r = captureRun(dev, {
    buffers: [{ size: 4096, stride: 24 }, { size: 4096, stride: 16 }],
    outputs: [{ source: 0, components: 4, buffer: 0, offset: 0 }, { source: 8, components: 1, buffer: 0, offset: 16 }, { source: 12, components: 4, buffer: 1, offset: 0 }],
  }, { instanceCount: 2, vsVaryings: 8 });
  assert.equal(r.run.status, 'complete');
  const w0 = r.words(0, 6 * 6), f0 = new Float32Array(new Uint32Array(w0).buffer), f1 = r.floats(1, 6 * 4);
  for (let i = 0; i < 6; i++) {
    const [x, y] = P[i % 3]!;
    assert.deepEqual([...f0.subarray(i * 6, i * 6 + 4)], [x, y, 0, 1], `vertex ${i}: position`);
    assert.equal(w0[i * 6 + 4], i % 3, `vertex ${i}: id`);
    assert.equal(w0[i * 6 + 5], 0xeeeeeeee, `vertex ${i}: padding untouched`);
    assert.deepEqual(f1.slice(i * 4, i * 4 + 4), [2 * x!, 2 * y!, 0, 2], `vertex ${i}: twice the position`);
  }
  assert.equal(r.query, 2, 'one triangle per instance');
}));

test('draws append through the state record; a primitive that does not fit is not written and capture stops (overflow)', () => withMachine({ deterministic: true }, (m) => {
  const dev = new UmdDevice(m.spawn());
  // two chained draws of two triangles (ids 0..5) into room for 9 vertices: draw 1's two triangles, then draw 2's first
  const r = captureRun(dev, { buffers: [{ size: 36, stride: 4 }], outputs: [{ source: 8, components: 1, buffer: 0, offset: 0 }] }, { copies: 2, vertexCount: 6 });
  assert.equal(r.run.status, 'complete');
  assert.deepEqual(r.words(0, 10), [0, 1, 2, 3, 4, 5, 0, 1, 2, 0xeeeeeeee]);
  assert.equal(r.query, 3);
  assert.deepEqual(r.state.slice(0, 5), [36, 0, 0, 0, 1], 'written 36 bytes, overflow set');
  // every buffer must have room: a second, tiny buffer stops capture at the first primitive
  const t = captureRun(dev, {
    buffers: [{ size: 4096, stride: 4 }, { size: 8, stride: 4 }],
    outputs: [{ source: 8, components: 1, buffer: 0, offset: 0 }, { source: 8, components: 1, buffer: 1, offset: 0 }],
  }, { vertexCount: 6 });
  assert.deepEqual(t.words(0, 1), [0xeeeeeeee]);
  assert.equal(t.query, 0);
}));

test('RASTERIZER_DISCARD: primitives are captured, nothing is rasterised', () => withMachine({ deterministic: true }, (m) => {
  const dev = new UmdDevice(m.spawn());
  // the triangle's own shaders: red, green, blue corners; the red channels (v8) captured
  const red = [1, 0, 0].map((v) => new Uint32Array(new Float32Array([v]).buffer)[0]!);
  const drawn = captureRun(dev, ID_ONLY, { vs: TRIANGLE_VS });
  const discarded = captureRun(dev, ID_ONLY, { vs: TRIANGLE_VS, state: { rasterizer_discard: 1 } });
  assert.deepEqual(drawn.words(0, 3), red);
  assert.deepEqual(discarded.words(0, 3), red);
  assert.ok(drawn.run.pixels.some((v, i) => i % 4 !== 3 && v !== 0), 'the triangle is drawn without discard');
  assert.ok(discarded.run.pixels.every((v, i) => v === (i % 4 === 3 ? 255 : 0)), 'only the clear colour');
}));

test('a hostile capture descriptor faults at the exact address; the device goes on', () => withMachine({ deterministic: true }, (m) => {
  const dev = new UmdDevice(m.spawn());
  // an unmapped buffer: the first word written is vertex 0's output at byte 8 of its record
  const bad = captureRun(dev, { buffers: [{ size: 4096, stride: 16, at: 0xdead0000 }], outputs: [{ source: 8, components: 1, buffer: 0, offset: 8 }] }, {});
  assert.equal(bad.run.status, 'fault');
  assert.equal(bad.run.result.fault_addr, 0xdead0008);
  assert.equal(ACCESS[bad.run.result.fault_access as 0], 'write');
  assert.equal(dev.state(), 'guilty_fault');
  dev.replaceQueue();
  // a buffer that crosses from mapped into unmapped memory: the first word past the mapping faults, the words before it were written
  const bo = dev.createBo(16384, 'rw');
  const across = captureRun(dev, { buffers: [{ size: 64, stride: 4, at: bo.va + 16384 - 8 }], outputs: [{ source: 8, components: 1, buffer: 0, offset: 0 }] }, {});
  assert.equal(across.run.status, 'fault');
  assert.equal(across.run.result.fault_addr, bo.va + 16384);
  const tail = new Uint32Array(2); bo.read(16384 - 8, tail);
  assert.deepEqual([...tail], [0, 1]);
  dev.replaceQueue();
  // a read-only buffer: a permission fault at its first word
  const ro = dev.createBo(4096, 'r');
  const perm = captureRun(dev, { buffers: [{ size: 64, stride: 4, at: ro.va }], outputs: [{ source: 8, components: 1, buffer: 0, offset: 0 }] }, {});
  assert.equal(perm.run.status, 'fault');
  assert.equal(perm.run.result.fault_addr, ro.va);
  dev.replaceQueue();
  // the query counter in unmapped memory: the fault is at the counter
  const q = captureRun(dev, { ...ID_ONLY, queryAt: 0xbeef0000 }, {});
  assert.equal(q.run.status, 'fault');
  assert.equal(q.run.result.fault_addr, 0xbeef0000);
  dev.replaceQueue();
  const good = captureRun(dev, ID_ONLY, {});
  assert.equal(good.run.status, 'complete');
  assert.deepEqual(good.words(0, 3), [0, 1, 2]);
}));

/** The triangle's covered pixels: every pixel of the image whose colour is not the clear colour (the colours sum to 1 inside). */
const covered = (px: Uint8Array) => { let n = 0; for (let i = 0; i < px.length; i += 4) if (px[i] || px[i + 1] || px[i + 2]) n++; return n; };

for (const [name, opts, fused] of [
  ['deterministic, fused kernels', { deterministic: true }, true],
  ['deterministic, generic path', { deterministic: true }, false],
  ['threaded cores', { deterministic: false, cores: 2 }, true],
] as const) {
  test(`occlusion counting: the samples that passed, per draw, added to the counter (${name})`, () => {
    setFusedKernels(fused);
    try {
      withMachine(opts, (m) => {
        const dev = new UmdDevice(m.spawn());
        const counter = dev.createBo(4096, 'rw');
        counter.write(0, new Uint32Array([5, 0]));
        const before = fusedCounters.triangles;
        const run = drawTriangle(dev, { copies: 2, draw: { occlusion: 1, occlusion_address: counter.va } });
        assert.equal(run.status, 'complete');
        // (the threaded machine's GPU runs in its own thread: its kernels are not counted here)
        if (opts.deterministic) assert.equal(fusedCounters.triangles > before, fused, fused ? 'a fused kernel rasterised' : 'the generic path rasterised');
        const n = covered(run.pixels);
        assert.ok(n > 10000, `the triangle covers ${n} pixels`);
        const got = new Uint32Array(2); counter.read(0, got);
        // two draws of the triangle, no depth test: each of its samples passes twice, added to the 5 already there
        assert.deepEqual([...got], [5 + 2 * n, 0]);
        // a counter in unmapped memory faults the job at its address, after the pass
        const bad = drawTriangle(dev, { draw: { occlusion: 1, occlusion_address: 0xc0ffee00 } });
        assert.equal(bad.status, 'fault');
        assert.equal(bad.result.fault_addr, 0xc0ffee00);
      });
    } finally { setFusedKernels(true); }
  });
}
