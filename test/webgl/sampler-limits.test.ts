/**
 * Samplers per stage (ES 2.0 § 2.10.4, ES 3.0 § 2.11.7): a program whose vertex or fragment shader
 * uses more samplers than MAX_VERTEX_TEXTURE_IMAGE_UNITS / MAX_TEXTURE_IMAGE_UNITS fails to link,
 * with an info log that says so; as many as the limit link. Only active samplers count: one more
 * declared and never read is no error. Every sampler the code refers to before optimisation takes a
 * slot of the stage's texture table, which the SHADER descriptor's 5-bit texture_count bounds to 31:
 * beyond that a program fails to link even when dead-code removal leaves fewer active samplers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGl } from './helpers.js';

/** Links `vs` and `fs`: the link status and info log. */
function link(gl: WebGLRenderingContext, vs: string, fs: string): { ok: boolean; log: string } {
  const p = gl.createProgram()!;
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? '');
    gl.attachShader(p, s);
  }
  gl.linkProgram(p);
  return { ok: !!gl.getProgramParameter(p, gl.LINK_STATUS), log: gl.getProgramInfoLog(p) ?? '' };
}

/** `n` sampler uniforms s0..s(n-1), the first `used` of them read: declarations and a sum of texture2D reads. */
function samplers(n: number, used: number, lod = false): { decl: string; sum: string } {
  const decl = Array.from({ length: n }, (_, i) => `uniform sampler2D s${i};`).join('\n');
  const sum = Array.from({ length: used }, (_, i) => lod ? `texture2DLod(s${i}, vec2(0.5), 0.0)` : `texture2D(s${i}, vec2(0.5))`).join(' + ') || 'vec4(0.0)';
  return { decl, sum };
}
const PLAIN_VS = 'attribute vec4 p; void main() { gl_Position = p; }';
const PLAIN_FS = 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }';

test('a stage using more samplers than its texture image units fails to link and says which limit', () => withGl(1, 1, (gl) => {
  const units = gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS) as number, vunits = gl.getParameter(gl.MAX_VERTEX_TEXTURE_IMAGE_UNITS) as number;
  assert.equal(units, 16);
  assert.equal(vunits, 16);
  const fs = (n: number, used: number) => { const s = samplers(n, used); return `precision mediump float;\n${s.decl}\nvoid main() { gl_FragColor = ${s.sum}; }`; };
  assert.ok(link(gl, PLAIN_VS, fs(units, units)).ok, 'as many as MAX_TEXTURE_IMAGE_UNITS');
  assert.ok(link(gl, PLAIN_VS, fs(units + 1, units)).ok, 'one more declared but not read: not active');
  const over = link(gl, PLAIN_VS, fs(units + 1, units + 1));
  assert.equal(over.ok, false);
  assert.match(over.log, /fragment shader uses 17 samplers, more than MAX_TEXTURE_IMAGE_UNITS \(16\)/);
  const vs = (n: number) => { const s = samplers(n, n, true); return `attribute vec4 p;\n${s.decl}\nvoid main() { gl_Position = p + ${s.sum}; }`; };
  assert.ok(link(gl, vs(vunits), PLAIN_FS).ok, 'as many as MAX_VERTEX_TEXTURE_IMAGE_UNITS');
  const vover = link(gl, vs(vunits + 1), PLAIN_FS);
  assert.equal(vover.ok, false);
  assert.match(vover.log, /vertex shader uses 17 samplers, more than MAX_VERTEX_TEXTURE_IMAGE_UNITS \(16\)/);
  // 32 referred to, one left active by the optimiser (z > 1.0 is false once z = 0.0 is propagated): within
  // the units, but beyond the 31 slots of the hardware's texture table
  const dead = (n: number) => {
    const s = samplers(n, 0);
    const rest = Array.from({ length: n - 1 }, (_, i) => `texture2D(s${i + 1}, vec2(0.5))`).join(' + ');
    return `precision mediump float;\n${s.decl}\nvoid main() { gl_FragColor = texture2D(s0, vec2(0.5)); float z = 0.0; if (z > 1.0) gl_FragColor += ${rest}; }`;
  };
  const table = link(gl, PLAIN_VS, dead(32));
  assert.equal(table.ok, false);
  assert.match(table.log, /refers to 32 samplers .*: the hardware's texture table holds 31/);
  assert.ok(link(gl, PLAIN_VS, dead(31)).ok, '31 fit the table');
}));
