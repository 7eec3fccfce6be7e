/**
 * copyTexImage2D and copyTexSubImage2D take texImage2D's level and size limits (ES 2.0 § 3.7.1 and
 * § 3.7.2, ES 3.0 § 3.8.3 and § 3.8.5): INVALID_VALUE for a level above log2(max) — max being
 * MAX_TEXTURE_SIZE for TEXTURE_2D, MAX_CUBE_MAP_TEXTURE_SIZE for a cube face, 4096 both here, so
 * level 12 is the last — or a width or height above max >> level; nothing is defined then.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';

for (const version of [1, 2] as const) {
  test(`copyTexImage2D / copyTexSubImage2D level and size limits (WebGL ${version})`, () => {
    const gl = createWebGLContext(4, 4, { deterministic: true, version }) as unknown as WebGL2RenderingContext;
    try {
      assert.equal(gl.getParameter(gl.MAX_TEXTURE_SIZE), 4096);
      assert.equal(gl.getParameter(gl.MAX_CUBE_MAP_TEXTURE_SIZE), 4096);
      const t = gl.createTexture(), c = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, t);
      gl.bindTexture(gl.TEXTURE_CUBE_MAP, c);
      const err = (f: () => void) => { f(); return gl.getError(); };
      // level 13: 4096 >> 13 is 0, beyond the chain
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_2D, 13, gl.RGB, 0, 0, 1, 1, 0)), gl.INVALID_VALUE);
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_CUBE_MAP_NEGATIVE_Z, 13, gl.RGB, 0, 0, 1, 1, 0)), gl.INVALID_VALUE);
      // 4097 wide at level 0; 2 wide at level 12 (4096 >> 12 = 1)
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGB, 0, 0, 4097, 1, 0)), gl.INVALID_VALUE);
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_2D, 12, gl.RGB, 0, 0, 2, 1, 0)), gl.INVALID_VALUE);
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_CUBE_MAP_POSITIVE_X, 0, gl.RGB, 0, 0, 4097, 4097, 0)), gl.INVALID_VALUE);
      // level 12 of 1 x 1 is within the limits (WebGL 1 too: 1 is a power of two)
      assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_2D, 12, gl.RGB, 0, 0, 1, 1, 0)), gl.NO_ERROR);
      if (version === 2) assert.equal(err(() => gl.copyTexImage2D(gl.TEXTURE_2D, 13, gl.RGBA8, 0, 0, 1, 1, 0)), gl.INVALID_VALUE, 'a sized format too');
      // copyTexSubImage2D into level 13 of a specified texture: the level cannot exist
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 16, 16, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      assert.equal(err(() => gl.copyTexSubImage2D(gl.TEXTURE_2D, 13, 0, 0, 0, 0, 1, 1)), gl.INVALID_VALUE);
      assert.equal(err(() => gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 0, 0, 4, 4)), gl.NO_ERROR);
    } finally { (gl as unknown as { destroy(): void }).destroy(); }
  });
}
