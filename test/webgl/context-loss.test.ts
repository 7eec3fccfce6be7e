/**
 * WebGL context loss as the WebGL 1.0 specification's §5.15 describes it,
 * and as browsers do it when the GPU watchdog fires:
 * - a context whose job times out (or faults) is lost: isContextLost() is
 *   true at once, getError() answers CONTEXT_LOST_WEBGL once then NO_ERROR,
 *   every call is a no-op returning the spec's value for a lost context;
 * - `webglcontextlost` is fired at the canvas in a later task; if the
 *   application cancelled it (preventDefault) the context comes back and
 *   `webglcontextrestored` follows, with fresh state and the old objects
 *   invalid; if not, it stays lost;
 * - WEBGL_lose_context simulates the same, restored only by restoreContext();
 * - readPixels of a frame the GPU never finished leaves the caller's array
 *   untouched instead of returning the stale image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as THREE from 'three';
import { createWebGLContext } from '../../src/platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { program, read, at } from './helpers.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

function events(gl: AkariWebGLRenderingContext, prevent: boolean): string[] {
  const log: string[] = [];
  gl.canvas.addEventListener('webglcontextlost', (e) => {
    log.push(`lost:${(e as Event & { statusMessage: string }).statusMessage}:${e.cancelable}`);
    if (prevent) e.preventDefault();
  });
  gl.canvas.addEventListener('webglcontextrestored', () => log.push('restored'));
  return log;
}

const VS = 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }';
const FS_RED = 'precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }';
/** Runs for about a billion iterations per fragment: far past any sensible timeout. */
const FS_HANG = `precision highp float;
void main() {
  float acc = 0.0;
  for (float i = 0.0; i < 1.0e9; i += 1.0) { acc += fract(acc * 1.37 + 0.11); }
  gl_FragColor = vec4(acc, 0.0, 0.0, 1.0);
}`;

function fullScreenQuad(gl: WebGLRenderingContext): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
}

test('WEBGL_lose_context: the lost/restored sequence and the return values of a lost context (§5.15)', async () => {
  const gl = createWebGLContext(8, 8, { deterministic: true });
  try {
    const log = events(gl, true);
    const buf = gl.createBuffer()!;
    const prog = program(gl, VS, FS_RED, { p: 0 });
    const ext = gl.getExtension('WEBGL_lose_context')!;
    ext.loseContext();
    assert.equal(gl.isContextLost(), true);
    assert.deepEqual(log, [], 'the lost event is fired in a later task, not inside loseContext');
    assert.equal(gl.getError(), gl.CONTEXT_LOST_WEBGL, 'CONTEXT_LOST_WEBGL once');
    assert.equal(gl.getError(), gl.NO_ERROR, 'then NO_ERROR');
    // what a lost context answers (WebGL 1.0 §5.14: "if the context is lost ... returns")
    assert.equal(gl.createBuffer(), null);
    assert.equal(gl.createTexture(), null);
    assert.equal(gl.getParameter(gl.VIEWPORT), null);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_UNSUPPORTED);
    assert.equal(gl.getAttribLocation(prog, 'p'), -1);
    assert.equal(gl.getUniformLocation(prog, 'x'), null);
    assert.equal(gl.isBuffer(buf), false);
    assert.equal(gl.isProgram(prog), false);
    assert.equal(gl.isEnabled(gl.BLEND), false);
    assert.equal(gl.getSupportedExtensions(), null);
    assert.equal(gl.getContextAttributes(), null);
    assert.equal(gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT), null);
    assert.equal(gl.getVertexAttribOffset(0, gl.VERTEX_ATTRIB_ARRAY_POINTER), 0);
    const px = new Uint8Array(4).fill(7);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    assert.deepEqual([...px], [7, 7, 7, 7], 'readPixels of a lost context writes nothing');
    gl.clear(gl.COLOR_BUFFER_BIT); // a no-op, no error
    assert.equal(gl.getError(), gl.NO_ERROR);
    // the extension stays usable: loseContext on a lost context is INVALID_OPERATION
    ext.loseContext();
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    await tick();
    assert.deepEqual(log, ['lost::true'], 'webglcontextlost, cancelable, statusMessage ""');
    assert.equal(gl.isContextLost(), true, 'a simulated loss waits for restoreContext');
    ext.restoreContext();
    assert.equal(gl.isContextLost(), true, 'restoring happens in a later task');
    await tick();
    assert.deepEqual(log, ['lost::true', 'restored']);
    assert.equal(gl.isContextLost(), false);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // objects from before the loss belong to the lost context
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // state is back to its initial values and the context renders again
    assert.deepEqual([...gl.getParameter(gl.COLOR_CLEAR_VALUE)], [0, 0, 0, 0]);
    assert.deepEqual(at(read(gl, 8, 8), 8, 3, 3), [0, 0, 0, 0], 'the restored drawing buffer is cleared');
    program(gl, VS, FS_RED, { p: 0 });
    fullScreenQuad(gl);
    assert.deepEqual(at(read(gl, 8, 8), 8, 3, 3), [255, 0, 0, 255]);
    // restoreContext on a context that is not lost: INVALID_OPERATION
    ext.restoreContext();
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  } finally { gl.destroy(); }
});

test('a lost event the application does not cancel leaves the context lost; restoreContext is INVALID_OPERATION', async () => {
  const gl = createWebGLContext(8, 8, { deterministic: true });
  try {
    const log = events(gl, false);
    const ext = gl.getExtension('WEBGL_lose_context')!;
    ext.loseContext();
    await tick();
    assert.deepEqual(log, ['lost::true']);
    assert.equal(gl.getError(), gl.CONTEXT_LOST_WEBGL);
    ext.restoreContext();
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    await tick();
    assert.deepEqual(log, ['lost::true']);
    assert.equal(gl.isContextLost(), true);
  } finally { gl.destroy(); }
});

test('a runaway shader: its job times out, the context is lost (not silently broken), restored after preventDefault; another context renders on', async () => {
  const gl = createWebGLContext(16, 16, { deterministic: true, jobTimeoutMs: 20 });
  const other = createWebGLContext(16, 16, { deterministic: true });
  try {
    const log = events(gl, true);
    program(other, VS, FS_RED, { p: 0 });
    fullScreenQuad(other);
    const ref = read(other, 16, 16);
    program(gl, VS, FS_HANG, { p: 0 });
    fullScreenQuad(gl);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = new Uint8Array(16 * 16 * 4).fill(7);
    gl.readPixels(0, 0, 16, 16, gl.RGBA, gl.UNSIGNED_BYTE, px);
    assert.ok(px.every((v) => v === 7), 'readPixels of the frame that never finished writes nothing (no stale image)');
    assert.equal(gl.isContextLost(), true);
    assert.equal(gl.lostReason, 'guilty_timeout');
    assert.equal(gl.getError(), gl.CONTEXT_LOST_WEBGL);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // the other context is untouched
    fullScreenQuad(other);
    assert.deepEqual(read(other, 16, 16), ref);
    await tick();
    await tick();
    assert.deepEqual(log, ['lost::true', 'restored'], 'a real loss is restored by itself once the lost event was cancelled');
    assert.equal(gl.isContextLost(), false);
    program(gl, VS, FS_RED, { p: 0 });
    fullScreenQuad(gl);
    assert.deepEqual(read(gl, 16, 16), ref, 'the restored context renders bit-exact frames');
  } finally { gl.destroy(); other.destroy(); }
});

test('three.js: the renderer survives a context loss and restore and draws the same frame again', async () => {
  const W = 48, H = 32;
  const gl = createWebGLContext(W, H, { deterministic: true, preserveDrawingBuffer: true, antialias: false });
  try {
    const renderer = new THREE.WebGL1Renderer({ canvas: gl.canvas as HTMLCanvasElement, context: gl, antialias: false });
    renderer.setSize(W, H, false);
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(0x204060);
    const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 10);
    camera.position.z = 2;
    const quad = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), new THREE.MeshBasicMaterial({ color: 0xff8000 }));
    scene.add(quad);
    renderer.render(scene, camera);
    const before = read(gl, W, H);
    // the quad covers the middle half; outside it the background
    assert.deepEqual(at(before, W, W / 2, H / 2), [255, 128, 0, 255]);
    assert.deepEqual(at(before, W, 1, 1), [0x20, 0x40, 0x60, 255]);
    const lost: string[] = [];
    gl.canvas.addEventListener('webglcontextlost', () => lost.push('lost'));
    gl.canvas.addEventListener('webglcontextrestored', () => lost.push('restored'));
    const ext = gl.getExtension('WEBGL_lose_context')!;
    ext.loseContext();
    renderer.render(scene, camera); // three.js skips rendering while lost... once it has heard of it
    await tick();
    assert.deepEqual(lost, ['lost']);
    renderer.render(scene, camera); // a no-op now
    ext.restoreContext(); // allowed: three.js called preventDefault on the lost event
    await tick();
    assert.deepEqual(lost, ['lost', 'restored']);
    assert.equal(gl.isContextLost(), false);
    renderer.render(scene, camera);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(read(gl, W, H), before, 'after the restore three.js re-uploads everything and draws the same frame');
  } finally { gl.destroy(); }
});
