/**
 * The shader core's uniform preload (SHADER uniform_ranges, hwdesc UNIFORM_RANGE): before a
 * draw's warps run, the core reads the SHADER's uniform buffer into u0.. and then each range's
 * words from its address — through the MMU, in the job's address space — over the words the
 * range names. A range that does not fit the uniform buffer faults the draw at the range's
 * descriptor; an unmapped address faults at that address. The GLSL uniform blocks of WebGL 2
 * reach the hardware this way (test/webgl/uniform-blocks.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle } from '../src/umd/triangle.js';
import { UmdDevice } from '../src/umd/device.js';
import { f32ToBits } from '../src/base/bits.js';
import { withMachine } from './helpers.js';

/** the fragment colour is u0, u1, u2, u4 (u3 is left out: a word the range writes but nobody reads) */
const FS = `
st_out rt0.x, u0
st_out rt0.y, u1
st_out rt0.z, u2
st_out rt0.w, u4
end
`;
const W = 32, H = 32;
const centre = (px: Uint8Array) => Array.from(px.subarray(((H / 2) * W + W / 2) * 4, ((H / 2) * W + W / 2) * 4 + 4));

test('a range preloads buffer words over the uniform buffer; faults at a range past uniform_count and at an unmapped address', () => {
  withMachine({ deterministic: true }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const ubo = dev.createBo(4096, 'r');
    ubo.write(256, new Float32Array([0.2, 0.4, 0.6, 0.8]));
    // the uniform buffer holds 1.0 everywhere; the range replaces u0..u3 with the buffer's words at 256
    const words = new Array(8).fill(f32ToBits(1));
    const ok = drawTriangle(dev, { width: W, height: H, fs: FS, fsUniforms: { words, ranges: [{ address: ubo.va + 256, uniform: 0, words: 4 }] } });
    assert.equal(ok.status, 'complete');
    // 0.2, 0.4, 0.6 of 255 = 51, 102, 153; u4 is the uniform buffer's 1.0 -> 255
    assert.deepEqual(centre(ok.pixels), [51, 102, 153, 255]);

    // u6..u9 do not fit 8 words: the draw faults at the UNIFORM_RANGE descriptor
    const past = drawTriangle(dev, { width: W, height: H, fs: FS, fsUniforms: { words, ranges: [{ address: ubo.va, uniform: 6, words: 4 }] } });
    assert.equal(past.status, 'fault');
    assert.equal(past.result.fault_addr, past.addresses.uniformRanges);
    dev.replaceQueue();

    // a range from an address nothing maps
    const unmapped = drawTriangle(dev, { width: W, height: H, fs: FS, fsUniforms: { words, ranges: [{ address: 0xdead0000, uniform: 0, words: 4 }] } });
    assert.equal(unmapped.status, 'fault');
    assert.equal(unmapped.result.fault_addr, 0xdead0000);
    dev.replaceQueue();

    // the device goes on: the same good draw again
    assert.deepEqual(centre(drawTriangle(dev, { width: W, height: H, fs: FS, fsUniforms: { words, ranges: [{ address: ubo.va + 256, uniform: 0, words: 4 }] } }).pixels), [51, 102, 153, 255]);
  });
});
