/**
 * Several shader cores: the fragment pass's tiles spread over REG.CORE_COUNT
 * cores — worker threads taking tiles from an atomic queue in concurrent
 * mode, the same cores in turn (tile t on core t mod N) in deterministic
 * mode — and the result does not depend on how many or which:
 *  - every bench scene renders byte-identical frames with 1, 2 and 3 cores
 *    in both modes (tiles are independent; the reference is one core);
 *  - a fault ends the job at the fault a single core going row by row
 *    meets first, whichever core met it and whichever finished first;
 *  - the watchdog still stops an endless shader with several cores;
 *  - the cores' threads end with the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWebGLContext } from '../src/platform/webgl.js';
import { Machine } from '../src/machine/machine.js';
import { UmdDevice } from '../src/umd/device.js';
import { drawTriangle, HANG_FS } from '../src/umd/triangle.js';
import { REG } from '../src/hwdesc/regs.js';
import { withMachine } from './helpers.js';
import { AKARI_MAX_TIMEOUT_MS } from '../src/uapi/akari.js';

const dir = resolve(process.env.AKARI_BENCH_SCENES ?? fileURLToPath(new URL('../../bench/scenes', import.meta.url)));
type Scene = { setup(gl: WebGLRenderingContext, w: number, h: number): unknown; frame(gl: WebGLRenderingContext, s: unknown, i: number): void };

/** Renders frames `frames` of a scene, each read back whole. */
function render(mod: Scene, w: number, h: number, frames: number[], cores: number, deterministic: boolean): Uint8Array[] {
  // firmware v2 with the longest job timeout: a tris frame on a loaded machine can outlive v1's fixed 2 s watchdog in threaded mode
  const gl = createWebGLContext(w, h, {
    deterministic, antialias: false, preserveDrawingBuffer: true, machine: { cores, firmware: 'v2' }, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS,
  });
  try {
    const st = mod.setup(gl, w, h);
    return frames.map((i) => {
      mod.frame(gl, st, i);
      const px = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
      assert.equal(gl.getError(), gl.NO_ERROR);
      return px;
    });
  } finally { gl.destroy(); }
}

/** index of the first differing byte, or -1 */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

for (const name of ['fill', 'cube', 'texture', 'tris']) {
  test(`${name}: byte-identical frames with 1, 2 and 3 cores, deterministic and threaded`, async () => {
    const mod = (await import(pathToFileURL(resolve(dir, `${name}.js`)).href)) as Scene;
    // 150x100: 5x4 tiles with partial ones on the right and bottom edges; tris also
    // overflows the tiler heap, so its frames include partial renders
    const W = 150, H = 100, frames = [0, 7];
    const ref = render(mod, W, H, frames, 1, true);
    // the reference is not blank: the scene drew something other than its clear colour
    assert.ok(ref[1]!.some((v, i) => v !== ref[1]![i % 4]), `${name} drew nothing`);
    for (const deterministic of [true, false]) {
      for (const cores of [1, 2, 3]) {
        if (deterministic && cores === 1) continue;
        const got = render(mod, W, H, frames, cores, deterministic);
        got.forEach((px, k) => assert.equal(firstDiff(px, ref[k]!), -1, `${name} frame ${frames[k]}, ${cores} cores, ${deterministic ? 'deterministic' : 'threaded'}`));
      }
    }
  });
}

test('CORE_COUNT reads the machine\'s shader cores; deterministic mode hands tile t to core t mod N', () => {
  withMachine({ deterministic: true, cores: 3 }, (m) => {
    assert.equal(m.bus.readReg(REG.CORE_COUNT), 3);
    const dev = new UmdDevice(m.spawn());
    const before = [0, 1, 2].map((c) => m.bus.readReg(REG.CORE_TILES + c));
    // 160x64: 5x2 = 10 tiles: cores 0, 1, 2 render 4, 3, 3 of them
    assert.equal(drawTriangle(dev, { width: 160, height: 64 }).status, 'complete');
    assert.deepEqual([0, 1, 2].map((c) => m.bus.readReg(REG.CORE_TILES + c) - before[c]!), [4, 3, 3]);
    assert.equal(m.bus.readReg(REG.CORE_TILES + 3), 0);
  });
  assert.throws(() => new Machine({ deterministic: true, cores: 9 }), /shader cores: 9/);
});

test('threaded: every worker core takes tiles from the queue', () => {
  withMachine({ deterministic: false, cores: 3 }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const ref = drawTriangle(dev, { width: 512, height: 512, copies: 8 });
    // worker threads take a moment to start; until they are up core 0 renders alone
    const t0 = Date.now();
    while ([1, 2].some((c) => m.bus.readReg(REG.CORE_TILES + c) === 0) && Date.now() - t0 < 60_000) {
      const r = drawTriangle(dev, { width: 512, height: 512, copies: 8 });
      assert.deepEqual(r.pixels, ref.pixels);
    }
    for (const c of [0, 1, 2]) assert.ok(m.bus.readReg(REG.CORE_TILES + c) > 0, `core ${c} rendered no tile`);
  });
});

/**
 * A fragment shader that loads from 0xdead0000 + 0x100 * (its tile's index)
 * — unmapped — in the tiles at x >= 64, and otherwise draws the triangle's
 * colours. On a 128x64 framebuffer (4x2 tiles, row by row) the triangle
 * reaches tiles 2, 6 and 7 at x >= 64 (tile 3 only holds the corner beyond
 * the triangle's edge), so the fault a single core meets first is tile 2's:
 * 0xdead0200. With 3 cores in deterministic mode tile 2 is core 2's; tiles
 * 6 and 7 (cores 0 and 1) fault at 0xdead0600 and 0xdead0700. Tile 2 first
 * spins for 2^21 loop iterations, so that with threads the other cores reach
 * tiles 6 and 7 and fault there before tile 2 does.
 */
const TILE_FAULT_FS = `
movi r7, 0x3d000000
fmul r3, sr.frag_x, r7
ffloor r3, r3
fmul r4, sr.frag_y, r7
ffloor r4, r4
fmul r4, r4, #4.0
fadd r3, r3, r4
fcmp.eq r5, r3, #2.0
if r5
  mov r6, #0.0
  movi r8, 0x4a000000
  loop
    fcmp.ge r4, r6, r8
    break r4
    fadd r6, r6, #1.0
  endloop
endif
fcmp.ge r5, sr.frag_x, #64.0
if r5
  f2u r3, r3
  movi r6, 8
  shl r3, r3, r6
  movi r0, 0xdead0000
  iadd r0, r0, r3
  movi r1, 0
  ld_g r2, [r0:+0]
endif
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
st_out rt0.x, r0
st_out rt0.y, r1
st_out rt0.z, r2
st_out rt0.w, #1.0
end
`;

for (const deterministic of [true, false]) {
  test(`a fault in the tile core 2 renders reports its exact address (${deterministic ? 'deterministic' : 'threaded'}, 1-3 cores)`, () => {
    for (const cores of [3, 2, 1]) {
      withMachine({ deterministic, cores }, (m) => {
        const dev = new UmdDevice(m.spawn());
        const before = m.bus.readReg(REG.CORE_TILES + 2);
        const r = drawTriangle(dev, { width: 128, height: 64, fs: TILE_FAULT_FS });
        assert.equal(r.status, 'fault', `${cores} cores`);
        assert.equal(r.result.fault_addr, 0xdead0200, `${cores} cores: fault at ${(r.result.fault_addr as number).toString(16)}`);
        if (deterministic && cores === 3) assert.equal(m.bus.readReg(REG.CORE_TILES + 2) - before, 0, 'core 2 faulted in its first tile, tile 2');
        assert.ok(m.driver.faults.some((f) => f.addr === 0xdead0200));
        assert.ok(!m.driver.faults.some((f) => f.addr === 0xdead0600 || f.addr === 0xdead0700), 'only the first fault is reported');
      });
    }
  });
}

/**
 * The triangle's vertex shader, plus: vertices from 5000 on load from
 * 0xdead0000 + 4 * vertex_id (unmapped). In a 40000-vertex draw shaded in
 * chunks on every core, the chunks past vertex 5000's all fault at their
 * first vertex; the fault one core shading in order meets first is vertex
 * 5000's, at 0xdead4e20.
 */
const VERTEX_FAULT_VS = `
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
movi r5, 5000
ucmp.ge r6, sr.vertex_id, r5
if r6
  movi r8, 2
  shl r7, sr.vertex_id, r8
  movi r5, 0xdead0000
  iadd r5, r5, r7
  movi r6, 0
  ld_g r7, [r5:+0]
endif
end
`;

for (const deterministic of [true, false]) {
  test(`a fault while the cores share a draw's vertices lands at the first faulting vertex (${deterministic ? 'deterministic' : 'threaded'}, 1-3 cores)`, () => {
    for (const cores of [3, 2, 1]) {
      withMachine({ deterministic, cores }, (m) => {
        const dev = new UmdDevice(m.spawn());
        const ok = drawTriangle(dev, { width: 64, height: 64, vertexCount: 40000 });
        assert.equal(ok.status, 'complete');
        assert.deepEqual(ok.pixels, drawTriangle(dev, { width: 64, height: 64 }).pixels, 'the degenerate triangles draw nothing');
        const r = drawTriangle(dev, { width: 64, height: 64, vertexCount: 40000, vs: VERTEX_FAULT_VS });
        assert.equal(r.status, 'fault', `${cores} cores`);
        assert.equal(r.result.fault_addr, 0xdead0000 + 4 * 5000, `${cores} cores: fault at ${(r.result.fault_addr as number).toString(16)}`);
      });
    }
  });
}


test('deterministic, 3 cores: an endless shader is stopped at its timeout, as with one', () => {
  withMachine({ deterministic: true, firmware: 'v2', cores: 3 }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const h = drawTriangle(dev, { fs: HANG_FS, timeoutMs: 20 });
    assert.equal(h.status, 'timeout');
    const t = (h.result.ts_end! - h.result.ts_start!) / 1e6;
    assert.ok(t >= 20 && t <= 20.1, `stopped after ${t} ms of GPU time (timeout 20 ms)`);
  });
});

test('threaded, 3 cores: an endless shader on every core is stopped at its timeout; the next job renders', () => {
  withMachine({ deterministic: false, firmware: 'v2', cores: 3 }, (m) => {
    const hostile = new UmdDevice(m.spawn());
    const other = new UmdDevice(m.spawn());
    // 256x256: 64 tiles, enough to reach every core that is up
    const ref = drawTriangle(other);
    const t0 = performance.now();
    const h = drawTriangle(hostile, { fs: HANG_FS, timeoutMs: 300 });
    const wall = performance.now() - t0;
    assert.equal(h.status, 'timeout');
    const t = (h.result.ts_end! - h.result.ts_start!) / 1e6;
    assert.ok(t >= 300 && t < 1500, `GPU time ${t} ms`);
    assert.ok(wall < 5000, `wall ${wall} ms`);
    const again = drawTriangle(other);
    assert.equal(again.status, 'complete');
    assert.deepEqual(again.pixels, ref.pixels);
  });
});

test('shutdown ends every thread of the GPU', async () => {
  const m = new Machine({ deterministic: false, cores: 3 });
  assert.equal(m.threads, 3, 'the GPU thread and two core threads');
  const dev = new UmdDevice(m.spawn());
  assert.equal(drawTriangle(dev).status, 'complete');
  let ended = false;
  const end = m.threadsEnded().then(() => { ended = true; });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(ended, false, 'the threads run until shutdown');
  m.shutdown();
  await end;
  const inline = new Machine({ deterministic: true, cores: 3 });
  assert.equal(inline.threads, 0, 'deterministic mode runs its cores in the caller\'s thread');
  inline.shutdown();
});

/**
 * Binning on every core when its heap blocks run out. 48,000 slivers, each
 * from near one corner of a 256x256 framebuffer to near the opposite one:
 * their bounding boxes cover all 64 tiles, so each record is listed in every
 * tile, far beyond the driver's estimate of two tiles a primitive. The
 * shared binning's room check (same estimate) lets the batch through, the
 * cores' heap blocks run out, and the batch is binned again one by one,
 * with partial renders; the slivers cover few pixel centres, so the frame
 * is cheap. A last ordinary triangle goes over them. Threaded with 2 and 3
 * cores must give the frame one deterministic core gives.
 */
test('shared binning that runs out of heap falls back to binning one by one: byte-identical', () => {
  const W = 256, H = 256, N = 48000;
  const data: number[] = [];
  for (let i = 0; i < N; i++) {
    const e = (i % 97) / 97 * 0.01, c = (i % 251) / 251;
    data.push(-0.999 + e, -0.999, c, 0.999, 0.999 - e, 1 - c, -0.999 + e, -0.995, c * 0.5);
  }
  data.push(-0.5, -0.5, 0.6, 0.5, -0.5, 0.6, 0, 0.6, 0.6);
  const draw = (cores: number, deterministic: boolean): Uint8Array => {
    const gl = createWebGLContext(W, H, { deterministic, antialias: false, preserveDrawingBuffer: true, machine: { cores, firmware: 'v2' }, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS });
    try {
      const vs = gl.createShader(gl.VERTEX_SHADER)!, fs = gl.createShader(gl.FRAGMENT_SHADER)!;
      gl.shaderSource(vs, 'attribute vec2 p; attribute float c; varying float v; void main() { v = c; gl_Position = vec4(p, 0.0, 1.0); }');
      gl.shaderSource(fs, 'precision mediump float; varying float v; void main() { gl_FragColor = vec4(v, 1.0 - v, 0.5, 1.0); }');
      gl.compileShader(vs); gl.compileShader(fs);
      const prog = gl.createProgram()!;
      gl.attachShader(prog, vs); gl.attachShader(prog, fs);
      gl.bindAttribLocation(prog, 0, 'p'); gl.bindAttribLocation(prog, 1, 'c');
      gl.linkProgram(prog);
      gl.useProgram(prog);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0); gl.enableVertexAttribArray(1);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 12, 0);
      gl.vertexAttribPointer(1, 1, gl.FLOAT, false, 12, 8);
      gl.clearColor(0, 0, 0.25, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.drawArrays(gl.TRIANGLES, 0, (N + 1) * 3);
      const px = new Uint8Array(W * H * 4);
      gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, px);
      assert.equal(gl.getError(), gl.NO_ERROR);
      return px;
    } finally { gl.destroy(); }
  };
  const ref = draw(1, true);
  // the last triangle (v = 0.6: 0.6 * 255 = 153, 0.4 * 255 = 102, 0.5 * 255 = 127.5 rounds to 128) is there, and so are
  // slivers along the diagonal (blue 128 too)
  const at = (x: number, y: number) => [...ref.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];
  assert.deepEqual(at(128, 100), [153, 102, 128]);
  let slivers = 0;
  for (let i = 0; i < W * H; i++) if (ref[i * 4 + 2] === 128 && !(ref[i * 4] === 153 && ref[i * 4 + 1] === 102)) slivers++;
  assert.ok(slivers > 50, `${slivers} sliver pixels`);
  for (const cores of [2, 3]) assert.equal(firstDiff(draw(cores, false), ref), -1, `threaded, ${cores} cores`);
});
