/**
 * gl.canvas and the drawing buffer's size, as a browser's canvas behaves
 * (HTML § 4.12.5: assigning width or height, even the same value, resets the
 * context's bitmap; WebGL 1.0 § 2.2: the new drawing buffer is cleared to its
 * initial values, and the viewport is left as the application set it), the
 * headless-gl entry's call shape and extensions, and what happens when GPU
 * memory cannot hold a drawing buffer.
 *
 * Expected pixels: glClear writes the clear colour to every pixel of the
 * drawing buffer; a fresh drawing buffer reads (0, 0, 0, 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as THREE from 'three';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { gl as headlessGl } from '../../src/platform/headless-gl.js';
import { AkariCanvas } from '../../src/webgl/canvas.js';
import { MAX_DRAWING_BUFFER_SIZE } from '../../src/webgl/context.js';
import { withGl, read } from './helpers.js';

const RED = [255, 0, 0, 255];
function clearRed(gl: WebGLRenderingContext): void {
  gl.clearColor(1, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
}
/** Every pixel of a w×h readback equals rgba. */
function allAre(px: Uint8Array, rgba: number[]): boolean {
  for (let i = 0; i < px.length; i += 4) if (px[i] !== rgba[0] || px[i + 1] !== rgba[1] || px[i + 2] !== rgba[2] || px[i + 3] !== rgba[3]) return false;
  return true;
}

test('gl.canvas is an EventTarget with the size the context was created with', () => withGl(5, 3, (gl) => {
  const c = gl.canvas as unknown as AkariCanvas;
  assert.ok(c instanceof EventTarget);
  assert.equal(c.width, 5);
  assert.equal(c.height, 3);
  assert.equal(c.getContext('webgl'), gl);
  assert.equal(c.getContext('2d'), null);
  let seen = 0;
  c.addEventListener('webglcontextlost', () => { seen++; });
  c.dispatchEvent(new Event('webglcontextlost'));
  assert.equal(seen, 1);
}));

test('canvas.width/height resize the drawing buffer, which starts cleared; the viewport is kept', () => withGl(4, 4, (gl) => {
  clearRed(gl);
  gl.viewport(1, 1, 2, 2);
  gl.canvas.width = 8;
  gl.canvas.height = 6;
  assert.equal(gl.drawingBufferWidth, 8);
  assert.equal(gl.drawingBufferHeight, 6);
  assert.ok(allAre(read(gl, 8, 6), [0, 0, 0, 0]), 'a new drawing buffer reads (0,0,0,0)');
  assert.deepEqual(Array.from(gl.getParameter(gl.VIEWPORT) as Int32Array), [1, 1, 2, 2]);
  clearRed(gl);
  assert.ok(allAre(read(gl, 8, 6), RED), 'clear covers all 8×6 pixels');
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('assigning the same width still replaces the drawing buffer (as browsers do)', () => withGl(4, 4, (gl) => {
  clearRed(gl);
  assert.ok(allAre(read(gl, 4, 4), RED));
  gl.canvas.width = gl.canvas.width;
  assert.ok(allAre(read(gl, 4, 4), [0, 0, 0, 0]));
}));

test('canvas sizes convert as a reflected unsigned long; the drawing buffer is clamped to 1..MAX_DRAWING_BUFFER_SIZE', () => withGl(4, 4, (gl) => {
  const c = gl.canvas;
  c.width = 2.9;                      // ToUint32 truncates
  assert.equal(c.width, 2);
  assert.equal(gl.drawingBufferWidth, 2);
  c.width = -1;                       // ToUint32(-1) = 2^32 - 1 > 2^31 - 1: the default, 300
  assert.equal(c.width, 300);
  c.width = 0;                        // a 0-wide canvas still has a 1-wide drawing buffer
  assert.equal(c.width, 0);
  assert.equal(gl.drawingBufferWidth, 1);
  c.height = 1;
  c.width = MAX_DRAWING_BUFFER_SIZE + 100; // larger than the device's limit: clamped (WebGL 1.0 § 2.2)
  assert.equal(c.width, MAX_DRAWING_BUFFER_SIZE + 100);
  assert.equal(gl.drawingBufferWidth, MAX_DRAWING_BUFFER_SIZE);
}));

test('three.js setSize resizes the drawing buffer through canvas.width/height, and renders at the new size', () => {
  const gl = createWebGLContext(16, 16, { deterministic: true, preserveDrawingBuffer: true });
  try {
    const renderer = new THREE.WebGL1Renderer({ canvas: gl.canvas, context: gl, antialias: false });
    renderer.setSize(40, 24, false);
    assert.equal(gl.canvas.width, 40);
    assert.equal(gl.drawingBufferWidth, 40);
    assert.equal(gl.drawingBufferHeight, 24);
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(0x00ff00); // pure green survives sRGB encoding unchanged
    renderer.render(scene, new THREE.PerspectiveCamera(50, 40 / 24, 0.1, 10));
    assert.ok(allAre(read(gl, 40, 24), [0, 255, 0, 255]), 'every pixel of the 40×24 buffer is the background');
    assert.equal(gl.getError(), gl.NO_ERROR);
  } finally { gl.destroy(); }
});

test('headless-gl call shape: gl(w, h, attrs) gives a context, or null for sizes that are not positive after | 0', () => {
  for (const [w, h] of [[0, 4], [4, 0], [-1, 4], [NaN, 4], [4, Infinity], [0.5, 4]] as const) {
    assert.equal(headlessGl(w, h, { deterministic: true }), null, `${w}×${h}`);
  }
  const gl = headlessGl(3.7, 2, { deterministic: true })!;
  try {
    assert.equal(gl.drawingBufferWidth, 3); // 3.7 | 0
    assert.equal(gl.drawingBufferHeight, 2);
    assert.ok(gl.getSupportedExtensions()!.includes('STACKGL_resize_drawingbuffer'));
    const ext = gl.getExtension('STACKGL_resize_drawingbuffer') as { resize(w: number, h: number): void };
    ext.resize(6, 5);
    assert.equal(gl.drawingBufferWidth, 6);
    assert.equal(gl.canvas.height, 5);
    clearRed(gl);
    assert.ok(allAre(read(gl, 6, 5), RED));
    assert.throws(() => ext.resize(0, 5), /Invalid surface dimensions/);
    assert.equal(gl.drawingBufferWidth, 6);
  } finally { gl.destroy(); }
  const gl2 = headlessGl(2, 2, { deterministic: true })!;
  (gl2.getExtension('STACKGL_destroy_context') as { destroy(): void }).destroy();
  assert.equal(gl2.isContextLost(), true);
  gl2.destroy(); // a second destroy does nothing
});

test('createWebGLContext rejects sizes that are not positive integers', () => {
  for (const [w, h] of [[0, 4], [4, -2], [NaN, 1], [1, Infinity]] as const) {
    assert.throws(() => createWebGLContext(w, h, { deterministic: true }), RangeError, `${w}×${h}`);
  }
});

test('a drawing buffer GPU memory cannot hold: a RangeError naming the size, the memory and machine.memoryBytes', () => {
  // 2048×2048 RGBA8 + D24S8 = 32 MiB, on a 16 MiB machine
  // (single-sampled: antialias would add a 4x colour and make the depth/stencil 4x)
  assert.throws(() => createWebGLContext(2048, 2048, { deterministic: true, antialias: false, machine: { memoryBytes: 16 << 20 } }),
    (e: Error) => e instanceof RangeError && /2048×2048/.test(e.message) && /32 MiB/.test(e.message) && /16 MiB/.test(e.message) && /memoryBytes/.test(e.message));
  // (resizing an existing context through the canvas does not throw: it gets a smaller buffer, the next test)
});

test('a canvas size GPU memory cannot hold gets a smaller drawing buffer, same aspect ratio (WebGL 1.0 § 2.2)', () => {
  // 64 MiB of GPU memory: 4096×2048 needs 4096·2048·(4 colour + 4 depth/stencil) = 64 MiB, more than the
  // device holds beside its page tables, rings and the context's own buffers; half each way, 2048×1024, needs 16 MiB
  const gl = createWebGLContext(4, 4, { deterministic: true, antialias: false, machine: { memoryBytes: 64 << 20 } });
  try {
    gl.canvas.width = 4096;
    gl.canvas.height = 2048;
    assert.equal(gl.canvas.width, 4096, 'the canvas keeps the size asked for');
    assert.equal(gl.drawingBufferWidth, 2048);
    assert.equal(gl.drawingBufferHeight, 1024);
    clearRed(gl);
    const px = new Uint8Array(4);
    gl.readPixels(2047, 1023, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    assert.deepEqual(Array.from(px), RED, 'the far corner of the smaller buffer is drawn');
    gl.canvas.width = 8;
    gl.canvas.height = 8;
    assert.equal(gl.drawingBufferWidth, 8, 'back to the size asked for once it fits');
    assert.equal(gl.getError(), gl.NO_ERROR);
  } finally { gl.destroy(); }
});
