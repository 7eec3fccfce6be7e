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
function render(build: (scene: any) => any, configure?: (renderer: any) => void): (x: number, y: number) => number[] {
  const gl = createWebGLContext(W, H, { deterministic: true, version: 2, preserveDrawingBuffer: true });
  try {
    const renderer = new THREE.WebGLRenderer({ canvas: gl.canvas, context: gl, antialias: false });
    configure?.(renderer);
    assert.equal(renderer.capabilities.isWebGL2, true);
    const scene = new THREE.Scene();
    const camera = build(scene);
    renderer.render(scene, camera);
    const out = new Uint8Array(W * H * 4);
    gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, out);
    // three's start-up included (it makes empty 3D and 2D array textures with texImage3D)
    assert.equal(gl.getError(), gl.NO_ERROR);
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

/** A plane covering the whole 64x64 canvas (orthographic over [-2, 2]) with `map` on an unlit material. */
function texturedPlane(map: any): (scene: any) => any {
  return (scene) => {
    scene.background = new THREE.Color(0x000000);
    const camera = new THREE.OrthographicCamera(-2, 2, 2, -2, 0.1, 10);
    camera.position.set(0, 0, 5);
    scene.add(new THREE.Mesh(new THREE.PlaneGeometry(4, 4), new THREE.MeshBasicMaterial({ map })));
    return camera;
  };
}

test('three.js r170: textured planes — an sRGB colour map (SRGB8_ALPHA8 storage) and a linear data texture', () => {
  // a 2x2 DataTexture (row 0 at the bottom, no flip): red, green / blue, grey 128; NEAREST (DataTexture's default)
  const bytes = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 128, 128, 128, 255]);
  const srgb = new THREE.DataTexture(bytes, 2, 2);
  srgb.colorSpace = THREE.SRGBColorSpace;
  srgb.needsUpdate = true;
  // sRGB: three stores it as SRGB8_ALPHA8, the texture unit decodes 128 to 0.215861 and three's output
  // encoding (sRGBTransferOETF) takes it back: 1.055 * 0.215861^0.41666 - 0.055 = 0.50197 -> 128
  const px = render(texturedPlane(srgb));
  assert.deepEqual(px(16, 16), [255, 0, 0, 255], 'texel (0, 0): red');
  assert.deepEqual(px(48, 16), [0, 255, 0, 255], 'texel (1, 0): green');
  assert.deepEqual(px(16, 48), [0, 0, 255, 255], 'texel (0, 1): blue');
  assert.deepEqual(px(48, 48), [128, 128, 128, 255], 'texel (1, 1): grey 128 decoded and encoded again');
  // the same bytes without a colour space are linear values (RGBA8): 128/255 = 0.50196 is encoded on
  // output as 1.055 * 0.50196^0.41666 - 0.055 = 0.73667 -> 187.85 -> 188
  const linear = new THREE.DataTexture(bytes, 2, 2);
  linear.needsUpdate = true;
  assert.deepEqual(render(texturedPlane(linear))(48, 48), [188, 188, 188, 255]);
});

test('three.js r170: a mipmapped sRGB texture averages in linear (texStorage2D levels, generateMipmap on SRGB8_ALPHA8)', () => {
  // a 256x256 checkerboard of sRGB 0 and 255 drawn on 64x64 pixels: 4 texels a pixel, lambda = 2, level 2.
  // Level 1 averages each 2x2 block (two 0, two 1 in linear) to 0.5, stored sRGB-encoded as 188
  // (1.055 * 0.5^(1/2.4) - 0.055 = 0.73535 -> 187.5 -> 188); levels 2.. are all 188, decoded to 0.502886
  // and encoded on output back to 188. (Averaging the encoded bytes instead would give 127 or 128.)
  const N = 256, bytes = new Uint8Array(N * N * 4);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) bytes.fill((x + y) & 1 ? 255 : 0, (y * N + x) * 4, (y * N + x) * 4 + 3).fill(255, (y * N + x) * 4 + 3, (y * N + x) * 4 + 4);
  const tex = new THREE.DataTexture(bytes, N, N);
  tex.colorSpace = THREE.SRGBColorSpace;
  tex.generateMipmaps = true;
  tex.minFilter = THREE.LinearMipmapLinearFilter;
  tex.magFilter = THREE.LinearFilter;
  tex.needsUpdate = true;
  const px = render(texturedPlane(tex));
  for (const [x, y] of [[5, 5], [32, 32], [60, 17]] as const) assert.deepEqual(px(x, y), [188, 188, 188, 255], `pixel (${x}, ${y})`);
});

test('three.js r170: a directional light\'s shadow map (PCF) darkens exactly the plane under the occluder\'s shadow', () => {
  // Seen from straight above (orthographic over [-4, 4] on 64 pixels: world x -> pixel (x + 4) * 8, world
  // z = 0 -> row 32): a white Lambert plane at y = 0 and a red unlit cube of side 1 floating at y = 1.5..2.5
  // over x, z in [-0.5, 0.5]. The light shines from (5, 5, 0) towards the origin, i.e. along (-1, -1, 0)/sqrt2:
  // a point (x, y, z) of the cube shadows (x - y, 0, z), so the shadow covers x in [-3, -1] (pixels 8..24),
  // z in [-0.5, 0.5] (rows 28..36). No ambient light, so a shadowed texel is black: (0, 0, 0).
  // A lit texel: three's Lambert (physically based units since r155) is dotNL * colour * intensity *
  // BRDF_Lambert (= albedo / pi); dotNL = cos 45 deg = 0.70711, intensity pi, white albedo -> 0.70711 linear,
  // encoded on output as 1.055 * 0.70711^(1/2.4) - 0.055 = 0.85815 -> 218.8 -> 219 (allowing +-1 for
  // three's own float arithmetic in the shader).
  const px = render((scene) => {
    scene.background = new THREE.Color(0x000000);
    const camera = new THREE.OrthographicCamera(-4, 4, 4, -4, 0.1, 20);
    camera.position.set(0, 10, 0);
    camera.up.set(0, 0, -1);
    camera.lookAt(0, 0, 0);
    const plane = new THREE.Mesh(new THREE.PlaneGeometry(8, 8), new THREE.MeshLambertMaterial({ color: 0xffffff }));
    plane.rotation.x = -Math.PI / 2;
    plane.receiveShadow = true;
    const cube = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshBasicMaterial({ color: 0xff0000 }));
    cube.position.set(0, 2, 0);
    cube.castShadow = true;
    const light = new THREE.DirectionalLight(0xffffff, Math.PI);
    light.position.set(5, 5, 0);
    light.castShadow = true;
    light.shadow.mapSize.set(512, 512);
    light.shadow.camera.left = light.shadow.camera.bottom = -6;
    light.shadow.camera.right = light.shadow.camera.top = 6;
    scene.add(plane, cube, light);
    return camera;
  }, (renderer) => { renderer.shadowMap.enabled = true; renderer.shadowMap.type = THREE.PCFShadowMap; });
  for (const [x, y] of [[16, 32], [12, 30], [21, 34]] as const) assert.deepEqual(px(x, y), [0, 0, 0, 255], `pixel (${x}, ${y}) lies in the shadow`);
  assert.deepEqual(px(32, 32), [255, 0, 0, 255], 'the cube seen from above');
  for (const [x, y] of [[48, 32], [16, 10], [16, 54], [4, 32]] as const) {
    const [r, g, b, a] = px(x, y);
    assert.ok(Math.abs(r! - 219) <= 1 && r === g && g === b && a === 255, `pixel (${x}, ${y}) is lit plane (219): ${[r, g, b, a]}`);
  }
});
