/**
 * three.js r170's uniform buffers (UniformsGroup): three lays the group out by std140 itself,
 * fills a UNIFORM_BUFFER, binds it with bindBufferBase and points the program's block at it with
 * uniformBlockBinding — the same bytes Akari's compiler expects at the same offsets. A
 * ShaderMaterial (no colour-space conversion) writes what the shader computes:
 * colour (0.4, 0.8, 1.2) x gain 0.5 = (0.2, 0.4, 0.6) -> (51, 102, 153); then the group's values
 * change and the next frame shows them: (0.2, 0.2, 0.2) x 2 = 0.4 -> 102.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as THREE from 'three-r170';
import { createWebGLContext } from '../../src/platform/webgl.js';

const W = 16, H = 16;

test('three.js r170: a ShaderMaterial reading a UniformsGroup (a std140 uniform block) draws its values, and again after they change', () => {
  const gl = createWebGLContext(W, H, { deterministic: true, version: 2, preserveDrawingBuffer: true });
  try {
    const renderer = new THREE.WebGLRenderer({ canvas: gl.canvas, context: gl, antialias: false });
    // three's state makes empty 3D and 2D-array textures, which Akari refuses yet (README's WebGL 2 limits): drain that error
    gl.getError();
    const group = new THREE.UniformsGroup();
    group.setName('Tint');
    const color = new THREE.Uniform(new THREE.Vector4(0.4, 0.8, 1.2, 1));
    const gain = new THREE.Uniform(0.5);
    group.add(color).add(gain);
    const material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      uniformsGroups: [group],
      vertexShader: 'void main() { gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); }',
      // (glslVersion GLSL3: three defines no gl_FragColor; the shader declares its output)
      fragmentShader: 'layout(std140) uniform Tint { vec4 color; float gain; };\nout vec4 outColor;\nvoid main() { outColor = vec4(color.rgb * gain, 1.0); }',
    });
    const scene = new THREE.Scene();
    const camera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 10);
    camera.position.set(0, 0, 5);
    scene.add(new THREE.Mesh(new THREE.PlaneGeometry(2, 2), material));
    const pixel = (): number[] => { const out = new Uint8Array(4); gl.readPixels(8, 8, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, out); return Array.from(out); };
    renderer.render(scene, camera);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(pixel(), [51, 102, 153, 255]);
    color.value.set(0.2, 0.2, 0.2, 1);
    gain.value = 2;
    renderer.render(scene, camera);
    assert.deepEqual(pixel(), [102, 102, 102, 255]);
  } finally { gl.destroy(); }
});
