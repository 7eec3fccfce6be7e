/**
 * WebIDL conversions at every WebGL entry point (bindings.ts, from the IDL
 * in idl.ts). The expectations are WebIDL's rules (§ 3.2 "JavaScript type
 * mapping", § 3.6 overload resolution) applied by hand to each case:
 *   long (GLint, GLsizei)        ToInt32:  NaN -> 0, 2.5 -> 2, -2.5 -> -2, "3" -> 3, 2^32 + 5 -> 5
 *   unsigned long (GLenum, ...)  ToUint32: -1 -> 4294967295, 2^32 + x -> x
 *   long long (GLintptr, ...)    truncation, NaN -> 0
 *   unrestricted float           ToNumber then to float32 ("0.5" -> 0.5)
 *   interface T                  not a T -> TypeError; null -> TypeError unless declared T?
 *   Float32List / Int32List      typed array, or any iterable converted element-wise; else TypeError
 *   fewer arguments than the shortest overload takes -> TypeError; BigInt/Symbol where a number is declared -> TypeError
 * After conversion nothing reaches the hardware packers but integers where
 * integers are declared: drawArrays(TRIANGLES, 0, NaN) draws nothing and
 * loses nothing (it used to throw at the next flush and lose the pass).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIdl, WEBGL1_IDL } from '../../src/webgl/idl.js';
import { at, program, read, withGl } from './helpers.js';

const VS = 'attribute vec2 p; void main() { gl_Position = vec4(p, 0, 1); }';
const FS = 'precision mediump float; uniform vec4 c; void main() { gl_FragColor = c; }';

/** A full-viewport quad in attribute 0, program with uniform c bound and set to opaque green. */
function setup(gl: WebGLRenderingContext): { prog: WebGLProgram; loc: WebGLUniformLocation } {
  const prog = program(gl, VS, FS, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
  const loc = gl.getUniformLocation(prog, 'c')!;
  gl.uniform4f(loc, 0, 1, 0, 1);
  return { prog, loc };
}

test('drawArrays(TRIANGLES, 0, NaN / 0.5 / "3") converts the count (ToInt32) and never loses the pass', () => withGl(4, 4, (gl) => {
  setup(gl);
  gl.clearColor(1, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLES, 0, NaN); // count 0: nothing
  gl.drawArrays(gl.TRIANGLES, 0, 0.5); // count 0
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(at(read(gl, 4, 4), 4, 1, 1), [255, 0, 0, 255], 'nothing drawn, the clear survived the flush');
  gl.drawArrays(gl.TRIANGLES, 0, '6' as unknown as number); // "6" -> 6: both triangles
  assert.deepEqual(at(read(gl, 4, 4), 4, 1, 1), [0, 255, 0, 255]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('vertexAttribPointer(0, 2.5, FLOAT, 0, 0, NaN): size ToInt32 -> 2, normalized ToBoolean, offset -> 0; the draw works', () => withGl(4, 4, (gl) => {
  setup(gl);
  gl.vertexAttribPointer(0, 2.5, gl.FLOAT, 0 as unknown as boolean, 0, NaN);
  assert.equal(gl.getVertexAttrib(0, gl.VERTEX_ATTRIB_ARRAY_SIZE), 2);
  assert.equal(gl.getVertexAttrib(0, gl.VERTEX_ATTRIB_ARRAY_NORMALIZED), false);
  assert.equal(gl.getVertexAttribOffset(0, gl.VERTEX_ATTRIB_ARRAY_POINTER), 0);
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  assert.deepEqual(at(read(gl, 4, 4), 4, 2, 2), [0, 255, 0, 255]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('integer conversions observed through state: ToInt32, ToUint32, float', () => withGl(4, 4, (gl) => {
  gl.viewport(0.5, 1.9, '3' as unknown as number, -2.5 + 2 ** 32 + 4); // x 0, y 1, w 3, h ToInt32(2^32 + 1.5) = 1
  assert.deepEqual(Array.from(gl.getParameter(gl.VIEWPORT) as Int32Array), [0, 1, 3, 1]);
  gl.enable(gl.BLEND + 2 ** 32); // ToUint32 wraps to BLEND
  assert.equal(gl.isEnabled(gl.BLEND), true);
  gl.stencilMask(-1); // ToUint32(-1)
  assert.equal(gl.getParameter(gl.STENCIL_WRITEMASK), 4294967295);
  gl.clearColor('0.5' as unknown as number, 0.1, 0, 1); // unrestricted float: float32 values
  assert.deepEqual(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array), [0.5, Math.fround(0.1), 0, 1]);
  gl.lineWidth(true as unknown as number); // ToNumber(true) = 1
  assert.equal(gl.getParameter(gl.LINE_WIDTH), 1);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('sequences convert element-wise to typed arrays; what is not a sequence is a TypeError', () => withGl(4, 4, (gl) => {
  const { loc } = setup(gl);
  gl.uniform4fv(loc, ['0', 0, '1', 1] as unknown as number[]); // sequence<unrestricted float>: blue
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  assert.deepEqual(at(read(gl, 4, 4), 4, 1, 1), [0, 0, 255, 255]);
  gl.uniform4fv(loc, [1, 0, 1, 1].values() as unknown as number[]); // any iterable (here an array iterator): magenta
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  assert.deepEqual(at(read(gl, 4, 4), 4, 1, 1), [255, 0, 255, 255]);
  assert.throws(() => gl.uniform4fv(loc, {} as unknown as number[]), TypeError);
  assert.throws(() => gl.uniform1iv(loc, 3 as unknown as number[]), TypeError);
  assert.throws(() => gl.vertexAttrib4fv(0, null as unknown as number[]), TypeError);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('interface types: the wrong object or null where not nullable is a TypeError; T? takes null and undefined', () => withGl(4, 4, (gl) => {
  const p = gl.createProgram()!, s = gl.createShader(gl.VERTEX_SHADER)!, b = gl.createBuffer()!;
  assert.throws(() => gl.attachShader(p, null as unknown as WebGLShader), /parameter 2 is not of type 'WebGLShader'/);
  assert.throws(() => gl.attachShader(p, b as unknown as WebGLShader), TypeError);
  assert.throws(() => gl.compileShader({} as WebGLShader), TypeError);
  assert.throws(() => gl.getProgramParameter(undefined as unknown as WebGLProgram, gl.LINK_STATUS), TypeError);
  assert.throws(() => gl.bindBuffer(gl.ARRAY_BUFFER, p as unknown as WebGLBuffer), TypeError);
  gl.bindBuffer(gl.ARRAY_BUFFER, undefined as unknown as null); // nullable: unbinds
  assert.equal(gl.getParameter(gl.ARRAY_BUFFER_BINDING), null);
  gl.useProgram(null);
  assert.equal(gl.isBuffer(null), false);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('overloads: bufferData by its second argument, texImage2D and texSubImage2D by count; ArrayBufferView? and BufferSource', () => withGl(4, 4, (gl) => {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, 16, gl.STATIC_DRAW);
  assert.equal(gl.getBufferParameter(gl.ARRAY_BUFFER, gl.BUFFER_SIZE), 16);
  gl.bufferData(gl.ARRAY_BUFFER, '12' as unknown as number, gl.STATIC_DRAW); // a primitive: the size overload
  assert.equal(gl.getBufferParameter(gl.ARRAY_BUFFER, gl.BUFFER_SIZE), 12);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(2), gl.STATIC_DRAW);
  assert.equal(gl.getBufferParameter(gl.ARRAY_BUFFER, gl.BUFFER_SIZE), 8);
  gl.bufferData(gl.ARRAY_BUFFER, new ArrayBuffer(20), gl.STATIC_DRAW);
  assert.equal(gl.getBufferParameter(gl.ARRAY_BUFFER, gl.BUFFER_SIZE), 20);
  gl.bufferData(gl.ARRAY_BUFFER, {} as unknown as number, gl.STATIC_DRAW); // another object: the numeric fallback, ToNumber({}) = NaN -> 0
  assert.equal(gl.getBufferParameter(gl.ARRAY_BUFFER, gl.BUFFER_SIZE), 0);
  gl.bufferData(gl.ARRAY_BUFFER, null, gl.STATIC_DRAW); // BufferSource? null: WebGL's INVALID_VALUE, not a TypeError
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  assert.throws(() => gl.bufferSubData(gl.ARRAY_BUFFER, 0, null as unknown as BufferSource), TypeError);
  assert.throws(() => gl.bufferSubData(gl.ARRAY_BUFFER, 0, [1, 2] as unknown as BufferSource), TypeError);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  const tex = gl.texImage2D as unknown as (...a: unknown[]) => void;
  assert.throws(() => tex.call(gl, gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA), /no overload takes 7 arguments/);
  assert.throws(() => tex.call(gl, gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, {}), TypeError);
  assert.throws(() => tex.call(gl, gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, [1, 2, 3, 4]), /ArrayBufferView/);
  tex.call(gl, gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, undefined); // ArrayBufferView?: undefined is null
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.throws(() => (gl.readPixels as unknown as (...a: unknown[]) => void).call(gl, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE), /7 arguments required, but only 6 present/);
}));

test('missing arguments, BigInt and Symbol are TypeErrors; extension entry points are bound too', () => withGl(4, 4, (gl) => {
  assert.throws(() => (gl.drawArrays as unknown as (...a: unknown[]) => void).call(gl, gl.TRIANGLES, 0), /3 arguments required, but only 2 present/);
  assert.throws(() => gl.enable(1n as unknown as number), TypeError);
  assert.throws(() => gl.getExtension(Symbol('x') as unknown as string), TypeError);
  const ext = gl.getExtension('ANGLE_instanced_arrays')!;
  assert.throws(() => (ext.vertexAttribDivisorANGLE as unknown as (...a: unknown[]) => void)(0), TypeError);
  setup(gl);
  ext.drawArraysInstancedANGLE(gl.TRIANGLES, 0, NaN, 1); // count 0
  ext.drawArraysInstancedANGLE(gl.TRIANGLES, 0, 6, '1' as unknown as number);
  assert.deepEqual(at(read(gl, 4, 4), 4, 1, 1), [0, 255, 0, 255]);
  const vao = gl.getExtension('OES_vertex_array_object')!;
  assert.throws(() => vao.bindVertexArrayOES({} as WebGLVertexArrayObjectOES), TypeError);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('every IDL entry point: one argument short is a TypeError; each interface argument rejects a foreign object', () => withGl(2, 2, (gl) => {
  const ops = parseIdl(WEBGL1_IDL);
  const shortest = new Map<string, number>();
  for (const op of ops) shortest.set(op.name, Math.min(shortest.get(op.name) ?? Infinity, op.args.length));
  const g = gl as unknown as Record<string, (...a: unknown[]) => unknown>;
  let checked = 0;
  for (const [name, n] of shortest) {
    if (n === 0) continue;
    assert.throws(() => g[name]!.apply(gl, new Array(n - 1).fill(0)), TypeError, name);
    checked++;
  }
  for (const op of ops) {
    if (shortest.get(op.name) !== op.args.length || ops.filter((o) => o.name === op.name).length > 1) continue;
    op.args.forEach((a, i) => {
      if (!a.type.startsWith('WebGL')) return;
      const args: unknown[] = op.args.map(() => 0);
      args[i] = { notA: a.type };
      assert.throws(() => g[op.name]!.apply(gl, args), TypeError, `${op.name} parameter ${i + 1}`);
      checked++;
    });
  }
  assert.ok(checked > 150, `${checked} cases`);
}));

test('fuzz: any arguments to any entry point give a value, a GL error or a TypeError — never another exception — and the context keeps working', () => withGl(4, 4, (gl) => {
  const ops = parseIdl(WEBGL1_IDL).map((o) => o.name).filter((n) => n !== 'finish' && n !== 'flush');
  const objects = [gl.createBuffer(), gl.createTexture(), gl.createProgram(), gl.createShader(gl.FRAGMENT_SHADER), gl.createFramebuffer(), gl.createRenderbuffer()];
  const junk = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 0.5, 2.5, 2 ** 31, 2 ** 32 + 3, -(2 ** 40), '3', '', 'x', true, null, undefined, {}, [], [1, 2], new Float32Array(4), new Uint8Array(16), new ArrayBuffer(8)),
    fc.constantFrom(...objects),
    fc.constantFrom(gl.TRIANGLES, gl.TEXTURE_2D, gl.ARRAY_BUFFER, gl.RGBA, gl.UNSIGNED_BYTE, gl.FLOAT, gl.FRAMEBUFFER, gl.COLOR_BUFFER_BIT, 1, 2, 4),
  );
  const g = gl as unknown as Record<string, (...a: unknown[]) => unknown>;
  fc.assert(fc.property(fc.constantFrom(...ops), fc.array(junk, { maxLength: 10 }), (name, args) => {
    try { g[name]!.apply(gl, args); } catch (e) {
      if (!(e instanceof TypeError)) throw new Error(`${name}(${args.map((a) => typeof a).join(', ')}) threw ${(e as Error).stack}`);
    }
  }), { numRuns: 600, seed: 15 });
  while (gl.getError() !== gl.NO_ERROR) { /* drain */ }
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.disable(gl.SCISSOR_TEST);
  gl.colorMask(true, true, true, true);
  gl.clearColor(0, 0, 1, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  assert.deepEqual(at(read(gl, 4, 4), 4, 0, 0), [0, 0, 255, 255]);
}));

test('operations are enumerable data properties of the prototype (WebIDL § 3.7.6): for-in over a context lists every entry point', () => withGl(1, 1, (gl) => {
  // conformance/more/util.js wraps a context with `for (var i in gl) if (typeof gl[i] == 'function') ...`;
  // in a browser that finds all 100+ operations, so Akari's must be found the same way
  const listed = new Set<string>();
  for (const k in gl) listed.add(k);
  const ops = [...new Set(parseIdl(WEBGL1_IDL).map((o) => o.name))];
  assert.ok(ops.length > 100, `${ops.length} operations in the IDL`);
  for (const name of ops) {
    const d = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(gl), name);
    assert.ok(d && typeof d.value === 'function' && d.enumerable && d.writable && d.configurable, `${name}: ${JSON.stringify(d && { enumerable: d.enumerable, writable: d.writable })}`);
    assert.ok(listed.has(name), `for-in misses ${name}`);
  }
}));

test('a context shows a page nothing but WebGL 1.0: its enumerable non-function properties are constants and attributes', () => withGl(1, 1, (gl) => {
  // constants-and-properties.html fails on any other enumerable property whose value is not a function
  const extra: string[] = [];
  for (const k in gl) {
    const v = (gl as unknown as Record<string, unknown>)[k];
    if (typeof v === 'function') continue;
    if (/^[A-Z][A-Z0-9_]*$/.test(k) && typeof v === 'number') continue;
    // the attributes of WebGL 1.0's current IDL (the colour-space pair came after the 1.0.3 suite)
    if (['canvas', 'drawingBufferWidth', 'drawingBufferHeight', 'drawingBufferColorSpace', 'unpackColorSpace'].includes(k)) continue;
    extra.push(k);
  }
  assert.deepEqual(extra, []);
}));
