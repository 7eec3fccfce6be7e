/** A corrupted pointer faults the GPU at exactly that address; the device keeps working (the faulting queue is banned). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle } from '../src/umd/triangle.js';
import { ACCESS } from '../src/hwdesc/regs.js';
import { withMachine, MODES, FIRMWARES } from './helpers.js';
import { UmdDevice } from '../src/umd/device.js';

for (const mode of MODES) {
  for (const fw of FIRMWARES) {
    test(`corrupt attribute pointer faults at that address, next job renders (${mode.name}, fw ${fw})`, () => {
      withMachine({ ...mode.opts, firmware: fw }, (m) => {
        const dev = new UmdDevice(m.spawn());
        const good = drawTriangle(dev);
        const bad = drawTriangle(dev, { corrupt: 'attribute' });
        assert.equal(bad.status, 'fault');
        assert.equal(bad.result.fault_addr, 0xdead0000);
        assert.equal(ACCESS[bad.result.fault_access as 0], 'read');
        // the fault was reported through the event ring and counted by the firmware
        assert.ok(m.driver.faults.some((f) => f.addr === 0xdead0000));
        assert.equal(m.driver.firmwareStats().jobs_faulted, 1);
        // the queue is banned (Panthor: a group in a fatal state): ECANCELED until the context makes a new one
        assert.equal(dev.state(), 'guilty_fault');
        assert.throws(() => drawTriangle(dev), /AKARI_SUBMIT: ECANCELED/);
        dev.replaceQueue();
        assert.equal(dev.state(), 'innocent');
        const after = drawTriangle(dev);
        assert.equal(after.status, 'complete');
        assert.deepEqual(after.pixels, good.pixels);
      });
    });
  }
}

test('a shader pointer into unmapped memory faults on instruction fetch', () => {
  withMachine({ deterministic: true }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const bad = drawTriangle(dev, { corrupt: 'shader' });
    assert.equal(bad.status, 'fault');
    assert.equal(bad.result.fault_addr, 0xbad000);
  });
});

test('a faulting job in one process does not disturb another process', () => {
  withMachine({ deterministic: true }, (m) => {
    const a = new UmdDevice(m.spawn());
    const b = new UmdDevice(m.spawn());
    const ref = drawTriangle(b);
    assert.equal(drawTriangle(a, { corrupt: 'attribute' }).status, 'fault');
    const again = drawTriangle(b);
    assert.equal(again.status, 'complete');
    assert.deepEqual(again.pixels, ref.pixels);
  });
});
