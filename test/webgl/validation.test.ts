/**
 * Errors the WebGL 1.0 specification adds to ES 2.0's, each from the section that states it (the Khronos
 * conformance pages named beside each test check the same): names outside the GLSL character set, copies
 * that read what they may not, reading a framebuffer without a colour image, and extension objects of a
 * context that was lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGl } from './helpers.js';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { AkRenderbuffer, AkTexture, stateOf } from '../../src/webgl/objects.js';

test('names outside the GLSL ES character set are INVALID_VALUE (WebGL 1.0 § 6.20; misc/invalid-passed-params.html)', () => withGl(1, 1, (gl) => {
  const p = gl.createProgram()!;
  for (const c of ['"', '$', '`', '@', '\\', "'"]) {
    gl.bindAttribLocation(p, 1, `name${c}`);
    assert.equal(gl.getError(), gl.INVALID_VALUE, `bindAttribLocation ${c}`);
  }
  gl.bindAttribLocation(p, 1, 'a_name.is_fine[0]');
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.bindAttribLocation(p, 1, 'x'.repeat(257)); // § 6.21: longer than 256
  assert.equal(gl.getError(), gl.INVALID_VALUE);
}));

/** A framebuffer whose colour image is a texture of `format` (RGB or RGBA), 4×4. */
function textureTarget(gl: WebGLRenderingContext, format: number): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, format, 4, 4, 0, format, gl.UNSIGNED_BYTE, null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  return t;
}

test('copyTexImage2D: no alpha from an RGB buffer (ES 2.0 table 3.9), no NPOT level > 0, no copy into the level being rendered to (§ 6.26)', () => withGl(4, 4, (gl) => {
  const rgbTarget = textureTarget(gl, gl.RGB);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  for (const f of [gl.ALPHA, gl.LUMINANCE_ALPHA, gl.RGBA]) {
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, f, 0, 0, 2, 2, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, `format 0x${f.toString(16)} from RGB`);
  }
  for (const f of [gl.RGB, gl.LUMINANCE]) {
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, f, 0, 0, 2, 2, 0);
    assert.equal(gl.getError(), gl.NO_ERROR, `format 0x${f.toString(16)} from RGB`);
  }
  gl.copyTexImage2D(gl.TEXTURE_2D, 1, gl.RGB, 0, 0, 3, 3, 0);
  assert.equal(gl.getError(), gl.INVALID_VALUE, 'an NPOT level 1');
  // the level the framebuffer renders to
  gl.bindTexture(gl.TEXTURE_2D, rgbTarget);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGB, 0, 0, 2, 2, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION, 'copyTexImage2D into the rendered level');
  gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 0, 0, 1, 1);
  assert.equal(gl.getError(), gl.INVALID_OPERATION, 'copyTexSubImage2D into the rendered level');
}));

test('a framebuffer with no colour image: readPixels and copies are INVALID_OPERATION (WebGL 1.0 § 6.25)', () => withGl(4, 4, (gl) => {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 4, 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, rb);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  const px = new Uint8Array([1, 2, 3, 4]);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  assert.deepEqual(Array.from(px), [1, 2, 3, 4], 'the array is untouched');
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGB, 0, 0, 2, 2, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('an extension object of a lost context does nothing; after a restore getExtension gives a new one (context/context-lost-restored.html)', async () => {
  const gl = createWebGLContext(1, 1, { deterministic: true });
  try {
    const vao = gl.getExtension('OES_vertex_array_object')!;
    const lose = gl.getExtension('WEBGL_lose_context')!;
    assert.ok(vao.createVertexArrayOES());
    gl.canvas.addEventListener('webglcontextlost', (e) => e.preventDefault());
    lose.loseContext();
    assert.equal(vao.createVertexArrayOES(), null);
    assert.equal(vao.isVertexArrayOES(null), false);
    await new Promise((r) => setTimeout(r, 20)); // the lost event fires in a task; cancelling it allows the restore
    lose.restoreContext();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(gl.isContextLost(), false);
    assert.equal(vao.createVertexArrayOES(), null, 'the old object stays dead');
    const fresh = gl.getExtension('OES_vertex_array_object')!;
    assert.notEqual(fresh, vao);
    assert.ok(fresh.createVertexArrayOES());
    assert.equal(gl.getExtension('WEBGL_lose_context'), lose, 'WEBGL_lose_context is the one object kept');
  } finally { gl.destroy(); }
});

/** Compiles one shader; its status and log. */
function compile(gl: WebGLRenderingContext, type: number, src: string): { ok: boolean; log: string } {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  return { ok: gl.getShaderParameter(s, gl.COMPILE_STATUS) as boolean, log: gl.getShaderInfoLog(s) ?? '' };
}

test('WebGL 1 shaders: tokens of at most 256 characters, #version 100 only, and ES 1.00 names that are ES 3.00 types', () => withGl(1, 1, (gl) => {
  const FS = (decl: string) => `precision mediump float; ${decl} void main() { gl_FragColor = vec4(1.0); }`;
  // "Maximum GLSL Token Size" (WebGL 1.0): 256 characters, in #define too (glsl/misc/shader-with-257-character-*.html)
  assert.equal(compile(gl, gl.FRAGMENT_SHADER, FS(`float ${'x'.repeat(256)};`)).ok, true, '256 characters');
  const long = compile(gl, gl.FRAGMENT_SHADER, FS(`float ${'x'.repeat(257)};`));
  assert.equal(long.ok, false);
  assert.match(long.log, /0:1:\d+: .* 257 characters long: tokens are limited to 256/);
  assert.equal(compile(gl, gl.FRAGMENT_SHADER, `#define ${'Y'.repeat(257)} 1\n${FS('')}`).ok, false, 'in a #define');
  // only GLSL ES 1.00 (glsl/misc/shader-with-version-120.vert.html)
  assert.equal(compile(gl, gl.FRAGMENT_SHADER, `#version 120\nvoid main() { gl_FragColor = vec4(1.0); }`).ok, false);
  assert.equal(compile(gl, gl.FRAGMENT_SHADER, `#version 100\n${FS('')}`).ok, true);
  // 'uint' is an identifier in ES 1.00: a struct, its field and a variable may take it (glsl/misc/shader-with-non-reserved-words.html)
  const vs = 'struct uint { vec4 uint; }; struct Foo { uint uint; }; attribute vec4 position;\nvoid main() { Foo f; f.uint.uint = position; gl_Position = f.uint.uint; }';
  assert.deepEqual(compile(gl, gl.VERTEX_SHADER, vs), { ok: true, log: '' });
}));

test('WebGL 2 takes tokens of up to 1024 characters', () => {
  const gl = createWebGLContext(1, 1, { deterministic: true, version: 2 }) as unknown as WebGL2RenderingContext & { destroy(): void };
  try {
    const FS = (n: number) => `#version 300 es\nprecision mediump float; out vec4 c; float ${'z'.repeat(n)}; void main() { c = vec4(1.0); }`;
    assert.equal(compile(gl, gl.FRAGMENT_SHADER, FS(1024)).ok, true);
    assert.equal(compile(gl, gl.FRAGMENT_SHADER, FS(1025)).ok, false);
  } finally { gl.destroy(); }
});

test('front and back stencil must share write mask, reference and value mask, or a draw fails (WebGL 1.0 § 6.11; misc/webgl-specific.html)', () => withGl(1, 1, (gl) => {
  const p = gl.createProgram()!;
  for (const [type, src] of [[gl.VERTEX_SHADER, 'void main() { gl_Position = vec4(0.0); }'], [gl.FRAGMENT_SHADER, 'void main() { gl_FragColor = vec4(1.0); }']] as const) {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    gl.attachShader(p, s);
  }
  gl.linkProgram(p);
  gl.useProgram(p);
  const draw = () => { gl.drawArrays(gl.TRIANGLES, 0, 0); return gl.getError(); };
  assert.equal(draw(), gl.NO_ERROR);
  gl.stencilMaskSeparate(gl.FRONT, 1);
  assert.equal(draw(), gl.INVALID_OPERATION, 'write masks differ');
  gl.stencilMaskSeparate(gl.BACK, 1);
  assert.equal(draw(), gl.NO_ERROR);
  gl.stencilFuncSeparate(gl.BACK, gl.ALWAYS, 1, 0xff);
  assert.equal(draw(), gl.INVALID_OPERATION, 'references and value masks differ');
  gl.stencilFuncSeparate(gl.FRONT, gl.NEVER, 1, 0xff); // the functions may differ
  assert.equal(draw(), gl.NO_ERROR);
}));

test('a deleted renderbuffer or texture still attached to an unbound framebuffer keeps its storage and contents until the last framebuffer lets go (ES 2.0 § 4.4.1; misc/object-deletion-behaviour.html)', () => withGl(4, 4, (gl) => {
  const released: unknown[] = [];
  const gpu = gl.gpu as { releaseBo(bo: unknown): void };
  const release = gpu.releaseBo.bind(gpu);
  gpu.releaseBo = (bo) => { released.push(bo); release(bo); };
  const pixel = (): number[] => { const px = new Uint8Array(4); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); return [...px]; };
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 4, 4);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  gl.clearColor(0, 1, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  const rbStorage = stateOf(rb, AkRenderbuffer)!.bo;
  assert.ok(rbStorage);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.deleteRenderbuffer(rb);
  assert.equal(gl.isRenderbuffer(rb), false);
  assert.ok(!released.includes(rbStorage), 'still attached to fb: kept');
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.deepEqual(pixel(), [0, 255, 0, 255], 'the green clear is still there');
  // a texture the same way, then detach it by attaching the renderbuffer's replacement: its storage goes at once
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  assert.ok(released.includes(rbStorage), 'replaced at its last attachment: the deleted renderbuffer\'s storage is released');
  gl.clearColor(0, 0, 1, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  const texStorage = stateOf(t, AkTexture)!.bo;
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.deleteTexture(t);
  assert.ok(!released.includes(texStorage));
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  assert.deepEqual(pixel(), [0, 0, 255, 255]);
  // deleting the framebuffer lets go of the texture: released once
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.deleteFramebuffer(fb);
  assert.equal(released.filter((b) => b === texStorage).length, 1);
  // deleting an attached object of the bound framebuffer detaches and releases it at once (ES 2.0 § 4.4.1)
  const fb2 = gl.createFramebuffer(), rb2 = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb2); gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 4, 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb2);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb2);
  const rb2Storage = stateOf(rb2, AkRenderbuffer)!.bo;
  gl.deleteRenderbuffer(rb2);
  assert.ok(released.includes(rb2Storage));
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.NONE);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('struct nesting deeper than 4 levels fails to compile on WebGL 1 and WebGL 2 contexts, in GLSL ES 1.00 and 3.00 (WebGL 1.0 § 6, inherited by WebGL 2.0)', () => {
  // levels: s1 holds s2 ... holds s<n>, which holds a vec4; n structs nest n levels deep
  const structs = (n: number): string => {
    let src = `struct s${n} { vec4 v; };\n`;
    for (let i = n - 1; i >= 1; i--) src += `struct s${i} { s${i + 1} f; };\n`;
    return src;
  };
  const path = (n: number): string => 'u' + '.f'.repeat(n - 1) + '.v';
  for (const version of [1, 2] as const) {
    for (const es3 of version === 2 ? [false, true] : [false]) {
      withGl(1, 1, (gl) => {
        const compiles = (n: number): boolean => {
          const s = gl.createShader(gl.VERTEX_SHADER)!;
          const src = es3
            ? `#version 300 es\n${structs(n)}uniform s1 u;\nvoid main() { gl_Position = ${path(n)}; }`
            : `${structs(n)}uniform s1 u;\nvoid main() { gl_Position = ${path(n)}; }`;
          gl.shaderSource(s, src);
          gl.compileShader(s);
          return gl.getShaderParameter(s, gl.COMPILE_STATUS) as boolean;
        };
        assert.equal(compiles(4), true, `WebGL ${version}${es3 ? ' ES 3.00' : ''}: 4 levels`);
        assert.equal(compiles(5), false, `WebGL ${version}${es3 ? ' ES 3.00' : ''}: 5 levels`);
      }, { version });
    }
  }
});
