/**
 * README.md's limits and extensions section is the one src/tools/limits.ts
 * prints from the tables getParameter and getExtension answer from; and the
 * tables agree with a live context (every limit row is what getParameter
 * returns, every extension row is offered and enabled by getExtension).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BEGIN, END, limitsMarkdown } from '../src/tools/limits.js';
import { PARAMS } from '../src/webgl/get.js';
import { supportedExtensions } from '../src/webgl/extensions.js';
import { withGl } from './webgl/helpers.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

test('README.md holds the limits and extensions section as the tables print it', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const a = readme.indexOf(BEGIN), b = readme.indexOf(END);
  assert.ok(a >= 0 && b > a, 'the markers are in README.md');
  assert.equal(readme.slice(a, b + END.length), limitsMarkdown());
});

for (const version of [1, 2] as const) {
  test(`a WebGL ${version} context answers the limit rows and offers the extension rows`, () => withGl(1, 1, (gl) => {
    assert.deepEqual(gl.getSupportedExtensions(), supportedExtensions(version).map((e) => e.name));
    // enabled first: an extension's limit (MAX_TEXTURE_MAX_ANISOTROPY_EXT) answers only once it is
    for (const e of supportedExtensions(version)) assert.ok(gl.getExtension(e.name), e.name);
    for (const p of PARAMS.filter((r) => r.limit)) {
      if (p.ext && !supportedExtensions(version).some((e) => e.name === p.ext)) continue;
      const got = gl.getParameter(p.pname);
      if (p.apis && !p.apis.includes(version)) {
        // a row of the other version: WebGL 1 has no WebGL 2 limit (INVALID_ENUM), unless another row answers it
        if (!PARAMS.some((q) => q.pname === p.pname && (!q.apis || q.apis.includes(version)))) { assert.equal(got, null, p.name); assert.equal(gl.getError(), gl.INVALID_ENUM, p.name); }
        continue;
      }
      const want = p.get(undefined as never);
      assert.deepEqual(typeof got === 'object' ? Array.from(got as ArrayLike<number>) : got, typeof want === 'object' ? Array.from(want as ArrayLike<number>) : want, p.name);
    }
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { version }));
}
