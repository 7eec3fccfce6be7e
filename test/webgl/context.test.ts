/** WebGL 1.0 context: creation, attributes, getParameter, getError semantics (spec-cited), clear + readPixels. */
import { test, describe } from 'node:test';
import { AkTexture, stateOf } from '../../src/webgl/objects.js';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { GL } from '../../src/webgl/constants.js';
import { MODES } from '../helpers.js';

function withGl<T>(w: number, h: number, fn: (gl: AkariWebGLRenderingContext) => T, attrs: Parameters<typeof createWebGLContext>[2] = {}): T {
  const gl = createWebGLContext(w, h, { deterministic: true, ...attrs });
  try { return fn(gl); } finally { gl.destroy(); }
}
function read(gl: WebGLRenderingContext, w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return px;
}
const at = (px: Uint8Array, w: number, x: number, y: number) => Array.from(px.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));
function noError(gl: WebGLRenderingContext) { assert.equal(gl.getError(), gl.NO_ERROR); }

describe('webgl context', () => {
  test('creation, constants, every WebGL 1 method, attributes', () => withGl(32, 16, (gl) => {
    const g: WebGLRenderingContext = gl; // typed against the DOM lib's WebGLRenderingContext
    assert.equal(g.drawingBufferWidth, 32);
    assert.equal(g.drawingBufferHeight, 16);
    assert.equal(g.COLOR_BUFFER_BIT, 0x4000);
    assert.equal(g.TEXTURE_CUBE_MAP_NEGATIVE_Z, 0x851a);
    assert.equal(g.UNPACK_FLIP_Y_WEBGL, 0x9240);
    for (const k of Object.keys(GL)) assert.equal((g as unknown as Record<string, number>)[k], (GL as Record<string, number>)[k], k);
    const methods = ['activeTexture', 'attachShader', 'bindAttribLocation', 'bindBuffer', 'bindFramebuffer', 'bindRenderbuffer', 'bindTexture', 'blendColor',
      'blendEquation', 'blendEquationSeparate', 'blendFunc', 'blendFuncSeparate', 'bufferData', 'bufferSubData', 'checkFramebufferStatus', 'clear',
      'clearColor', 'clearDepth', 'clearStencil', 'colorMask', 'compileShader', 'compressedTexImage2D', 'compressedTexSubImage2D', 'copyTexImage2D',
      'copyTexSubImage2D', 'createBuffer', 'createFramebuffer', 'createProgram', 'createRenderbuffer', 'createShader', 'createTexture', 'cullFace',
      'deleteBuffer', 'deleteFramebuffer', 'deleteProgram', 'deleteRenderbuffer', 'deleteShader', 'deleteTexture', 'depthFunc', 'depthMask',
      'depthRange', 'detachShader', 'disable', 'disableVertexAttribArray', 'drawArrays', 'drawElements', 'enable', 'enableVertexAttribArray',
      'finish', 'flush', 'framebufferRenderbuffer', 'framebufferTexture2D', 'frontFace', 'generateMipmap', 'getActiveAttrib', 'getActiveUniform',
      'getAttachedShaders', 'getAttribLocation', 'getBufferParameter', 'getContextAttributes', 'getError', 'getExtension',
      'getFramebufferAttachmentParameter', 'getParameter', 'getProgramInfoLog', 'getProgramParameter', 'getRenderbufferParameter',
      'getShaderInfoLog', 'getShaderParameter', 'getShaderPrecisionFormat', 'getShaderSource', 'getSupportedExtensions', 'getTexParameter',
      'getUniform', 'getUniformLocation', 'getVertexAttrib', 'getVertexAttribOffset', 'hint', 'isBuffer', 'isContextLost', 'isEnabled',
      'isFramebuffer', 'isProgram', 'isRenderbuffer', 'isShader', 'isTexture', 'lineWidth', 'linkProgram', 'pixelStorei', 'polygonOffset',
      'readPixels', 'renderbufferStorage', 'sampleCoverage', 'scissor', 'shaderSource', 'stencilFunc', 'stencilFuncSeparate', 'stencilMask',
      'stencilMaskSeparate', 'stencilOp', 'stencilOpSeparate', 'texImage2D', 'texParameterf', 'texParameteri', 'texSubImage2D', 'uniform1f',
      'uniform1fv', 'uniform1i', 'uniform1iv', 'uniform2f', 'uniform2fv', 'uniform2i', 'uniform2iv', 'uniform3f', 'uniform3fv', 'uniform3i',
      'uniform3iv', 'uniform4f', 'uniform4fv', 'uniform4i', 'uniform4iv', 'uniformMatrix2fv', 'uniformMatrix3fv', 'uniformMatrix4fv',
      'useProgram', 'validateProgram', 'vertexAttrib1f', 'vertexAttrib1fv', 'vertexAttrib2f', 'vertexAttrib2fv', 'vertexAttrib3f',
      'vertexAttrib3fv', 'vertexAttrib4f', 'vertexAttrib4fv', 'vertexAttribPointer', 'viewport'];
    for (const m of methods) assert.equal(typeof (g as unknown as Record<string, unknown>)[m], 'function', m);
    assert.deepEqual(g.getContextAttributes(), {
      // antialias: WebGL's default, honoured (a 4x multisampled drawing buffer)
      alpha: true, depth: true, stencil: false, antialias: true, premultipliedAlpha: true, preserveDrawingBuffer: false,
      powerPreference: 'default', failIfMajorPerformanceCaveat: false, desynchronized: false,
    });
    noError(g);
  }));

  test('getParameter values', () => withGl(40, 30, (gl) => {
    assert.match(gl.getParameter(gl.VERSION), /^WebGL 1\.0/);
    assert.match(gl.getParameter(gl.SHADING_LANGUAGE_VERSION), /^WebGL GLSL ES 1\.0/);
    assert.equal(gl.getParameter(gl.VENDOR), 'Akari');
    assert.deepEqual(gl.getParameter(gl.VIEWPORT), new Int32Array([0, 0, 40, 30]));
    assert.deepEqual(gl.getParameter(gl.SCISSOR_BOX), new Int32Array([0, 0, 40, 30]));
    assert.equal(gl.getParameter(gl.MAX_VERTEX_ATTRIBS), 16);
    assert.equal(gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS), 16);
    assert.ok(gl.getParameter(gl.MAX_VERTEX_TEXTURE_IMAGE_UNITS) > 0);
    assert.equal(gl.getParameter(gl.MAX_TEXTURE_SIZE), 4096);
    assert.deepEqual(gl.getParameter(gl.MAX_VIEWPORT_DIMS), new Int32Array([16384, 16384]));
    assert.equal(gl.getParameter(gl.RED_BITS), 8);
    assert.equal(gl.getParameter(gl.ALPHA_BITS), 8);
    assert.equal(gl.getParameter(gl.DEPTH_BITS), 24);
    assert.equal(gl.getParameter(gl.STENCIL_BITS), 0); // stencil: false by default
    assert.deepEqual(gl.getParameter(gl.COLOR_CLEAR_VALUE), new Float32Array([0, 0, 0, 0]));
    gl.clearColor(0.25, 2, -1, 0.5); // clamped (ES 2.0 §4.2.3)
    assert.deepEqual(gl.getParameter(gl.COLOR_CLEAR_VALUE), new Float32Array([0.25, 1, 0, 0.5]));
    assert.equal(gl.getParameter(gl.DEPTH_FUNC), gl.LESS);
    assert.equal(gl.getParameter(gl.BLEND), false);
    assert.equal(gl.getParameter(gl.DITHER), true);
    gl.enable(gl.BLEND);
    assert.equal(gl.isEnabled(gl.BLEND), true);
    assert.deepEqual(gl.getParameter(gl.COLOR_WRITEMASK), [true, true, true, true]);
    assert.equal(gl.getParameter(gl.STENCIL_WRITEMASK), 0xffffffff);
    assert.equal(gl.getParameter(gl.STENCIL_VALUE_MASK), 0xffffffff);
    assert.equal(gl.getParameter(gl.ACTIVE_TEXTURE), gl.TEXTURE0);
    assert.equal(gl.getParameter(gl.UNPACK_ALIGNMENT), 4);
    assert.equal(gl.getParameter(gl.CURRENT_PROGRAM), null);
    assert.equal(gl.getParameter(gl.FRAMEBUFFER_BINDING), null);
    assert.equal(gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT), gl.RGBA);
    assert.equal(gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE), gl.UNSIGNED_BYTE);
    assert.deepEqual(gl.getParameter(gl.DEPTH_RANGE), new Float32Array([0, 1]));
    assert.equal(gl.getParameter(gl.COMPRESSED_TEXTURE_FORMATS).length, 0);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    assert.equal(gl.getParameter(gl.ARRAY_BUFFER_BINDING), b);
    noError(gl);
    const hp = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT)!;
    assert.deepEqual([hp.rangeMin, hp.rangeMax, hp.precision], [127, 127, 23]);
    // An unknown pname is INVALID_ENUM (ES 2.0 §6.1.1), and so is an extension enum before getExtension.
    assert.equal(gl.getParameter(0x1234), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.getParameter(0x85b5); // VERTEX_ARRAY_BINDING_OES
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.getExtension('OES_vertex_array_object');
    assert.equal(gl.getParameter(0x85b5), null);
    noError(gl);
  }));

  test('stencil and alpha attributes change the drawing buffer bits', () => {
    withGl(8, 8, (gl) => { assert.equal(gl.getParameter(gl.STENCIL_BITS), 8); assert.equal(gl.getParameter(gl.DEPTH_BITS), 24); }, { stencil: true });
    withGl(8, 8, (gl) => { assert.equal(gl.getParameter(gl.DEPTH_BITS), 0); }, { depth: false });
    withGl(8, 8, (gl) => {
      assert.equal(gl.getParameter(gl.ALPHA_BITS), 0);
      gl.clearColor(0.2, 0.4, 0.6, 0.1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      assert.deepEqual(at(read(gl, 8, 8), 8, 3, 3), [51, 102, 153, 255]); // no alpha channel: reads 1.0
    }, { alpha: false });
  });

  test('extensions', () => withGl(8, 8, (gl) => {
    const exts = gl.getSupportedExtensions()!;
    for (const e of ['OES_element_index_uint', 'ANGLE_instanced_arrays', 'OES_standard_derivatives', 'OES_vertex_array_object', 'OES_texture_float',
      'OES_texture_half_float', 'WEBGL_depth_texture', 'EXT_blend_minmax', 'EXT_shader_texture_lod', 'WEBGL_lose_context', 'WEBGL_multi_draw']) {
      assert.ok(exts.includes(e), e);
      assert.notEqual(gl.getExtension(e), null, e);
    }
    // no compressed texture format is offered: an extension not offered is null
    assert.equal(gl.getExtension('WEBGL_compressed_texture_astc'), null);
    const inst = gl.getExtension('ANGLE_instanced_arrays')!;
    assert.equal(typeof inst.drawArraysInstancedANGLE, 'function');
    assert.equal(inst.VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE, 0x88fe);
    assert.equal(gl.getExtension('EXT_blend_minmax')!.MAX_EXT, 0x8008);
    assert.equal(gl.getExtension('oes_texture_float'), gl.getExtension('OES_texture_float')); // case-insensitive, same object
    noError(gl);
  }));

  test('getError: INVALID_ENUM cases', () => withGl(8, 8, (gl) => {
    const cases: Array<[string, () => void]> = [
      ['enable(bogus cap) — ES 2.0 §2.5', () => gl.enable(0x1234)],
      ['bindBuffer(bad target)', () => gl.bindBuffer(0x1234, null)],
      ['depthFunc(bad)', () => gl.depthFunc(gl.ZERO)],
      ['blendEquation(MIN_EXT) without EXT_blend_minmax', () => gl.blendEquation(0x8007)],
      ['blendFunc(dst = SRC_ALPHA_SATURATE)', () => gl.blendFunc(gl.ONE, gl.SRC_ALPHA_SATURATE)],
      ['cullFace(bad)', () => gl.cullFace(gl.LINE_LOOP)],
      ['createShader(bad type)', () => gl.createShader(gl.ARRAY_BUFFER)],
      ['activeTexture(TEXTURE0 + MAX)', () => gl.activeTexture(gl.TEXTURE0 + gl.getParameter(gl.MAX_COMBINED_TEXTURE_IMAGE_UNITS))],
      ['texParameteri(bad pname)', () => { gl.bindTexture(gl.TEXTURE_2D, gl.createTexture()); gl.texParameteri(gl.TEXTURE_2D, 0x1234, gl.LINEAR); }],
      ['texParameteri(MAG_FILTER, LINEAR_MIPMAP_LINEAR)', () => gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR_MIPMAP_LINEAR)],
      ['texImage2D(FLOAT) without OES_texture_float — WebGL 1.0 §5.14.8', () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.FLOAT, null)],
      ['drawArrays(bad mode)', () => gl.drawArrays(0x1234, 0, 3)],
      ['drawElements(UNSIGNED_INT) without OES_element_index_uint', () => gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_INT, 0)],
      ['readPixels(bad format)', () => gl.readPixels(0, 0, 1, 1, gl.DEPTH_COMPONENT, gl.UNSIGNED_BYTE, new Uint8Array(4))],
      ['pixelStorei(bad pname)', () => gl.pixelStorei(0x1234, 1)],
      ['hint(bad target)', () => gl.hint(0x1234, gl.NICEST)],
      ['renderbufferStorage(RGBA8)', () => { gl.bindRenderbuffer(gl.RENDERBUFFER, gl.createRenderbuffer()); gl.renderbufferStorage(gl.RENDERBUFFER, 0x8058, 4, 4); }],
      ['stencilOp(bad)', () => gl.stencilOp(gl.KEEP, gl.KEEP, 0x1234)],
      ['getShaderPrecisionFormat(bad)', () => gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, 0x1234)],
    ];
    for (const [name, fn] of cases) { fn(); assert.equal(gl.getError(), gl.INVALID_ENUM, name); assert.equal(gl.getError(), gl.NO_ERROR, name); }
  }));

  test('getError: INVALID_VALUE cases', () => withGl(8, 8, (gl) => {
    const cases: Array<[string, () => void]> = [
      ['viewport(negative width) — ES 2.0 §2.12', () => gl.viewport(0, 0, -1, 4)],
      ['scissor(negative height)', () => gl.scissor(0, 0, 4, -4)],
      ['lineWidth(0)', () => gl.lineWidth(0)],
      ['clear(bad bits)', () => gl.clear(0x1)],
      ['vertexAttribPointer(index >= MAX_VERTEX_ATTRIBS)', () => gl.vertexAttribPointer(16, 4, gl.FLOAT, false, 0, 0)],
      ['vertexAttribPointer(size 5)', () => gl.vertexAttribPointer(0, 5, gl.FLOAT, false, 0, 0)],
      ['vertexAttribPointer(stride 256) — WebGL 1.0 §6.9', () => gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 256, 0)],
      ['enableVertexAttribArray(16)', () => gl.enableVertexAttribArray(16)],
      ['pixelStorei(UNPACK_ALIGNMENT, 3)', () => gl.pixelStorei(gl.UNPACK_ALIGNMENT, 3)],
      ['bufferData(negative size)', () => { gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer()); gl.bufferData(gl.ARRAY_BUFFER, -1, gl.STATIC_DRAW); }],
      ['bufferSubData past the end', () => { gl.bufferData(gl.ARRAY_BUFFER, 8, gl.STATIC_DRAW); gl.bufferSubData(gl.ARRAY_BUFFER, 4, new Uint8Array(8)); }],
      ['drawArrays(count < 0)', () => gl.drawArrays(gl.TRIANGLES, 0, -1)],
      ['texImage2D(border 1)', () => { gl.bindTexture(gl.TEXTURE_2D, gl.createTexture()); gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, null); }],
      ['texImage2D(too large)', () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 8192, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null)],
      ['texImage2D(cube face not square)', () => { gl.bindTexture(gl.TEXTURE_CUBE_MAP, gl.createTexture()); gl.texImage2D(gl.TEXTURE_CUBE_MAP_POSITIVE_X, 0, gl.RGBA, 2, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); }],
      ['framebufferTexture2D(level 1) — WebGL 1.0 §6.22', () => {
        gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer()); const t = gl.createTexture(); gl.bindTexture(gl.TEXTURE_2D, t);
        gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 1); gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      }],
      ['uniformMatrix4fv(transpose = true)', () => { /* needs a location; covered in draw tests */ gl.lineWidth(-1); }],
    ];
    for (const [name, fn] of cases) { fn(); assert.equal(gl.getError(), gl.INVALID_VALUE, name); assert.equal(gl.getError(), gl.NO_ERROR, name); }
  }));

  test('getError: INVALID_OPERATION cases', () => withGl(8, 8, (gl) => {
    const cases: Array<[string, () => void]> = [
      ['drawArrays without a program — ES 2.0 §2.15', () => gl.drawArrays(gl.TRIANGLES, 0, 3)],
      ['bindBuffer to a second target — WebGL 1.0 §6.1', () => { const b = gl.createBuffer(); gl.bindBuffer(gl.ARRAY_BUFFER, b); gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, b); }],
      ['bufferData with no buffer bound', () => { gl.bindBuffer(gl.ARRAY_BUFFER, null); gl.bufferData(gl.ARRAY_BUFFER, 4, gl.STATIC_DRAW); }],
      ['vertexAttribPointer(offset not a multiple of the type) — WebGL 1.0 §6.4', () => { gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer()); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 8, 2); }],
      ['vertexAttribPointer(offset != 0, no ARRAY_BUFFER) — WebGL 1.0 §6.6', () => { gl.bindBuffer(gl.ARRAY_BUFFER, null); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 8, 8); }],
      ['blendFunc(CONSTANT_COLOR, CONSTANT_ALPHA) — WebGL 1.0 §6.13', () => gl.blendFunc(gl.CONSTANT_COLOR, gl.CONSTANT_ALPHA)],
      ['depthRange(near > far) — WebGL 1.0 §6.12', () => gl.depthRange(1, 0)],
      ['depthRange(20, 10): compared before clamping — WebGL 1.0 §6.12', () => gl.depthRange(20, 10)],
      ['drawElements with no ELEMENT_ARRAY_BUFFER', () => gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_SHORT, 0)],
      ['drawElements(offset not a multiple of the type size)', () => {
        const e = gl.createBuffer(); gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, e); gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array(6), gl.STATIC_DRAW);
        gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_SHORT, 1);
      }],
      ['readPixels into a too-small buffer', () => gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(15))],
      ['readPixels(RGBA/UNSIGNED_BYTE) into a Float32Array', () => gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Float32Array(4) as unknown as Uint8Array)],
      ['texImage2D with no texture bound', () => { gl.bindTexture(gl.TEXTURE_2D, null); gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); }],
      ['texImage2D(internalformat != format)', () => { gl.bindTexture(gl.TEXTURE_2D, gl.createTexture()); gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); }],
      ['texImage2D(RGB, UNSIGNED_SHORT_4_4_4_4)', () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, 1, 1, 0, gl.RGB, gl.UNSIGNED_SHORT_4_4_4_4, null)],
      ['texImage2D with a too-short array', () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(15))],
      ['texImage2D(UNSIGNED_BYTE) with a Uint16Array', () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint16Array(4) as unknown as Uint8Array)],
      ['texSubImage2D of an undefined level', () => gl.texSubImage2D(gl.TEXTURE_2D, 3, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4))],
      ['generateMipmap of an NPOT texture', () => { gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 3, 3, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); gl.generateMipmap(gl.TEXTURE_2D); }],
      ['bindTexture of a 2D texture to TEXTURE_CUBE_MAP', () => { const t = gl.createTexture(); gl.bindTexture(gl.TEXTURE_2D, t); gl.bindTexture(gl.TEXTURE_CUBE_MAP, t); }],
      ['framebufferRenderbuffer with the default framebuffer bound', () => gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, null)],
      ['useProgram(unlinked program)', () => gl.useProgram(gl.createProgram())],
      ['getAttribLocation of an unlinked program', () => gl.getAttribLocation(gl.createProgram(), 'a')],
      ['attachShader twice of the same type', () => {
        const p = gl.createProgram(); gl.attachShader(p, gl.createShader(gl.VERTEX_SHADER)!); gl.attachShader(p, gl.createShader(gl.VERTEX_SHADER)!);
      }],
      ['an object from another context', () => withGl(4, 4, (other) => gl.bindBuffer(gl.ARRAY_BUFFER, other.createBuffer()))],
    ];
    for (const [name, fn] of cases) { fn(); assert.equal(gl.getError(), gl.INVALID_OPERATION, name); assert.equal(gl.getError(), gl.NO_ERROR, name); }
  }));

  test('getError: INVALID_FRAMEBUFFER_OPERATION and checkFramebufferStatus', () => withGl(8, 8, (gl) => {
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT);
    gl.clear(gl.COLOR_BUFFER_BIT); // ES 2.0 §4.4.5
    assert.equal(gl.getError(), gl.INVALID_FRAMEBUFFER_OPERATION);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    assert.equal(gl.getError(), gl.INVALID_FRAMEBUFFER_OPERATION);
    const rb = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 4, 4);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    const d = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, d);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 8, 8);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, d);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_DIMENSIONS);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGB565, 4, 4); // colour format on the depth attachment
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 4, 4);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_DEPTH_SIZE), 16);
    assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.RENDERBUFFER);
    noError(gl);
  }));

  test('errors accumulate one per kind, and nothing reaches the GPU', () => withGl(8, 8, (gl) => {
    const before = gl.gpu.stats.submits;
    gl.enable(0x1); gl.enable(0x2); gl.viewport(0, 0, -1, -1); gl.drawArrays(gl.TRIANGLES, 0, 3);
    const errs = [gl.getError(), gl.getError(), gl.getError(), gl.getError()];
    assert.deepEqual(errs.sort(), [gl.INVALID_ENUM, gl.INVALID_VALUE, gl.INVALID_OPERATION, gl.NO_ERROR].sort());
    gl.finish();
    assert.equal(gl.gpu.stats.draws, 0);
    assert.ok(gl.gpu.stats.submits <= before + 1); // only the initial drawing-buffer clear
  }));

  test('WEBGL_lose_context', () => withGl(8, 8, (gl) => {
    const ext = gl.getExtension('WEBGL_lose_context')!;
    ext.loseContext();
    assert.equal(gl.isContextLost(), true);
    assert.equal(gl.getError(), gl.CONTEXT_LOST_WEBGL);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.enable(0x1234);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getParameter(gl.VIEWPORT), null);
    assert.equal(gl.getContextAttributes(), null);
  }));

  for (const mode of MODES) {
    test(`clear + readPixels exact pixels (${mode.name})`, () => {
      const gl = createWebGLContext(37, 21, { deterministic: mode.opts.deterministic });
      try {
        // Initial contents: (0, 0, 0, 0).
        assert.deepEqual(at(read(gl, 37, 21), 37, 5, 5), [0, 0, 0, 0]);
        gl.clearColor(1, 0.5, 0.25, 0.75);
        gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
        let px = read(gl, 37, 21);
        for (let i = 0; i < 37 * 21; i++) assert.deepEqual(Array.from(px.subarray(i * 4, i * 4 + 4)), [255, 128, 64, 191]);
        // Scissored clear (drawn as a quad): GL coordinates, y up.
        gl.enable(gl.SCISSOR_TEST);
        gl.scissor(3, 2, 10, 5);
        gl.clearColor(0, 1, 0, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
        gl.disable(gl.SCISSOR_TEST);
        // Colour-masked clear: only red and alpha change.
        gl.colorMask(true, false, false, true);
        gl.clearColor(0.2, 0.9, 0.9, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
        gl.colorMask(true, true, true, true);
        px = read(gl, 37, 21);
        for (let y = 0; y < 21; y++) {
          for (let x = 0; x < 37; x++) {
            const inside = x >= 3 && x < 13 && y >= 2 && y < 7;
            assert.deepEqual(at(px, 37, x, y), inside ? [51, 255, 0, 255] : [51, 128, 64, 255], `${x},${y}`);
          }
        }
        // A sub-rectangle, PACK_ALIGNMENT 8 with a 3-pixel row (12 bytes -> 16-byte stride), and pixels outside left untouched.
        gl.pixelStorei(gl.PACK_ALIGNMENT, 8);
        const sub = new Uint8Array(16 * 2 + 12).fill(7);
        gl.readPixels(12, 1, 3, 3, gl.RGBA, gl.UNSIGNED_BYTE, sub);
        assert.deepEqual(Array.from(sub.subarray(0, 12)), [51, 128, 64, 255, 51, 128, 64, 255, 51, 128, 64, 255]);
        assert.deepEqual(Array.from(sub.subarray(12, 16)), [7, 7, 7, 7]); // padding untouched
        assert.deepEqual(Array.from(sub.subarray(16, 20)), [51, 255, 0, 255]); // (12, 2) inside the scissor
        const edge = new Uint8Array(8).fill(9);
        gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
        gl.readPixels(36, 0, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, edge);
        assert.deepEqual(Array.from(edge), [51, 128, 64, 255, 9, 9, 9, 9]);
        assert.equal(gl.getError(), gl.NO_ERROR);
        assert.equal(gl.gpu.lastStatus, 'complete');
      } finally { gl.destroy(); }
    });
  }

  test('framebuffer objects: texture and renderbuffer targets, upload layout, flip-y, alignment', () => withGl(16, 16, (gl) => {
    const tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    // 3x2 RGBA texture, row 0 first (t = 0, bottom in GL).
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 3, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    assert.deepEqual(Array.from(read(gl, 3, 2)), Array.from(data));
    // Clear the left column through a scissor: the GPU loads the texture, clears 1 column, stores back.
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, 1, 2);
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.disable(gl.SCISSOR_TEST);
    const px = read(gl, 3, 2);
    assert.deepEqual(at(px, 3, 0, 0), [255, 255, 255, 255]);
    assert.deepEqual(at(px, 3, 1, 0), [5, 6, 7, 8]);
    assert.deepEqual(at(px, 3, 0, 1), [255, 255, 255, 255]);
    assert.deepEqual(at(px, 3, 2, 1), [21, 22, 23, 24]);
    // texSubImage2D with UNPACK_FLIP_Y and alignment 1 on RGB would need an RGB target; use RGBA + flip.
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 1, 0, 1, 2, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([100, 100, 100, 100, 200, 200, 200, 200]));
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    const px2 = read(gl, 3, 2);
    assert.deepEqual(at(px2, 3, 1, 0), [200, 200, 200, 200]);
    assert.deepEqual(at(px2, 3, 1, 1), [100, 100, 100, 100]);
    // Premultiplied upload.
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 2, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 128, 0, 128]));
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    assert.deepEqual(at(read(gl, 3, 2), 3, 2, 0), [128, 64, 0, 128]);
    // RGB565 renderbuffer: clear to pure colours reads back exactly.
    const rb = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGB565, 5, 3);
    const fb2 = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb2);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
    assert.deepEqual(at(read(gl, 5, 3), 5, 4, 2), [0, 0, 0, 255]); // renderbuffers start cleared
    gl.clearColor(1, 0, 1, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    assert.deepEqual(at(read(gl, 5, 3), 5, 4, 2), [255, 0, 255, 255]);
    assert.equal(gl.getParameter(gl.RED_BITS), 5);
    assert.equal(gl.getParameter(gl.GREEN_BITS), 6);
    // Back to the default framebuffer: it kept its own contents.
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    assert.deepEqual(at(read(gl, 16, 16), 16, 8, 8), [0, 0, 0, 0]);
    noError(gl);
  }));

  test('copyTexImage2D / copyTexSubImage2D copy framebuffer pixels in GL order', () => withGl(4, 4, (gl) => {
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, 4, 2);
    gl.clearColor(1, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT); // bottom two rows red
    gl.scissor(0, 2, 4, 2);
    gl.clearColor(0, 0, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT); // top two rows blue
    gl.disable(gl.SCISSOR_TEST);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 2, 2, 0); // rows 1 (red) and 2 (blue)
    gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 1, 0, 0, 3, 1, 1); // texel (1, 0) <- pixel (0, 3): blue
    noError(gl);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    const px = read(gl, 2, 2);
    assert.deepEqual([at(px, 2, 0, 0), at(px, 2, 1, 0), at(px, 2, 0, 1), at(px, 2, 1, 1)],
      [[255, 0, 0, 255], [0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 255, 255]]);
  }));

  test('ImageData-like upload, RGB alignment, generateMipmap levels', () => withGl(4, 4, (gl) => {
    const tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, { width: 2, height: 2, data: new Uint8ClampedArray([0, 0, 0, 0, 40, 40, 40, 40, 80, 80, 80, 80, 120, 120, 120, 120]) } as unknown as ImageData);
    noError(gl);
    gl.generateMipmap(gl.TEXTURE_2D);
    noError(gl);
    // Read level 1 through the texture's storage (a 1x1 level: the 2x2 box average).
    const t = stateOf(tex, AkTexture)!;
    assert.deepEqual(Array.from(t.bo!.bytes(t.levelOffsets[1]!, 4)), [60, 60, 60, 60]);
    // RGB with the default UNPACK_ALIGNMENT 4: 2-pixel rows of 6 bytes are padded to 8.
    const t2 = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t2);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, 2, 2, 0, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array([1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12]));
    noError(gl);
    const s2 = stateOf(t2, AkTexture)!;
    assert.deepEqual(Array.from(s2.bo!.bytes(0, 12)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Float textures need the extension, then upload as rgba32f.
    gl.getExtension('OES_texture_float');
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.FLOAT, new Float32Array([0.5, 1, 2, 3]));
    noError(gl);
  }));
});
