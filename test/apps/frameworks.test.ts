/**
 * Real WebGL programs render on Akari headless: regl, twgl and three.js
 * (0.162, the last release with a WebGL 1 renderer), each given a context
 * from createWebGLContext. Expected pixels are reasoned from each scene:
 * flat colours convert to 8 bits by rounding; three.js's background is its
 * clear colour; a lit orange box is orange (red > green > blue) with faces of
 * different brightness.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createREGL from 'regl';
import * as twgl from 'twgl.js';
import * as THREE from 'three';
import { createWebGLContext } from '../../src/platform/webgl.js';

const px = (a: Uint8Array, w: number, x: number, y: number) => Array.from(a.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));

test('regl: a flat-coloured triangle over a cleared background', () => {
  const W = 64, H = 64;
  const gl = createWebGLContext(W, H, { deterministic: true, preserveDrawingBuffer: true });
  try {
    const regl = createREGL({ gl });
    const draw = regl({
      frag: 'precision mediump float; uniform vec4 color; void main() { gl_FragColor = color; }',
      vert: 'attribute vec2 position; void main() { gl_Position = vec4(position, 0, 1); }',
      attributes: { position: [[-1, -1], [1, -1], [0, 1]] },
      uniforms: { color: [1, 0.5, 0, 1] },
      count: 3,
    });
    regl.clear({ color: [0, 0, 0.2, 1] });
    draw();
    const out = regl.read() as Uint8Array;
    assert.deepEqual(px(out, W, 32, 20), [255, 128, 0, 255]); // inside
    assert.deepEqual(px(out, W, 2, 60), [0, 0, 51, 255]);     // top-left corner: outside the triangle
    regl.destroy();
  } finally { gl.destroy(); }
});

test('twgl: a textured quad through programInfo, bufferInfo and uniforms', () => {
  const W = 32, H = 32;
  const gl = createWebGLContext(W, H, { deterministic: true, preserveDrawingBuffer: true });
  try {
    const programInfo = twgl.createProgramInfo(gl, [
      'attribute vec2 position; varying vec2 uv; void main() { uv = position * 0.5 + 0.5; gl_Position = vec4(position, 0, 1); }',
      'precision mediump float; uniform sampler2D tex; varying vec2 uv; void main() { gl_FragColor = texture2D(tex, uv); }',
    ]);
    const bufferInfo = twgl.createBufferInfoFromArrays(gl, { position: { numComponents: 2, data: [-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1] } });
    // 2x2 texture, nearest: left column red/green (bottom/top), right column blue/white
    const tex = twgl.createTexture(gl, { width: 2, height: 2, min: gl.NEAREST, mag: gl.NEAREST, src: [255, 0, 0, 255, 0, 0, 255, 255, 0, 255, 0, 255, 255, 255, 255, 255] });
    gl.useProgram(programInfo.program);
    twgl.setBuffersAndAttributes(gl, programInfo, bufferInfo);
    twgl.setUniforms(programInfo, { tex });
    twgl.drawBufferInfo(gl, bufferInfo);
    const out = new Uint8Array(W * H * 4);
    gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, out);
    assert.deepEqual(px(out, W, 4, 4), [255, 0, 0, 255]);
    assert.deepEqual(px(out, W, 28, 4), [0, 0, 255, 255]);
    assert.deepEqual(px(out, W, 4, 28), [0, 255, 0, 255]);
    assert.deepEqual(px(out, W, 28, 28), [255, 255, 255, 255]);
  } finally { gl.destroy(); }
});

test('three.js: a lit MeshStandardMaterial box over a background colour', () => {
  const W = 96, H = 72;
  const gl = createWebGLContext(W, H, { deterministic: true, preserveDrawingBuffer: true, antialias: false });
  try {
    const renderer = new THREE.WebGL1Renderer({ canvas: gl.canvas, context: gl, antialias: false });
    renderer.setSize(W, H, false);
    const scene = new THREE.Scene();
    scene.background = new THREE.Color(0x202040);
    const camera = new THREE.PerspectiveCamera(50, W / H, 0.1, 100);
    camera.position.set(2, 2, 3);
    camera.lookAt(0, 0, 0);
    const box = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial({ color: 0xff8844 }));
    box.rotation.y = 0.5;
    scene.add(box, new THREE.AmbientLight(0xffffff, 0.3));
    const light = new THREE.DirectionalLight(0xffffff, 2);
    light.position.set(3, 5, 2);
    scene.add(light);
    renderer.render(scene, camera);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const out = new Uint8Array(W * H * 4);
    gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, out);
    // background: 0x202040 is an sRGB colour and the output is sRGB, so it comes back as itself
    for (const [x, y] of [[1, 1], [W - 2, H - 2], [1, H - 2]] as const) {
      const c = px(out, W, x, y);
      assert.ok(Math.abs(c[0]! - 0x20) <= 1 && Math.abs(c[1]! - 0x20) <= 1 && Math.abs(c[2]! - 0x40) <= 1, `background ${c}`);
    }
    // Where the box's faces land comes from three.js's own CPU-side projection
    // (Vector3.project), independent of Akari: the centre of the top face and
    // of the front (+z) face are both visible from (2, 2, 3).
    box.updateMatrixWorld();
    const at = (x: number, y: number, z: number) => {
      const v = new THREE.Vector3(x, y, z).applyMatrix4(box.matrixWorld).project(camera);
      return px(out, W, Math.floor((v.x + 1) / 2 * W), Math.floor((v.y + 1) / 2 * H)); // readPixels rows are bottom-up, like NDC y
    };
    const top = at(0, 0.5, 0), front = at(0, 0, 0.5), frontLow = at(-0.2, -0.3, 0.5);
    for (const c of [top, front, frontLow]) assert.ok(c[0]! > c[1]! && c[1]! > c[2]! && c[0]! > 80, `orange ${c}`);
    // the light comes from above (y = 5), so the top face is brighter than the front; one face is flat-lit
    const lum = (c: number[]) => c[0]! + c[1]! + c[2]!;
    assert.ok(lum(top) - lum(front) > 15, `top ${top} brighter than front ${front}`);
    assert.ok(Math.abs(lum(front) - lum(frontLow)) <= 6, `front face evenly lit: ${front} ${frontLow}`);
    // beyond the projected corners it is background again
    const right = at(0.5, 0, 1.2);
    assert.ok(Math.abs(right[0]! - 0x20) <= 1 && Math.abs(right[2]! - 0x40) <= 1, `background right of the box ${right}`);
    // renderer.dispose() would stop an animation loop through window.cancelAnimationFrame, which Node lacks; gl.destroy() frees the GPU side
    renderer.info.reset();
  } finally { gl.destroy(); }
});
