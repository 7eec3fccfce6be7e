/**
 * createImageBitmap (HTML § 8.10) and ImageBitmap uploads (WebGL 1.0 § 5.14.8, WebGL 2.0 § 5.35):
 * the bitmap's pixels are fixed when it is made — cropped, flipped, premultiplied as its options
 * say — and WebGL takes them as they are. Every expected byte is worked out here from the source
 * pixels; textures are read back through a framebuffer, which returns RGBA8 texels unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGl } from './helpers.js';
import { createImageBitmap, AkImageBitmap } from '../../src/webgl/image-bitmap.js';
import { encodePng } from '../../src/image/png.js';

/** 2×2, rows top first: red (opaque), red (alpha 128) / green (opaque), green (alpha 0) */
const source = () => ({
  width: 2, height: 2,
  data: new Uint8ClampedArray([255, 0, 0, 255, 255, 0, 0, 128, 0, 255, 0, 255, 0, 255, 0, 0]),
});

/** The texels of the RGBA8 texture bound to TEXTURE_2D (w × h), in texture row order. */
function texels(gl: WebGLRenderingContext, tex: WebGLTexture, w: number, h: number): number[][] {
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
  const px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  return Array.from({ length: w * h }, (_, i) => Array.from(px.subarray(i * 4, i * 4 + 4)));
}

test('createImageBitmap: orientation, premultiplication and the source rectangle fix the pixels', async () => {
  const plain = await createImageBitmap(source(), { premultiplyAlpha: 'none' });
  assert.ok(plain instanceof AkImageBitmap);
  assert.deepEqual([plain.width, plain.height], [2, 2]);
  assert.deepEqual(Array.from(plain.data), Array.from(source().data));
  // premultiply: colour × alpha / 255, rounded: 255 × 128 / 255 = 128; alpha 0 makes black
  const pm = await createImageBitmap(source(), { premultiplyAlpha: 'premultiply' });
  assert.deepEqual(Array.from(pm.data), [255, 0, 0, 255, 128, 0, 0, 128, 0, 255, 0, 255, 0, 0, 0, 0]);
  // flipY: the bottom row comes first
  const flipped = await createImageBitmap(source(), { imageOrientation: 'flipY', premultiplyAlpha: 'none' });
  assert.deepEqual(Array.from(flipped.data.subarray(0, 8)), [0, 255, 0, 255, 0, 255, 0, 0]);
  // 'none', the name the 2.0.0 conformance pages pass, is the older spelling of 'from-image'
  assert.deepEqual(Array.from((await createImageBitmap(source(), { imageOrientation: 'none', premultiplyAlpha: 'none' })).data), Array.from(source().data));
  // a source rectangle reaching left of the image: that column is transparent black
  const cut = await createImageBitmap(source(), -1, 1, 2, 1, { premultiplyAlpha: 'none' });
  assert.deepEqual([cut.width, cut.height], [2, 1]);
  assert.deepEqual(Array.from(cut.data), [0, 0, 0, 0, 0, 255, 0, 255]);
  // a bitmap of a bitmap keeps what the first one did (its flip) and adds its own
  const again = await createImageBitmap(flipped, { imageOrientation: 'flipY', premultiplyAlpha: 'none' });
  assert.deepEqual(Array.from(again.data), Array.from(source().data));
  // resize: nearest, 2×2 → 4×4 makes 2×2 blocks; one dimension keeps the aspect ratio
  const big = await createImageBitmap(source(), { resizeWidth: 4, premultiplyAlpha: 'none' });
  assert.deepEqual([big.width, big.height], [4, 4]);
  assert.deepEqual(Array.from(big.data.subarray(4 * 4 * 3 + 12, 4 * 4 * 3 + 16)), [0, 255, 0, 0]);
});

test('createImageBitmap: a Blob holding a PNG decodes; bad arguments reject with the error HTML names', async () => {
  const png = encodePng(new Uint8Array(source().data), 2, 2);
  const fromBlob = await createImageBitmap(new Blob([Uint8Array.from(png)]), { premultiplyAlpha: 'none' });
  assert.deepEqual(Array.from(fromBlob.data), Array.from(source().data));
  await assert.rejects(createImageBitmap(new Blob([new Uint8Array([1, 2, 3])])), { name: 'InvalidStateError' });
  await assert.rejects(createImageBitmap(source(), 0, 0, 0, 1), RangeError);
  await assert.rejects(createImageBitmap(source(), { imageOrientation: 'sideways' }), TypeError);
  await assert.rejects(createImageBitmap(source(), { premultiplyAlpha: 'maybe' }), TypeError);
  await assert.rejects(createImageBitmap(source(), { resizeWidth: 0 }), { name: 'InvalidStateError' });
  await assert.rejects(createImageBitmap({ width: 0, height: 0, data: new Uint8ClampedArray(0) }), { name: 'InvalidStateError' });
  await assert.rejects(createImageBitmap(42), TypeError);
  const closed = await createImageBitmap(source());
  closed.close();
  assert.deepEqual([closed.width, closed.height, closed.closed], [0, 0, true]);
  await assert.rejects(createImageBitmap(closed), { name: 'InvalidStateError' });
  assert.throws(() => new (AkImageBitmap as unknown as new () => unknown)(), TypeError);
});

test('WebGL uploads a bitmap as it is: UNPACK_FLIP_Y and UNPACK_PREMULTIPLY_ALPHA do not apply; a closed one is INVALID_VALUE', async () => {
  const plain = await createImageBitmap(source(), { premultiplyAlpha: 'none' });
  const pm = await createImageBitmap(source(), { premultiplyAlpha: 'premultiply' });
  withGl(1, 1, (gl) => {
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, plain as unknown as ImageData);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // texture row 0 is the bitmap's first (top) row, not flipped; alpha 128 red stays 255, not premultiplied
    assert.deepEqual(texels(gl, t, 2, 2), [[255, 0, 0, 255], [255, 0, 0, 128], [0, 255, 0, 255], [0, 255, 0, 0]]);
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, pm as unknown as ImageData);
    // the premultiplied bitmap once, not twice: 128, not 64
    assert.deepEqual(texels(gl, t, 2, 2)[1], [128, 0, 0, 128]);
    // the same pixels as ImageData do get both unpack operations: row 0 is the bottom row, 255 × 128 / 255 = 128
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source() as unknown as ImageData);
    assert.deepEqual(texels(gl, t, 2, 2).slice(2), [[255, 0, 0, 255], [128, 0, 0, 128]]);
    plain.close();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, plain as unknown as ImageData);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, plain as unknown as ImageData);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
  });
});

test('WebGL 2: an upload with explicit size reads the region UNPACK_SKIP_PIXELS/ROWS select, from the source as FLIP_Y presents it', async () => {
  const bitmap = await createImageBitmap(source(), { premultiplyAlpha: 'none' });
  withGl(1, 1, (gl0) => {
    const gl = gl0 as unknown as WebGL2RenderingContext;
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 1);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 1);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, source() as unknown as ImageData);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // the pixel at column 1 of row 1 (top first): green, alpha 0
    assert.deepEqual(texels(gl, t, 1, 1), [[0, 255, 0, 0]]);
    // FLIP_Y: the source is flipped first, so row 1 of the flipped image is the top row: red, alpha 128
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, source() as unknown as ImageData);
    assert.deepEqual(texels(gl, t, 1, 1), [[255, 0, 0, 128]]);
    // a bitmap is never flipped: row 1 of the bitmap as made, green alpha 0
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bitmap as unknown as ImageData);
    assert.deepEqual(texels(gl, t, 1, 1), [[0, 255, 0, 0]]);
    // texSubImage2D with explicit size takes the same region
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, bitmap as unknown as ImageData);
    assert.deepEqual(texels(gl, t, 1, 1), [[255, 0, 0, 128]]);
    // a region reaching past the source is INVALID_OPERATION, and changes nothing
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bitmap as unknown as ImageData);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    assert.deepEqual(texels(gl, t, 1, 1), [[255, 0, 0, 128]]);
  }, { version: 2 } as never);
});
