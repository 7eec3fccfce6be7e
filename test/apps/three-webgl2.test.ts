/**
 * three.js r170 — whose WebGLRenderer requires WebGL 2 (r163 and later) — on an Akari WebGL 2 context
 * (createWebGLContext(w, h, { version: 2 })). Expected pixels are reasoned from each scene:
 *  - three's colour management: a material colour given in sRGB (0xff8844) is converted to linear for
 *    shading and encoded back to sRGB on output, so an unlit MeshBasicMaterial shows its own 8-bit sRGB
 *    values; the background is the clear colour, also its own sRGB values;
 *  - an orthographic camera over [-2, 2] maps world x to pixel (x + 2) * 16 on a 64-pixel canvas, so
 *    instances translated to (±1, ±1) are centred on pixels 16 and 48;
 *  - a lit orange box (MeshStandardMaterial, ambient + directional light) is orange: red > green > blue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as THREE from 'three-r170';
import { createWebGLContext } from '../../src/platform/webgl.js';

const W = 64, H = 64;
function render(build: (scene: any) => any): (x: number, y: number) => number[] {
  const gl = createWebGLContext(W, H, { deterministic: true, version: 2, preserveDrawingBuffer: true });
  try {
    const renderer = new THREE.WebGLRenderer({ canvas: gl.canvas, context: gl, antialias: false });
    assert.equal(renderer.capabilities.isWebGL2, true);
    const scene = new THREE.Scene();
    const camera = build(scene);
    renderer.render(scene, camera);
    const out = new Uint8Array(W * H * 4);
    gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, out);
    return (x, y) => Array.from(out.subarray((y * W + x) * 4, (y * W + x) * 4 + 4));
  } finally { gl.destroy(); }
}

test('three.js r170: an unlit box over the background', () => {
  const px = render((scene) => {
    scene.background = new THREE.Color(0x202040);
    const camera = new THREE.PerspectiveCamera(50, W / H, 0.1, 100);
    camera.position.set(0, 0, 3);
    scene.add(new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshBasicMaterial({ color: 0xff8844 })));
    return camera;
  });
  assert.deepEqual(px(32, 32), [0xff, 0x88, 0x44, 255]);
  assert.deepEqual(px(1, 1), [0x20, 0x20, 0x40, 255]);
});

test('three.js r170: an InstancedMesh (drawElementsInstanced, per-instance matrices and colours) and a lit box', () => {
  const px = render((scene) => {
    scene.background = new THREE.Color(0x000000);
    const camera = new THREE.OrthographicCamera(-2, 2, 2, -2, 0.1, 10);
    camera.position.set(0, 0, 5);
    const mesh = new THREE.InstancedMesh(new THREE.PlaneGeometry(1, 1), new THREE.MeshBasicMaterial({ color: 0xffffff }), 2);
    mesh.setMatrixAt(0, new THREE.Matrix4().makeTranslation(-1, -1, 0));
    mesh.setMatrixAt(1, new THREE.Matrix4().makeTranslation(1, 1, 0));
    mesh.setColorAt(0, new THREE.Color(1, 0, 0));
    mesh.setColorAt(1, new THREE.Color(0, 0, 1));
    const lit = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshStandardMaterial({ color: 0xff8844 }));
    lit.position.set(1, -1, 0);
    lit.rotation.set(0.5, 0.7, 0);
    const light = new THREE.DirectionalLight(0xffffff, 2);
    light.position.set(1, 2, 3);
    scene.add(mesh, lit, new THREE.AmbientLight(0xffffff, 0.3), light);
    return camera;
  });
  assert.deepEqual(px(16, 16), [255, 0, 0, 255], 'instance 0 at (-1, -1): red');
  assert.deepEqual(px(48, 48), [0, 0, 255, 255], 'instance 1 at (1, 1): blue');
  assert.deepEqual(px(16, 48), [0, 0, 0, 255], 'no instance at (-1, 1)');
  const [r, g, b] = px(48, 16);
  assert.ok(r! > g! && g! > b! && b! > 0, `lit box is orange: ${[r, g, b]}`);
});
