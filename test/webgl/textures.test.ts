/**
 * Texture completeness and texture-related validation, each case found failing by the Khronos
 * WebGL 1.0.3 suite (npm run cts) and checked here against the spec's own rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';

const VS = 'attribute vec2 p; varying vec2 t; void main() { t = p * 0.5 + 0.5; gl_Position = vec4(p, 0, 1); }';
const FS = 'precision mediump float; uniform sampler2D s; varying vec2 t; void main() { gl_FragColor = texture2D(s, t); }';

/** Draws a full-viewport quad sampling TEXTURE_2D unit 0 and returns pixel (0, 0). */
function drawSampled(gl: WebGLRenderingContext, w: number, h: number): number[] {
  program(gl, VS, FS, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.clearColor(0, 0, 1, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  return at(read(gl, w, h), w, 0, 0);
}

test('a 1×1 level 0 is a complete mipmap chain: the default NEAREST_MIPMAP_LINEAR filter samples it', () => withGl(2, 2, (gl) => {
  // ES 2.0 § 3.7.10: the chain is levels 0..q with q = log2(max(w, h)) = 0 for 1×1, so level 0
  // alone makes the texture mipmap-complete (context-lost-restored.html draws with exactly this)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 10, 20, 255]));
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER), gl.NEAREST_MIPMAP_LINEAR);
  assert.deepEqual(drawSampled(gl, 2, 2), [255, 10, 20, 255]);
}));

test('a 2×2 level 0 without level 1 is mipmap-incomplete: it samples as (0, 0, 0, 1)', () => withGl(2, 2, (gl) => {
  // ES 2.0 § 3.8.2: an incomplete texture samples (0, 0, 0, 1)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(16).fill(255));
  assert.deepEqual(drawSampled(gl, 2, 2), [0, 0, 0, 255]);
  // giving it level 1 (1×1) completes the chain
  gl.texImage2D(gl.TEXTURE_2D, 1, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([0, 255, 0, 255]));
  const px = drawSampled(gl, 2, 2);
  assert.ok(px[1]! > 0, `complete chain samples something: ${px}`);
}));

test('an incomplete cube map samples (0, 0, 0, 1) on every face', () => withGl(1, 1, (gl) => {
  // ES 2.0 § 3.8.2 again; the driver binds its black texture in the incomplete one's place, one black texel a face
  // (only +X was black before: a direction whose major axis is +Z read (0, 0, 0, 0); extensions/oes-texture-float-linear.html)
  const p = program(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }',
    'precision mediump float; uniform samplerCube c; uniform vec3 dir; void main() { gl_FragColor = textureCube(c, dir) + vec4(0.0, 0.0, 0.5, 0.0); }', { pos: 0 });
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
  gl.bindTexture(gl.TEXTURE_CUBE_MAP, gl.createTexture()); // no faces specified: incomplete
  for (const d of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
    gl.uniform3fv(gl.getUniformLocation(p, 'dir'), d);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.deepEqual(at(read(gl, 1, 1), 1, 0, 0), [0, 0, 128, 255], `direction ${d}`); // 0.5 → 128
  }
}));

test('an RGB/UNSIGNED_BYTE texture is a colour attachment: complete, cleared, blended with destination alpha 1, sampled back', () => withGl(2, 2, (gl) => {
  // every browser's WebGL 1 renders to RGB8 textures (texture-fakeblack.html, framebuffer-object-attachment.html);
  // the GPU stores them as three bytes a pixel (rgb8_unorm), so a format without alpha reads alpha as 1 (ES 2.0 § 4.1.7)
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, 3, 3, 0, gl.RGB, gl.UNSIGNED_BYTE, null);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.clearColor(1, 0.5, 0, 0); // alpha is not stored
  gl.clear(gl.COLOR_BUFFER_BIT);
  assert.deepEqual(at(read(gl, 3, 3), 3, 2, 2), [255, 128, 0, 255]); // 0.5 × 255 = 127.5 rounds to 128
  assert.equal(gl.getParameter(gl.ALPHA_BITS), 0);
  // blending DST_ALPHA × source: destination alpha is 1, so the source passes unchanged
  program(gl, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0, 1); }', 'precision mediump float; void main() { gl_FragColor = vec4(0.0, 0.0, 1.0, 0.0); }', { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.DST_ALPHA, gl.ZERO);
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  gl.disable(gl.BLEND);
  assert.deepEqual(at(read(gl, 3, 3), 3, 1, 1), [0, 0, 255, 255]);
  // sampled back in the default framebuffer: blue, alpha 1
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.bindTexture(gl.TEXTURE_2D, tex);
  assert.deepEqual(drawSampled(gl, 2, 2), [0, 0, 255, 255]);
}));

test('a level past the end of level 0\'s chain (level 2 of a 1×1 texture) is accepted without storage, never an exception', () => withGl(4, 4, (gl) => {
  // type-conversion-test.html calls copyTexImage2D(TEXTURE_2D, 2, ...) after level 0 is 1×1: the chain
  // of a 1×1 level 0 is level 0 alone, so level 2 has no place in the texture's storage (it used to
  // be written at offset NaN: a SIGSEGV thrown out of the GL call)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([9, 99, 199, 255]));
  gl.copyTexImage2D(gl.TEXTURE_2D, 2, gl.RGBA, 0, 0, 1, 1, 0);
  assert.equal(gl.getError(), gl.NO_ERROR); // ES 2.0 allows any level up to log2(MAX_TEXTURE_SIZE)
  gl.texImage2D(gl.TEXTURE_2D, 2, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  assert.equal(gl.getError(), gl.NO_ERROR);
  // level 0 is untouched: with a NEAREST filter the texture is complete and samples it
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([9, 99, 199, 255]));
  gl.copyTexImage2D(gl.TEXTURE_2D, 3, gl.RGBA, 0, 0, 1, 1, 0);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  assert.deepEqual(drawSampled(gl, 4, 4), [9, 99, 199, 255]);
}));

test('UNPACK_PREMULTIPLY_ALPHA_WEBGL multiplies an image\'s alpha in before RGB / LUMINANCE drop it (WebGL 1.0 § 5.14.8; tex-image-with-format-and-type)', () => withGl(1, 1, (gl) => {
  // ImageData 1×2, top first: opaque red, then green with alpha 0 → premultiplied: red, black
  const image = { width: 1, height: 2, data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 0]) };
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  const texel = (row: number): number[] => {
    // read the texture back by drawing it: sample texel (0, row) at a NEAREST-filtered pixel
    const p = program(gl, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0, 1); }',
      `precision mediump float; uniform sampler2D s; void main() { gl_FragColor = texture2D(s, vec2(0.5, ${row === 0 ? '0.25' : '0.75'})); }`);
    gl.useProgram(p);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    return Array.from(read(gl, 1, 1));
  };
  for (const [format, type] of [[gl.RGB, gl.UNSIGNED_BYTE], [gl.RGB, gl.UNSIGNED_SHORT_5_6_5], [gl.LUMINANCE, gl.UNSIGNED_BYTE]] as const) {
    gl.texImage2D(gl.TEXTURE_2D, 0, format, format, type, image as unknown as ImageData);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // texture row 0 is the image's top row (no flip): red (luminance takes red: 255); row 1 the green made black
    assert.deepEqual(texel(0), format === gl.RGB ? [255, 0, 0, 255] : [255, 255, 255, 255], `row 0, format ${format}/${type}`);
    assert.deepEqual(texel(1), [0, 0, 0, 255], `row 1, format ${format}/${type}`);
  }
}));
