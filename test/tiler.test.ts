/** The tiler heap: exhaustion causes partial renders that still produce the right image. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle } from '../src/umd/triangle.js';
import { withDevice, FIRMWARES } from './helpers.js';

for (const fw of FIRMWARES) {
  test(`a heap too small for the frame renders in partial passes, same pixels (fw ${fw})`, () => {
    const ref = withDevice({ deterministic: true, firmware: fw }, (dev) => drawTriangle(dev, { copies: 10 }));
    assert.equal(ref.status, 'complete');
    withDevice({ deterministic: true, firmware: fw }, (dev, m) => {
      // one binned triangle over 64 tiles needs ~8.3 KiB of records and chunks: a 16 KiB heap holds one
      const run = drawTriangle(dev, { copies: 10, heapSize: 16384 });
      assert.equal(run.status, 'complete');
      assert.deepEqual(run.pixels, ref.pixels);
      const partials = m.driver.firmwareStats().partial_renders!;
      assert.ok(partials >= 5, `partial renders: ${partials}`);
      if (fw === 'v2') assert.equal(run.result.partial_renders, partials);
    });
  });
}

test('a heap too small for even one primitive faults the job, and only it', () => {
  withDevice({ deterministic: true }, (dev) => {
    // 1024x1024: the tile table (1024 tiles) fits in 16 KiB, but the triangle touches ~670 tiles
    // and needs a chunk in each: it can never be binned, even after a partial render
    const bad = drawTriangle(dev, { heapSize: 16384, width: 1024, height: 1024 });
    assert.equal(bad.status, 'fault');
    // the faulting queue is banned; a new one on the same VM renders
    assert.equal(dev.state(), 'guilty_fault');
    dev.replaceQueue();
    const good = drawTriangle(dev);
    assert.equal(good.status, 'complete');
  });
});

test('the kernel refuses a heap smaller than the tile table', () => {
  withDevice({ deterministic: true }, (dev) => {
    assert.throws(() => drawTriangle(dev, { heapSize: 16384, width: 2048, height: 2048 }), /AKARI_SUBMIT: EINVAL/);
  });
});
