/**
 * The antialiasing comparison of `npm run bench`: one three.js r170 scene
 * (WebGL 2; lit, textured, shadowed and instanced, with many diagonal edges)
 * drawn into a context with the WebGL default `antialias: true` by Akari and
 * by each Chromium reference, whose MSAA is the reference for Akari's.
 *
 * `renderThreeScene` runs unchanged in Node and in the page: its source text
 * is sent to the browser like the harness functions of bench-harness.ts, so
 * it must not use anything outside its parameters.
 *
 * Why a comparison and not only a test: a half-covered pixel's resolve is
 * reasoned exactly in test/webgl/msaa.test.ts; what only another
 * implementation can show is that a real scene's edges are antialiased the
 * way a browser's are. The same scene drawn by Akari with `antialias: false`
 * is compared with the same reference as a control: its edges differ, so the
 * MSAA comparison's smaller difference is the antialiasing, not chance.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Draws the scene once into `gl` (whose canvas is `gl.canvas`) and reads the whole frame back (bottom row first). */
export function renderThreeScene(THREE: any, gl: WebGL2RenderingContext, width: number, height: number): Uint8Array {
  // the canvas already has the frame's size: setSize would resize (and so clear) the drawing buffer
  const renderer = new THREE.WebGLRenderer({ canvas: gl.canvas, context: gl });
  renderer.shadowMap.enabled = true;
  renderer.shadowMap.type = THREE.PCFShadowMap;
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x1a2030);
  const camera = new THREE.PerspectiveCamera(45, width / height, 0.1, 50);
  camera.position.set(2.6, 2.3, 4.4);
  camera.lookAt(0, 0.5, -0.4);

  // an 8x8 checkerboard, nearest-filtered so its edges are sharp in every implementation
  const n = 8, texels = new Uint8Array(n * n * 4);
  for (let i = 0; i < n * n; i++) {
    const on = ((i % n) + Math.floor(i / n)) % 2 === 0;
    texels.set(on ? [235, 235, 220, 255] : [60, 90, 160, 255], i * 4);
  }
  const checker = new THREE.DataTexture(texels, n, n);
  checker.magFilter = THREE.NearestFilter;
  checker.needsUpdate = true;

  const ground = new THREE.Mesh(new THREE.PlaneGeometry(12, 12), new THREE.MeshStandardMaterial({ color: 0x808890, roughness: 0.9 }));
  ground.rotation.x = -Math.PI / 2;
  ground.receiveShadow = true;
  const box = new THREE.Mesh(new THREE.BoxGeometry(1.2, 1.2, 1.2), new THREE.MeshStandardMaterial({ map: checker }));
  box.position.set(-1.3, 0.6, 0.2);
  box.rotation.set(0.3, 0.7, 0.1);
  const torus = new THREE.Mesh(new THREE.TorusKnotGeometry(0.5, 0.16, 96, 12), new THREE.MeshStandardMaterial({ color: 0xff7744, roughness: 0.4, metalness: 0.2 }));
  torus.position.set(1.1, 0.9, 0);
  for (const m of [box, torus]) m.castShadow = true;
  // instancing: a row of thin posts, each rotated, per-instance colours
  const posts = new THREE.InstancedMesh(new THREE.BoxGeometry(0.12, 1, 0.12), new THREE.MeshStandardMaterial({ color: 0xffffff }), 7);
  const m4 = new THREE.Matrix4(), q = new THREE.Quaternion(), e = new THREE.Euler();
  for (let i = 0; i < 7; i++) {
    q.setFromEuler(e.set(0, 0, (i - 3) * 0.12));
    m4.compose(new THREE.Vector3(-3 + i, 0.5, -2), q, new THREE.Vector3(1, 1, 1));
    posts.setMatrixAt(i, m4);
    posts.setColorAt(i, new THREE.Color().setHSL(i / 7, 0.7, 0.55));
  }
  posts.castShadow = true;
  const sun = new THREE.DirectionalLight(0xffffff, 2.2);
  sun.position.set(3, 6, 4);
  sun.castShadow = true;
  sun.shadow.mapSize.set(512, 512);
  sun.shadow.camera.left = sun.shadow.camera.bottom = -5;
  sun.shadow.camera.right = sun.shadow.camera.top = 5;
  scene.add(ground, box, torus, posts, sun, new THREE.AmbientLight(0xffffff, 0.35));

  renderer.render(scene, camera);
  const out = new Uint8Array(width * height * 4);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, out);
  // no renderer.dispose(): its animation loop needs a window's cancelAnimationFrame, and the caller destroys the context
  return out;
}
