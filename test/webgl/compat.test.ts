/**
 * The GL compatibility state of a context created with `compatibility: true`: matrix stacks and
 * the GL 2.1 formulas for glOrtho/glFrustum, the derived matrices GLSL 1.10 defines, built-in
 * uniforms and conventional attributes supplied by the driver at draw time, fixed-function
 * processing for a missing stage — and WebGL programs never seeing any gl_ name.
 * Expected values are worked out from the specifications' formulas by hand.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { glCompatibility, MODELVIEW, PROJECTION, TEXTURE, type GLCompatibility } from '../../src/webgl/compat.js';


function withCompat<T>(w: number, h: number, fn: (gl: AkariWebGLRenderingContext, c: GLCompatibility) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, compatibility: true });
  try { return fn(gl, glCompatibility(gl)); } finally { gl.destroy(); }
}
function shader(gl: WebGLRenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? '');
  return s;
}
function link(gl: WebGLRenderingContext, vs: string | null, fs: string | null): WebGLProgram {
  const p = gl.createProgram()!;
  if (vs) gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, vs));
  if (fs) gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(p);
  assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p) ?? '');
  gl.useProgram(p);
  return p;
}
function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-9, `${what}[${i}]: ${actual[i]} != ${expected[i]}`);
}
function pixel(gl: WebGLRenderingContext, x: number, y: number): number[] {
  const px = new Uint8Array(4);
  gl.readPixels(x, y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return Array.from(px);
}
/** gl_Vertex from a buffer, through the fixed-function vertex array. */
function vertexArray(gl: WebGLRenderingContext, c: GLCompatibility, xy: number[]): void {
  const b = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(xy), gl.STATIC_DRAW);
  c.arrayPointer('gl_Vertex', b, 2, gl.FLOAT, false, 0, 0);
  c.enableArray('gl_Vertex', true);
}

describe('GL compatibility state', () => {
  test('glOrtho and glFrustum load the GL 2.1 §2.11.2 matrices; the model-view stays identity', () => withCompat(4, 4, (gl, c) => {
    c.matrixMode(PROJECTION);
    c.ortho(0, 250, 0, 125, -1, 3);
    // 2/(r-l), 2/(t-b), -2/(f-n) on the diagonal; -(r+l)/(r-l), -(t+b)/(t-b), -(f+n)/(f-n) in the last column
    close(c.stateValue('gl_ProjectionMatrix')!, [0.008, 0, 0, 0, 0, 0.016, 0, 0, 0, 0, -0.5, 0, -1, -1, -0.5, 1], 'ortho');
    close(c.stateValue('gl_ModelViewMatrix')!, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 'modelview');
    c.loadIdentity();
    c.frustum(-1, 3, -2, 2, 1, 3);
    // 2n/(r-l)=0.5, 2n/(t-b)=0.5, A=(r+l)/(r-l)=0.5, B=0, C=-(f+n)/(f-n)=-2, D=-2fn/(f-n)=-3, row 4 = (0,0,-1,0)
    close(c.stateValue('gl_ProjectionMatrix')!, [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0.5, 0, -2, -1, 0, 0, -3, 0], 'frustum');
    c.frustum(1, 1, 0, 1, 1, 2);
    assert.equal(gl.getError(), 0x0501, 'left == right is INVALID_VALUE');
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('matrix stacks push and pop; underflow and overflow are GL errors that change nothing', () => withCompat(4, 4, (gl, c) => {
    c.matrixMode(MODELVIEW);
    c.translate(1, 2, 3);
    c.pushMatrix();
    c.scale(2, 2, 2);
    close(c.stateValue('gl_ModelViewMatrix')!.slice(12), [1, 2, 3, 1], 'translation kept under the scale');
    close([c.stateValue('gl_ModelViewMatrix')![0]!], [2], 'scaled');
    c.popMatrix();
    close(c.stateValue('gl_ModelViewMatrix')!, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 2, 3, 1], 'popped');
    c.popMatrix();
    assert.equal(gl.getError(), 0x0504, 'STACK_UNDERFLOW');
    c.matrixMode(TEXTURE);
    for (let i = 0; i < 9; i++) c.pushMatrix(); // depth 10: the texture stack's limit
    c.pushMatrix();
    assert.equal(gl.getError(), 0x0503, 'STACK_OVERFLOW');
    c.matrixMode(0x1234);
    assert.equal(gl.getError(), 0x0500, 'INVALID_ENUM');
  }));

  test('derived matrices: MVP = P * MV, inverses, transposes, gl_NormalMatrix (GLSL 1.10 §7.5)', () => withCompat(4, 4, (_gl, c) => {
    c.matrixMode(MODELVIEW);
    c.translate(1, 2, 3);
    c.scale(2, 4, 8);
    c.matrixMode(PROJECTION);
    c.scale(1, 1, -1);
    // MV = T * S: columns (2,0,0,0) (0,4,0,0) (0,0,8,0) (1,2,3,1)
    const mv = [2, 0, 0, 0, 0, 4, 0, 0, 0, 0, 8, 0, 1, 2, 3, 1];
    close(c.stateValue('gl_ModelViewMatrix')!, mv, 'MV');
    close(c.stateValue('gl_ModelViewProjectionMatrix')!, [2, 0, 0, 0, 0, 4, 0, 0, 0, 0, -8, 0, 1, 2, -3, 1], 'MVP');
    // (T S)^-1 = S^-1 T^-1: diagonal (1/2, 1/4, 1/8), translation -(1/2, 2/4, 3/8)
    const inv = [0.5, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0.125, 0, -0.5, -0.5, -0.375, 1];
    close(c.stateValue('gl_ModelViewMatrixInverse')!, inv, 'MV^-1');
    close(c.stateValue('gl_ModelViewMatrixTranspose')!, [2, 0, 0, 1, 0, 4, 0, 2, 0, 0, 8, 3, 0, 0, 0, 1], 'MV^T');
    close(c.stateValue('gl_ModelViewMatrixInverseTranspose')!, [0.5, 0, 0, -0.5, 0, 0.25, 0, -0.5, 0, 0, 0.125, -0.375, 0, 0, 0, 1], 'MV^-T');
    close(c.stateValue('gl_NormalMatrix')!, [0.5, 0, 0, 0, 0.25, 0, 0, 0, 0.125], 'normal matrix');
    close(c.stateValue('gl_TextureMatrix', 3)!, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 'texture matrix 3');
    close(c.stateValue('gl_DepthRange.diff')!, [1], 'depth range diff');
    assert.equal(c.stateValue('gl_NotState'), null);
  }));
});

describe('GL compatibility drawing', () => {
  const VS = '#version 110\nvoid main() { gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex; gl_FrontColor = gl_Color; }\n';
  const FS = '#version 110\nvoid main() { gl_FragColor = gl_Color; }\n';

  test('gl_ModelViewProjectionMatrix places an ortho-projected rectangle where the formula says', () => withCompat(8, 8, (gl, c) => {
    link(gl, VS, FS);
    c.matrixMode(PROJECTION);
    c.ortho(0, 8, 0, 8, -1, 1); // window coordinates = object coordinates
    c.color(0.2, 0.4, 0.6, 1); // gl_Color has no array: the current colour
    vertexArray(gl, c, [2, 3, 6, 3, 2, 7, 6, 7]); // x 2..6, y 3..7
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const rgb = [51, 102, 153, 255];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const inside = x >= 2 && x < 6 && y >= 3 && y < 7;
      assert.deepEqual(pixel(gl, x, y), inside ? rgb : [0, 0, 0, 0], `pixel ${x},${y}`);
    }
    // the model-view matrix moves it: translate by (-2, -3) puts it at x 0..4, y 0..4
    c.matrixMode(MODELVIEW);
    c.translate(-2, -3, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(pixel(gl, 0, 0), rgb);
    assert.deepEqual(pixel(gl, 3, 3), rgb);
    assert.deepEqual(pixel(gl, 4, 4), [0, 0, 0, 0]);
  }));

  test('a frustum projection divides by the eye distance', () => withCompat(8, 8, (gl, c) => {
    link(gl, VS, FS);
    c.matrixMode(PROJECTION);
    c.frustum(-1, 1, -1, 1, 1, 3);
    // a square of half-size 1 at z_eye = -2: clip (x, y, ., w=2) -> NDC half-size 0.5 -> pixels 2..6
    const b = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, -2, 1, -1, -2, -1, 1, -2, 1, 1, -2]), gl.STATIC_DRAW);
    c.arrayPointer('gl_Vertex', b, 3, gl.FLOAT, false, 0, 0);
    c.enableArray('gl_Vertex', true);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(pixel(gl, 2, 2), [255, 255, 255, 255], 'the initial current colour is white');
    assert.deepEqual(pixel(gl, 5, 5), [255, 255, 255, 255]);
    assert.deepEqual(pixel(gl, 1, 4), [0, 0, 0, 0]);
    assert.deepEqual(pixel(gl, 6, 4), [0, 0, 0, 0]);
  }));

  test('a program without a vertex shader gets fixed-function vertex processing (transform, colour)', () => withCompat(8, 8, (gl, c) => {
    link(gl, null, '#version 110\nvoid main() { gl_FragColor = gl_Color * 0.5; }\n');
    c.matrixMode(PROJECTION);
    c.ortho(0, 8, 0, 8, -1, 1);
    c.color(1, 0.4, 0.8, 1);
    vertexArray(gl, c, [0, 0, 4, 0, 0, 8, 4, 8]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(pixel(gl, 1, 1), [128, 51, 102, 128]);
    assert.deepEqual(pixel(gl, 5, 1), [0, 0, 0, 0]);
  }));

  test('a program without a fragment shader outputs the primary colour', () => withCompat(4, 4, (gl, c) => {
    link(gl, '#version 110\nvoid main() { gl_Position = gl_Vertex; gl_FrontColor = vec4(0.0, 1.0, 0.0, 1.0); }\n', null);
    vertexArray(gl, c, [-1, -1, 1, -1, -1, 1, 1, 1]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(pixel(gl, 2, 2), [0, 255, 0, 255]);
  }));

  test('GL_VERTEX_PROGRAM_TWO_SIDE: a back-facing triangle takes gl_BackColor only when enabled', () => withCompat(8, 4, (gl, c) => {
    link(gl, '#version 110\nvoid main() { gl_Position = gl_Vertex; gl_FrontColor = vec4(1.0, 0.0, 0.0, 1.0); gl_BackColor = vec4(0.0, 1.0, 0.0, 1.0);\n'
      + '  gl_FrontSecondaryColor = vec4(0.0, 0.0, 0.5, 0.0); gl_BackSecondaryColor = vec4(0.0, 0.0, 1.0, 0.0); }\n',
      '#version 110\nvoid main() { gl_FragColor = gl_Color + gl_SecondaryColor; }\n');
    // left half: counter-clockwise in window coordinates (front-facing); right half: clockwise (back-facing)
    vertexArray(gl, c, [-1, -1, 0, -1, -1, 1, /* */ 0, -1, 0, 1, 1, -1]);
    const draw = (): void => { gl.clear(gl.COLOR_BUFFER_BIT); gl.drawArrays(gl.TRIANGLES, 0, 6); };
    draw();
    assert.deepEqual(pixel(gl, 0, 0), [255, 0, 128, 255], 'front, one-sided');
    assert.deepEqual(pixel(gl, 5, 0), [255, 0, 128, 255], 'back, one-sided: still the front colours');
    c.vertexProgramTwoSide(true);
    draw();
    assert.deepEqual(pixel(gl, 0, 0), [255, 0, 128, 255], 'front, two-sided');
    assert.deepEqual(pixel(gl, 5, 0), [0, 255, 255, 255], 'back, two-sided: the back colours');
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('user clip planes: gl_ClipVertex against glClipPlane in eye coordinates, only while enabled', () => withCompat(8, 2, (gl, c) => {
    link(gl, '#version 110\nvoid main() { gl_Position = gl_Vertex; gl_ClipVertex = gl_ModelViewMatrix * gl_Vertex; gl_FrontColor = vec4(1.0); }\n',
      '#version 110\nvoid main() { gl_FragColor = gl_Color; }\n');
    vertexArray(gl, c, [-1, -1, 1, -1, -1, 1, 1, 1]);
    const row = (): number[] => [0, 1, 2, 3, 4, 5, 6, 7].map((x) => pixel(gl, x, 0)[0]!);
    const draw = (): void => { gl.clear(gl.COLOR_BUFFER_BIT); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); };
    // specified under a model-view translation by 0.5 in x: the eye-space plane is (1, 0, 0, -0.5)
    c.matrixMode(MODELVIEW);
    c.translate(0.5, 0, 0);
    c.clipPlane(0, [1, 0, 0, 0]);
    close(c.stateValue('gl_ClipPlane', 0)!, [1, 0, 0, -0.5], 'eye-space plane');
    c.loadIdentity();
    draw();
    assert.deepEqual(row(), [255, 255, 255, 255, 255, 255, 255, 255], 'not enabled: nothing clipped');
    c.enableClipPlane(0, true);
    draw();
    // kept where x_eye - 0.5 >= 0: pixel centres x = -0.875 + 0.25 k, so k = 6, 7
    assert.deepEqual(row(), [0, 0, 0, 0, 0, 0, 255, 255]);
    c.clipPlane(1, [-1, 0, 0, 0.75]); // and x <= 0.75: only k = 6 (centre 0.625)
    c.enableClipPlane(1, true);
    draw();
    assert.deepEqual(row(), [0, 0, 0, 0, 0, 0, 255, 0]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('glShadeModel(GL_FLAT): the colours come from the last vertex; other varyings stay smooth', () => withCompat(8, 8, (gl, c) => {
    link(gl, '#version 110\nvarying float v;\nvoid main() { gl_Position = gl_Vertex; gl_FrontColor = gl_Color; v = gl_Color.r; }\n',
      '#version 110\nvarying float v;\nvoid main() { gl_FragColor = vec4(gl_Color.rgb, v); }\n');
    vertexArray(gl, c, [-1, -1, 3, -1, -1, 3]); // covers the window; GL's provoking vertex is the last
    const b = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), gl.STATIC_DRAW);
    c.arrayPointer('gl_Color', b, 3, gl.FLOAT, false, 0, 0);
    c.enableArray('gl_Color', true);
    c.shadeModel(0x1d00);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    // at pixel (0, 0), centre (-0.875, -0.875): barycentrics (15/16, 1/32, 1/32), so v = red = 15/16
    assert.deepEqual(pixel(gl, 0, 0), [0, 0, 255, 239], 'flat blue, smooth v');
    assert.deepEqual(pixel(gl, 7, 0).slice(0, 3), [0, 0, 255]);
    c.shadeModel(0x1d01);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.deepEqual(pixel(gl, 0, 0), [239, 8, 8, 239], 'smooth again');
    c.shadeModel(0x1234);
    assert.equal(gl.getError(), 0x0500);
  }));

  test('built-ins stay hidden from the WebGL API; a WebGL context has no compatibility state', () => {
    withCompat(4, 4, (gl) => {
      const p = link(gl, VS, '#version 110\nuniform vec4 tint;\nvoid main() { gl_FragColor = gl_Color * tint; }\n');
      assert.equal(gl.getAttribLocation(p, 'gl_Vertex'), -1);
      assert.equal(gl.getUniformLocation(p, 'gl_ModelViewProjectionMatrix'), null);
      assert.equal(gl.getProgramParameter(p, gl.ACTIVE_ATTRIBUTES), 0);
      assert.equal(gl.getProgramParameter(p, gl.ACTIVE_UNIFORMS), 1);
      assert.equal(gl.getActiveUniform(p, 0)!.name, 'tint');
    });
    const gl = createWebGLContext(4, 4, { deterministic: true });
    try {
      assert.throws(() => glCompatibility(gl), /compatibility: true/);
      // and WebGL still requires both shaders
      const p = gl.createProgram()!;
      gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, 'void main() { gl_FragColor = vec4(1.0); }'));
      gl.linkProgram(p);
      assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
    } finally { gl.destroy(); }
  });
});
