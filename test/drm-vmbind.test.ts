/** VM_BIND: several ops in one call, partial unmaps, in/out syncs, old struct size; firmware ABI differences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { AKARI_BIND_READ, AKARI_BIND_UNBIND, AKARI_BIND_WRITE, AKARI_IOCTL, DRM_AKARI_VM_BIND_V1_SIZE, drm_akari_vm_bind_op } from '../src/uapi/akari.js';
import { writeStruct } from '../src/uapi/cstruct.js';
import { IOWR, iocNr } from '../src/uapi/ioctl.js';
import { FW_STRUCTS, FW_VERSIONS, layoutOf } from '../src/hwdesc/fwabi.js';
import { withMachine, FIRMWARES } from './helpers.js';
import { errnoOf, openNode, PAGE } from './drm-helpers.js';

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`VM_BIND: several ops per call, partial unmaps, references (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const d = openNode(m, 'renderD128');
      const base = d.akariParams().vm_user_start!;
      const vm = d.akariVmCreate();
      const h = d.akariGemCreate(4 * PAGE);
      const g = d.akariGemCreate(PAGE);
      const RW = AKARI_BIND_READ | AKARI_BIND_WRITE;
      d.akariVmBind(vm, [
        { flags: RW, handle: h, offset: 0, range: 4 * PAGE, addr: base },
        { flags: AKARI_BIND_READ, handle: g, offset: 0, range: PAGE, addr: base + 8 * PAGE },
        { flags: AKARI_BIND_READ, handle: h, offset: 2 * PAGE, range: 2 * PAGE, addr: base + 16 * PAGE },
      ]);
      // punch a hole in the middle of the first mapping, then map g into it, in one call
      d.akariVmBind(vm, [
        { flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: PAGE, addr: base + PAGE },
        { flags: RW, handle: g, offset: 0, range: PAGE, addr: base + PAGE },
      ]);
      // the pieces still hold the objects: closing handles frees nothing
      const gem = m.driver.liveObjects().gem!;
      d.gemClose(h); d.gemClose(g);
      assert.equal(m.driver.liveObjects().gem, gem);
      // overlapping the kept pieces is EEXIST
      const k = d.akariGemCreate(PAGE);
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: RW, handle: k, offset: 0, range: PAGE, addr: base + 3 * PAGE }])), Errno.EEXIST);
      // unbinding a range with nothing in it is fine; unbind with a handle or permissions is EINVAL
      d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: PAGE, addr: base + 40 * PAGE }]);
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: k, offset: 0, range: PAGE, addr: base }])), Errno.EINVAL);
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND | AKARI_BIND_READ, handle: 0, offset: 0, range: PAGE, addr: base }])), Errno.EINVAL);
      // unmapping everything drops the last references
      d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: 32 * PAGE, addr: base }]);
      assert.equal(m.driver.liveObjects().gem, gem - 1, 'h and g are gone, k remains');
      // a larger stride with a zero tail is accepted, a non-zero tail refused
      d.akariVmBind(vm, [{ flags: RW, handle: k, offset: 0, range: PAGE, addr: base }], drm_akari_vm_bind_op.size + 8);
      const raw = new Uint8Array(drm_akari_vm_bind_op.size + 8);
      writeStruct(drm_akari_vm_bind_op, { flags: RW, handle: k, offset: 0, range: PAGE, addr: base + PAGE }, raw);
      raw[raw.length - 1] = 1;
      assert.equal(errnoOf(() => d.withArray(raw, (p) => d.ioctl(AKARI_IOCTL.VM_BIND, { vm_id: vm, num_binds: 1, stride: raw.length, userptr: p }))), Errno.EINVAL);
      assert.equal(errnoOf(() => d.ioctl(AKARI_IOCTL.VM_BIND, { vm_id: vm, num_binds: 0, stride: drm_akari_vm_bind_op.size, userptr: 0 })), Errno.EINVAL);
    });
  });

  test(`VM_BIND: in/out syncs and the first (24-byte) struct version (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const d = openNode(m, 'renderD128');
      const base = d.akariParams().vm_user_start!;
      const vm = d.akariVmCreate();
      const h = d.akariGemCreate(PAGE);
      const inS = d.syncobjCreate(true);
      const out = d.syncobjCreate();
      const tl = d.syncobjCreate();
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base }], undefined, [inS], [out, { handle: tl, point: 2 }]);
      assert.equal(d.syncobjWait([out], 0), 0, 'out-sync signalled once the bind is done');
      assert.deepEqual(d.syncobjQuery([tl]), [2]);
      // an in-sync without a fence is EINVAL and binds nothing
      const empty = d.syncobjCreate();
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + PAGE }], undefined, [empty])), Errno.EINVAL);
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + PAGE }], undefined, [], [99])), Errno.ENOENT);
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + PAGE }]);
      // an old client passing the 24-byte struct (no sync fields): zero-extended
      const op = writeStruct(drm_akari_vm_bind_op, { flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + 2 * PAGE });
      d.withArray(op, (p) => d.withArray(writeStruct(AKARI_IOCTL.VM_BIND.struct, { vm_id: vm, num_binds: 1, stride: op.length, userptr: p }).subarray(0, DRM_AKARI_VM_BIND_V1_SIZE), (argp) => {
        const req = IOWR(iocNr(AKARI_IOCTL.VM_BIND.request), DRM_AKARI_VM_BIND_V1_SIZE);
        assert.equal(d.sys.ioctl(d.fd, req, argp), 0);
        // shorter still: zero-extended as drm_ioctl does, so the missing user pointer reads as NULL
        assert.equal(d.sys.ioctl(d.fd, IOWR(iocNr(AKARI_IOCTL.VM_BIND.request), 16), argp), -Errno.EFAULT, 'zero-extended: userptr is NULL');
      }));
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + 2 * PAGE }])), Errno.EEXIST, 'the old-struct bind happened');
    });
  });
}

test('firmware ABIs v1 and v2 differ in at least ten fields (added, removed, moved or resized)', () => {
  const [v1, v2] = FW_VERSIONS;
  let diffs = 0;
  for (const s of FW_STRUCTS) {
    const a = layoutOf(s, v1), b = layoutOf(s, v2);
    for (const name of new Set([...a.fields.keys(), ...b.fields.keys()])) {
      const x = a.fields.get(name), y = b.fields.get(name);
      if (!x || !y || x.offset !== y.offset || x.type !== y.type || x.count !== y.count) diffs++;
    }
  }
  assert.ok(diffs >= 10, `only ${diffs} differences`);
});
