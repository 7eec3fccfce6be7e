/**
 * Images in without a DOM: PNG and JPEG bytes decode to ImageData's shape
 * (src/image/decode.ts) and texImage2D/texSubImage2D take the result as a
 * TexImageSource, converting RGBA8 to the requested format as WebGL 1.0
 * § 5.14.8 says (RGB drops alpha, LUMINANCE is red, ALPHA is alpha).
 * three.js 0.162 loads a texture from a PNG file through it.
 *
 * Expected values: the PNGs are written here with pngjs from known pixels
 * (lossless, so they decode to exactly those); the JPEG is a solid colour
 * encoded at quality 100 by jpeg-js, whose 8×8 blocks have only a DC term,
 * so it decodes to the colour within the ±2 of YCbCr rounding. A nearest-
 * filtered texture drawn over the whole viewport puts texel (i, j) at the
 * pixels whose centres fall in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import * as THREE from 'three';
import { decodeImage, decodeJpeg, readImage } from '../../src/image/decode.js';
import { encodePng } from '../../src/image/png.js';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { at, program, read, withGl } from './helpers.js';

/** 2×2 RGBA, top row first: red, green / blue, white (alpha 255), as ImageData orders them. */
const QUAD = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);

const VS = 'attribute vec2 p; varying vec2 uv; void main() { uv = p * 0.5 + 0.5; gl_Position = vec4(p, 0, 1); }';
const FS = 'precision mediump float; uniform sampler2D t; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv); }';

/** Draws the bound texture over the whole w×h viewport, nearest-filtered. */
function drawTexture(gl: WebGLRenderingContext): void {
  program(gl, VS, FS, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
  for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
}

test('decodeImage: PNG bytes become ImageData-shaped RGBA8, top row first; unknown bytes are a TypeError', () => {
  const img = decodeImage(encodePng(QUAD, 2, 2));
  assert.equal(img.width, 2);
  assert.equal(img.height, 2);
  assert.ok(img.data instanceof Uint8ClampedArray);
  assert.deepEqual(Array.from(img.data), Array.from(QUAD));
  assert.throws(() => decodeImage(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), TypeError);
});

test('a decoded PNG uploads with texImage2D as an ImageData does: row 0 of the image is texel row 0 (t = 0)', () => withGl(4, 4, (gl) => {
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, decodeImage(encodePng(QUAD, 2, 2)) as unknown as ImageData);
  assert.equal(gl.getError(), gl.NO_ERROR);
  drawTexture(gl);
  const px = read(gl, 4, 4); // readPixels row 0 is the bottom: t = 0, the image's first row
  assert.deepEqual(at(px, 4, 0, 0), [255, 0, 0, 255]);
  assert.deepEqual(at(px, 4, 3, 0), [0, 255, 0, 255]);
  assert.deepEqual(at(px, 4, 0, 3), [0, 0, 255, 255]);
  assert.deepEqual(at(px, 4, 3, 3), [255, 255, 255, 255]);
}));

test('image sources convert to the requested format: RGB, LUMINANCE (red), ALPHA, RGB 5:6:5; texSubImage2D too', () => withGl(2, 2, (gl) => {
  const src = { width: 1, height: 1, data: new Uint8ClampedArray([200, 100, 50, 40]) };
  const cases: Array<[number, number, number[]]> = [
    [gl.RGB, gl.UNSIGNED_BYTE, [200, 100, 50, 255]],
    [gl.LUMINANCE, gl.UNSIGNED_BYTE, [200, 200, 200, 255]],
    [gl.ALPHA, gl.UNSIGNED_BYTE, [0, 0, 0, 40]],
    [gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, [200, 200, 200, 40]],
    // 5:6:5 keeps round(v/255*31)/31 and round(v/255*63)/63: 200 -> 24/31 -> 197, 100 -> 25/63 -> 101, 50 -> 6/31 -> 49
    [gl.RGB, gl.UNSIGNED_SHORT_5_6_5, [197, 101, 49, 255]],
  ];
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  drawTexture(gl);
  for (const [format, type, want] of cases) {
    gl.texImage2D(gl.TEXTURE_2D, 0, format, format, type, src as unknown as ImageData);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), want, `format 0x${format.toString(16)} type 0x${type.toString(16)}`);
  }
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, src as unknown as ImageData);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 2), 2, 1, 1), [200, 100, 50, 40]);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [0, 0, 0, 0]);
  // a source that is not image-shaped (data too short) is INVALID_VALUE, nothing uploaded
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, { width: 2, height: 2, data: new Uint8ClampedArray(4) } as unknown as ImageData);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
}));

test('a JPEG decodes (jpeg-js) and uploads: a solid colour comes back within YCbCr rounding', () => withGl(4, 4, (gl) => {
  const W = 16, H = 16, colour = [200, 60, 30];
  const raw = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) raw.set([...colour, 255], i * 4);
  const bytes = jpeg.encode({ data: raw, width: W, height: H }, 100).data;
  const img = decodeImage(new Uint8Array(bytes));
  assert.deepEqual(img, decodeJpeg(new Uint8Array(bytes)));
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, img as unknown as ImageData);
  drawTexture(gl);
  const c = at(read(gl, 4, 4), 4, 2, 2);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(c[k]! - colour[k]!) <= 2, `channel ${k}: ${c[k]} vs ${colour[k]}`);
  assert.equal(c[3], 255);
}));

test('three.js: a texture loaded from a PNG file (readImage) maps onto a full-screen plane', () => {
  const dir = mkdtempSync(join(tmpdir(), 'akari-img-'));
  const W = 8, H = 8;
  const gl = createWebGLContext(W, H, { deterministic: true, preserveDrawingBuffer: true });
  try {
    // 2×2 PNG: top row red, green; bottom row blue, white
    const png = new PNG({ width: 2, height: 2 });
    png.data = Buffer.from(QUAD);
    const file = join(dir, 'quad.png');
    writeFileSync(file, PNG.sync.write(png));

    const renderer = new THREE.WebGL1Renderer({ canvas: gl.canvas, context: gl, antialias: false });
    const texture = new THREE.Texture(readImage(file));
    texture.magFilter = texture.minFilter = THREE.NearestFilter;
    texture.generateMipmaps = false;
    texture.needsUpdate = true; // flipY (three's default) puts the image's top row at the top of the plane
    const scene = new THREE.Scene();
    scene.add(new THREE.Mesh(new THREE.PlaneGeometry(2, 2), new THREE.MeshBasicMaterial({ map: texture })));
    renderer.render(scene, new THREE.OrthographicCamera(-1, 1, 1, -1, 0.1, 10).translateZ(1));
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, W, H); // bottom row first
    assert.deepEqual(at(px, W, 1, H - 2), [255, 0, 0, 255], 'top left: red');
    assert.deepEqual(at(px, W, W - 2, H - 2), [0, 255, 0, 255], 'top right: green');
    assert.deepEqual(at(px, W, 1, 1), [0, 0, 255, 255], 'bottom left: blue');
    assert.deepEqual(at(px, W, W - 2, 1), [255, 255, 255, 255], 'bottom right: white');
  } finally {
    gl.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
