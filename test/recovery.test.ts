/**
 * The firmware trusts what it reads. Emulating a kernel bug (a submit-ring
 * entry pointing at unmapped kernel memory) makes it crash; the kernel sees
 * FW_CRASH, resets the GPU, reboots the firmware, and work continues.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle } from '../src/umd/triangle.js';
import { withMachine, MODES } from './helpers.js';
import { UmdDevice } from '../src/umd/device.js';
import { FwView, RING, RING_HEADER_SIZE, SUBMIT_ENTRY, layoutOf } from '../src/hwdesc/fwabi.js';
import { FwStatus, KERNEL_VA_BASE, REG } from '../src/hwdesc/regs.js';

for (const mode of MODES) {
  test(`a firmware crash is recovered by reset and reboot (${mode.name})`, () => {
    withMachine(mode.opts, (m) => {
      const dev = new UmdDevice(m.spawn());
      const before = drawTriangle(dev);
      // white-box: write a bogus command into the submit ring, as a buggy kernel would
      const drv = m.driver as unknown as { rings: { submit: { pa: number } }; fwVersion: 'v1' | 'v2' };
      const ring = new FwView(m.bus.mem, layoutOf(RING, drv.fwVersion), drv.rings.submit.pa);
      const tail = ring.get('tail');
      const e = new FwView(m.bus.mem, layoutOf(SUBMIT_ENTRY, drv.fwVersion), drv.rings.submit.pa + RING_HEADER_SIZE + (tail % ring.get('entries')) * ring.get('entry_size'));
      e.set('cmd_type', 1);
      e.set('cmd', KERNEL_VA_BASE + 2 ** 44);
      ring.set('tail', tail + 1);
      m.bus.writeReg(REG.DOORBELL, 1);
      const deadline = Date.now() + 30000;
      while (m.driver.counters.recoveries === 0 && Date.now() < deadline) m.driver.waitProgress(Number(process.hrtime.bigint()) + 20e6);
      assert.equal(m.driver.counters.recoveries, 1);
      assert.equal(m.bus.readReg(REG.FW_STATUS), FwStatus.RUNNING);
      const after = drawTriangle(dev);
      assert.equal(after.status, 'complete');
      assert.deepEqual(after.pixels, before.pixels);
    });
  });
}
