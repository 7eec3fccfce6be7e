/**
 * Tile load/store as the render passes ask for it: a pass whose draws never
 * test depth or stencil neither loads nor stores its depth/stencil surface
 * (the driver leaves zs_load/zs_store out of the framebuffer descriptor),
 * and the surface keeps what earlier passes stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl, withGlOnMachine } from './helpers.js';
import { AKARI_RENDER_ZS_CLEAR, AKARI_RENDER_ZS_LOAD, AKARI_RENDER_ZS_STORE } from '../../src/uapi/akari.js';

const VS = 'attribute vec3 pos; void main() { gl_Position = vec4(pos, 1.0); }';
const FS = 'precision mediump float; uniform vec4 color; void main() { gl_FragColor = color; }';
const ZS = AKARI_RENDER_ZS_CLEAR | AKARI_RENDER_ZS_LOAD | AKARI_RENDER_ZS_STORE;

function quad(gl: WebGLRenderingContext, z: number): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, z, 1, -1, z, -1, 1, z, 1, 1, z]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
}

test('a pass without depth or stencil tests leaves the depth surface alone; later passes see the depth stored before it', () => withGl(40, 36, (gl) => {
  // 40x36: partial tiles on the right and the top, so the row loads and stores cover short rows too
  const loadStore: number[] = [];
  const dev = gl.gpu.dev;
  const submit = dev.submit.bind(dev);
  dev.submit = (cmds, waits) => { for (const c of cmds) loadStore.push(c.load_store!); return submit(cmds, waits); };
  const p = program(gl, VS, FS, { pos: 0 });
  const color = gl.getUniformLocation(p, 'color');
  // pass 1: clear depth to 1, draw red at z = 0 (depth 0.5) with the depth test: depth 0.5 is stored
  gl.enable(gl.DEPTH_TEST);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
  quad(gl, 0);
  gl.uniform4f(color, 1, 0, 0, 1);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.finish();
  // pass 2: green everywhere, no depth test: depth/stencil neither loaded nor stored
  gl.disable(gl.DEPTH_TEST);
  quad(gl, 0.9);
  gl.uniform4f(color, 0, 1, 0, 1);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.finish();
  // pass 3: blue at z = 0.5 (depth 0.75) with LESS fails against the 0.5 of pass 1; at z = -0.5 (0.25) it passes
  gl.enable(gl.DEPTH_TEST);
  quad(gl, 0.5);
  gl.uniform4f(color, 0, 0, 1, 1);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px = read(gl, 40, 36);
  for (const [x, y] of [[0, 0], [39, 35], [20, 17], [33, 0], [0, 33]] as const) assert.deepEqual(at(px, 40, x, y), [0, 255, 0, 255], `${x},${y}`);
  quad(gl, -0.5);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px2 = read(gl, 40, 36);
  for (const [x, y] of [[0, 0], [39, 35], [20, 17], [33, 0], [0, 33]] as const) assert.deepEqual(at(px2, 40, x, y), [0, 0, 255, 255], `${x},${y}`);
  // what the driver asked for, pass by pass: clear+store, nothing, load+store, load+store
  assert.deepEqual(loadStore.map((ls) => ls & ZS), [
    AKARI_RENDER_ZS_CLEAR | AKARI_RENDER_ZS_STORE, 0, AKARI_RENDER_ZS_LOAD | AKARI_RENDER_ZS_STORE, AKARI_RENDER_ZS_LOAD | AKARI_RENDER_ZS_STORE,
  ]);
}, { depth: true }));

test('a depth clear in a pass that does not test depth is still stored', () => withGl(8, 8, (gl) => {
  const p = program(gl, VS, FS, { pos: 0 });
  const color = gl.getUniformLocation(p, 'color');
  // depth 0.5 stored, then a pass that clears depth to 1 and draws without the test
  gl.enable(gl.DEPTH_TEST);
  gl.clear(gl.DEPTH_BUFFER_BIT);
  quad(gl, 0);
  gl.uniform4f(color, 1, 0, 0, 1);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.finish();
  gl.disable(gl.DEPTH_TEST);
  gl.clearDepth(1);
  gl.clear(gl.DEPTH_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.finish();
  // depth is 1 again: blue at depth 0.75 passes LESS
  gl.enable(gl.DEPTH_TEST);
  quad(gl, 0.5);
  gl.uniform4f(color, 0, 0, 1, 1);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 8, 8), 8, 3, 3), [0, 0, 255, 255]);
}));

test('the driver sizes the tiler heap for the pass: 60,000 triangles (~4.8 MB binned) render with no partial render', () => withGlOnMachine(32, 32, (gl, machine) => {
  // each triangle binned: a 16-byte header + 3 vertices x 5 floats = 76 bytes and a list entry: about 4.8 MB,
  // more than the 4 MiB heap a context starts with
  const n = 60000;
  const data = new Float32Array(n * 9);
  for (let t = 0; t < n; t++) {
    // triangle t: 0.96 px wide around the centre of pixel (t % 32, (t / 32) % 32), so every pixel is covered
    const cx = (t % 32) / 16 - 1 + 1 / 32, cy = (Math.floor(t / 32) % 32) / 16 - 1 + 1 / 32;
    data.set([cx - 0.03, cy - 0.03, 0, cx + 0.03, cy - 0.03, 0, cx, cy + 0.03, 0], t * 9);
  }
  const p = program(gl, VS, FS, { pos: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
  gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 1, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLES, 0, n * 3);
  const px = read(gl, 32, 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) assert.deepEqual(at(px, 32, x, y), [255, 255, 0, 255], `${x},${y}`);
  assert.equal(machine.driver.firmwareStats().partial_renders, 0);
}, { antialias: false })); // single-sampled: each tiny triangle covers its pixel's centre, not all four samples
