/**
 * The translation cache across jobs (hw/code-cache.ts): a translation is
 * found by the fetched code's bytes and reused only for the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodeCache } from '../src/hw/code-cache.js';
import { drawTriangle, TRIANGLE_FS } from '../src/umd/triangle.js';
import { withDevice } from './helpers.js';

test('CodeCache: equal bytes and salt give the value made for them; any other bytes or salt make a new one (fast-check)', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ words: fc.array(fc.integer({ min: 0, max: 3 }).map((v) => v * 0x40000001 >>> 0), { maxLength: 6 }), salt: fc.integer({ min: 0, max: 2 }) }), { maxLength: 60 }),
    fc.integer({ min: 1, max: 8 }),
    (gets, limit) => {
      const cache = new CodeCache<string>(limit);
      let made = 0;
      for (const g of gets) {
        const key = `${g.salt}:${g.words.join(',')}`;
        // the value is what it was made from: a wrong hit shows as a different key
        const v = cache.get(Uint32Array.from(g.words), g.salt, (w) => { made++; return `${g.salt}:${Array.from(w).join(',')}`; });
        assert.equal(v, key);
      }
      const distinct = new Set(gets.map((g) => `${g.salt}:${g.words.join(',')}`)).size;
      assert.ok(made >= distinct);
      if (limit >= gets.length) assert.equal(made, distinct); // nothing evicted: each distinct program made once
      assert.equal(cache.hits + cache.misses, gets.length);
    },
  ));
});

test('CodeCache keeps its own copy: changing the fetched words afterwards does not change what they match', () => {
  const cache = new CodeCache<number>();
  const w = Uint32Array.from([1, 2, 3]);
  assert.equal(cache.get(w, 0, () => 1), 1);
  w[1] = 9;
  assert.equal(cache.get(w, 0, () => 2), 2);
  assert.equal(cache.get(Uint32Array.from([1, 2, 3]), 0, () => 3), 1);
});

test('a shader is translated once across jobs; other code is translated afresh', () => {
  withDevice({ deterministic: true }, (dev, m) => {
    const programs = m.gpu!.cp.programs;
    const first = drawTriangle(dev, { width: 32, height: 32 });
    const misses = programs.misses;
    assert.equal(misses, 2); // the vertex and the fragment shader
    // the same code, fetched from new buffers at other addresses: both found by their bytes
    const again = drawTriangle(dev, { width: 32, height: 32 });
    assert.equal(programs.misses, misses);
    assert.ok(programs.hits >= 2);
    assert.deepEqual(again.pixels, first.pixels);
    // a different fragment shader (blue = red): a new translation, and its pixels
    const swapped = drawTriangle(dev, { width: 32, height: 32, fs: TRIANGLE_FS.replace('st_out rt0.z, r2', 'st_out rt0.z, r0') });
    assert.equal(programs.misses, misses + 1);
    let differ = 0;
    for (let i = 0; i < first.pixels.length; i += 4) {
      assert.equal(swapped.pixels[i + 2], first.pixels[i]); // blue now carries red
      if (swapped.pixels[i + 2] !== first.pixels[i + 2]) differ++;
    }
    assert.ok(differ > 0);
  });
});
