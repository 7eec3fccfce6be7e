/**
 * drm_ioctl's size rule, through raw ioctls: the kernel copies in the size
 * the request encodes, zero-fills up to its own struct and copies back the
 * caller's size. Every core ioctl must give the same answer with its struct
 * grown by a tail (zero or not: the core ignores it and hands it back), and
 * clients built against older, shorter headers keep working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { DRM_IOCTL, DRM_CAP_SYNCOBJ, DRM_CLOEXEC, drm_get_cap, drm_syncobj_wait, drm_syncobj_timeline_wait, drm_version, type IoctlDef } from '../src/uapi/drm.js';
import { writeStruct, type CValues } from '../src/uapi/cstruct.js';
import { IOC, IOC_READ, IOC_WRITE, iocDir, iocNr, iocSize, DRM_IOCTL_BASE } from '../src/uapi/ioctl.js';
import { SEEK_CUR, SEEK_END, SEEK_SET } from '../src/uapi/syscalls.js';
import { withMachine } from './helpers.js';
import { openNode, PAGE } from './drm-helpers.js';
import type { DrmDevice } from '../src/libdrm/libdrm.js';
import type { Machine } from '../src/machine/machine.js';

const M = { deterministic: true } as const;
const u32s = (xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);

/** Each core ioctl with arguments that make it do its work (prepared on a fresh master file). */
interface Case { def: IoctlDef; args(d: DrmDevice, m: Machine): Partial<CValues> }
const CASES: Case[] = [
  { def: DRM_IOCTL.VERSION, args: () => ({}) },
  { def: DRM_IOCTL.GET_MAGIC, args: () => ({}) },
  { def: DRM_IOCTL.GET_UNIQUE, args: () => ({}) },
  { def: DRM_IOCTL.GET_CLIENT, args: () => ({ idx: 0 }) },
  { def: DRM_IOCTL.GEM_CLOSE, args: (d) => ({ handle: d.akariGemCreate(PAGE) }) },
  { def: DRM_IOCTL.GEM_FLINK, args: (d) => ({ handle: d.akariGemCreate(PAGE) }) },
  { def: DRM_IOCTL.GEM_OPEN, args: (d) => ({ name: d.gemFlink(d.akariGemCreate(PAGE)) }) },
  { def: DRM_IOCTL.GET_CAP, args: () => ({ capability: DRM_CAP_SYNCOBJ }) },
  { def: DRM_IOCTL.SET_CLIENT_CAP, args: () => ({ capability: 1, value: 1 }) },
  { def: DRM_IOCTL.AUTH_MAGIC, args: (d, m) => ({ magic: openNode(m, 'card0').getMagic() }) },
  { def: DRM_IOCTL.PRIME_HANDLE_TO_FD, args: (d) => ({ handle: d.akariGemCreate(PAGE), flags: DRM_CLOEXEC }) },
  { def: DRM_IOCTL.PRIME_FD_TO_HANDLE, args: (d) => ({ fd: d.primeHandleToFd(d.akariGemCreate(PAGE)) }) },
  { def: DRM_IOCTL.SYNCOBJ_CREATE, args: () => ({ flags: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_DESTROY, args: (d) => ({ handle: d.syncobjCreate() }) },
  { def: DRM_IOCTL.SYNCOBJ_HANDLE_TO_FD, args: (d) => ({ handle: d.syncobjCreate(true), flags: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_FD_TO_HANDLE, args: (d) => ({ fd: d.syncobjHandleToFd(d.syncobjCreate()) }) },
  { def: DRM_IOCTL.SYNCOBJ_WAIT, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate(true)])), count_handles: 1, timeout_nsec: 0 }) },
  { def: DRM_IOCTL.SYNCOBJ_RESET, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate(true)])), count_handles: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_SIGNAL, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate()])), count_handles: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_TIMELINE_WAIT, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate(true)])), points: arr(d, new Uint8Array(8)), count_handles: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_QUERY, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate()])), points: arr(d, new Uint8Array(8)), count_handles: 1 }) },
  { def: DRM_IOCTL.SYNCOBJ_TRANSFER, args: (d) => ({ src_handle: d.syncobjCreate(true), dst_handle: d.syncobjCreate(), dst_point: 3 }) },
  { def: DRM_IOCTL.SYNCOBJ_TIMELINE_SIGNAL, args: (d) => ({ handles: arr(d, u32s([d.syncobjCreate()])), count_handles: 1 }) },
  { def: DRM_IOCTL.SET_MASTER, args: () => ({}) },
  { def: DRM_IOCTL.DROP_MASTER, args: () => ({}) },
];
function arr(d: DrmDevice, bytes: Uint8Array): number { return d.heap.stage(bytes)[0]; }

/** Runs one case on a fresh machine with the struct grown by `tail` bytes; returns errno and the bytes handed back. */
function run(c: Case, tail: Uint8Array): { errno: number; out: Uint8Array } {
  return withMachine(M, (m) => {
    const d = openNode(m, 'card0', { capSysAdmin: true });
    const s = c.def.struct;
    const body = s ? writeStruct(s, c.args(d, m)) : new Uint8Array(0);
    const bytes = new Uint8Array(body.length + tail.length);
    bytes.set(body); bytes.set(tail, body.length);
    const [p] = d.heap.stage(bytes.length ? bytes : new Uint8Array(8));
    const req = IOC(iocDir(c.def.request), DRM_IOCTL_BASE, iocNr(c.def.request), bytes.length);
    const r = d.sys.ioctl(d.fd, req, p);
    assert.deepEqual(m.oopses, []);
    return { errno: r < 0 ? -r : 0, out: d.heap.read(p, bytes.length) };
  });
}

test('every core ioctl: a struct grown by a zero tail gives the same result and leaves the tail alone', () => {
  for (const c of CASES) {
    const size = iocSize(c.def.request);
    const plain = run(c, new Uint8Array(0));
    const grown = run(c, new Uint8Array(16));
    assert.equal(grown.errno, plain.errno, `${c.def.name}: same errno`);
    assert.deepEqual(grown.out.subarray(0, size), plain.out, `${c.def.name}: same bytes back`);
    assert.deepEqual(grown.out.subarray(size), new Uint8Array(16), `${c.def.name}: the tail is handed back unchanged`);
    // a non-zero tail is not the core's business either (drm_ioctl copies it in and out; no handler reads it)
    const junk = run(c, new Uint8Array(16).fill(0xa5));
    assert.equal(junk.errno, plain.errno, `${c.def.name}: a non-zero tail is ignored`);
    // an _IOR-only ioctl copies nothing in: its buffer is zero-filled, and that is what comes back
    const back = iocDir(c.def.request) & IOC_WRITE ? 0xa5 : 0;
    if (iocDir(c.def.request) & IOC_READ) assert.deepEqual(junk.out.subarray(size), new Uint8Array(16).fill(back), `${c.def.name}: the tail comes back as drm_ioctl hands it`);
  }
});

test('every core ioctl: with no struct at all (size 0) it answers an errno or works on zeros, never a bad pointer', () => {
  for (const c of CASES) {
    withMachine(M, (m) => {
      const d = openNode(m, 'card0', { capSysAdmin: true });
      const r = d.sys.ioctl(d.fd, IOC(iocDir(c.def.request), DRM_IOCTL_BASE, iocNr(c.def.request), 0), 0);
      assert.notEqual(r, -Errno.EFAULT, `${c.def.name}: nothing is copied, so NULL is fine`);
      assert.deepEqual(m.oopses, []);
    });
  }
});

test('old headers: drm_syncobj_wait of 32 bytes (before deadline_nsec) and drm_syncobj_timeline_wait of 40 bytes work', () => {
  withMachine(M, (m) => {
    const d = openNode(m, 'renderD128');
    const done = d.syncobjCreate(true), pending = d.syncobjCreate();
    assert.equal(drm_syncobj_wait.size, 40);
    assert.equal(drm_syncobj_timeline_wait.size, 48);
    const handles = arr(d, u32s([pending, done]));
    // WAIT_FOR_SUBMIT, any: `pending` has no fence yet, `done` is signalled
    const old = writeStruct(drm_syncobj_wait, { handles, count_handles: 2, timeout_nsec: 0, flags: 2 }).subarray(0, 32);
    const [p] = d.heap.stage(old);
    assert.equal(d.sys.ioctl(d.fd, IOC(3, DRM_IOCTL_BASE, iocNr(DRM_IOCTL.SYNCOBJ_WAIT.request), 32), p), 0);
    assert.equal(new DataView(d.heap.read(p, 32).buffer).getUint32(24, true), 1, 'first_signaled written back within the 32 bytes');
    d.syncobjTimelineSignal([pending], [1]);
    const points = arr(d, new Uint8Array(16));
    new DataView(d.sys.memory.buffer).setBigUint64(points - d.sys.memBase, 1n, true);
    const oldTl = writeStruct(drm_syncobj_timeline_wait, { handles, points, count_handles: 2, timeout_nsec: 0, flags: 1 }).subarray(0, 40);
    const [q] = d.heap.stage(oldTl);
    assert.equal(d.sys.ioctl(d.fd, IOC(3, DRM_IOCTL_BASE, iocNr(DRM_IOCTL.SYNCOBJ_TIMELINE_WAIT.request), 40), q), 0, 'WAIT_ALL on both');
  });
});

test('lseek on a dma-buf: SEEK_END gives the size, SEEK_SET 0 rewinds, anything else EINVAL; other fds as Linux', () => {
  withMachine(M, (m) => {
    const d = openNode(m, 'renderD128');
    const fd = d.primeHandleToFd(d.akariGemCreate(3 * PAGE));
    assert.equal(d.sys.lseek(fd, 0, SEEK_END), 3 * PAGE);
    assert.equal(d.sys.lseek(fd, 0, SEEK_SET), 0);
    assert.equal(d.sys.lseek(fd, 0, SEEK_CUR), -Errno.EINVAL);
    assert.equal(d.sys.lseek(fd, 5, SEEK_SET), -Errno.EINVAL);
    assert.equal(d.sys.lseek(d.fd, 0, SEEK_END), 0, 'a DRM fd: noop_llseek');
    assert.equal(d.sys.lseek(d.syncobjHandleToFd(d.syncobjCreate()), 0, SEEK_SET), -Errno.ESPIPE);
    assert.equal(d.sys.lseek(999, 0, SEEK_SET), -Errno.EBADF);
  });
});

/**
 * drm_ioctl copies the struct back after drm_ioctl_kernel whatever it
 * returned (`retcode = drm_ioctl_kernel(...); if (copy_to_user(arg, kdata,
 * out_size)) retcode = -EFAULT;`), and the permission check runs after the
 * copy-in. So a failing _IOR ioctl hands back what the handler wrote before
 * it failed, an _IOR-only struct comes back as the zero-filled kernel buffer,
 * and a faulting copy-out turns any answer into EFAULT. Expected values from
 * drm_ioctl.c: drm_getcap clears `value` first; drm_copy_field stores the
 * full length before it copies; drm_ioctl_permit runs inside drm_ioctl_kernel.
 */
test('a failing ioctl still copies its struct back, as drm_ioctl does', () => {
  withMachine(M, (m) => {
    const d = openNode(m, 'card0');
    const call = (def: IoctlDef, bytes: Uint8Array, dev: DrmDevice = d) => {
      const [p] = dev.heap.stage(bytes);
      const r = dev.sys.ioctl(dev.fd, def.request, p);
      return { errno: r < 0 ? -r : 0, out: dev.heap.read(p, bytes.length) };
    };
    const u64At = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

    // GET_CAP of an unknown cap: EINVAL, and value comes back cleared (it was garbage)
    const cap = call(DRM_IOCTL.GET_CAP, writeStruct(drm_get_cap, { capability: 0x999, value: 0xdeadbeef }));
    assert.equal(cap.errno, Errno.EINVAL);
    assert.equal(u64At(cap.out, 8), 0n, 'value zeroed by drm_getcap before it failed');

    // GET_MAGIC (_IOR) on a render node: EACCES from the permission gate, and the
    // struct is the zero-filled kernel buffer copied back over the caller's 0xa5s
    const r = openNode(m, 'renderD128');
    const magic = call(DRM_IOCTL.GET_MAGIC, new Uint8Array(4).fill(0xa5), r);
    assert.equal(magic.errno, Errno.EACCES);
    assert.deepEqual(magic.out, new Uint8Array(4), 'zeros handed back');
    // ... and with a pointer the process does not own, the failed copy-out wins: EFAULT
    assert.equal(r.sys.ioctl(r.fd, DRM_IOCTL.GET_MAGIC.request, 8), -Errno.EFAULT);
    // an _IOW ioctl a render node may not call, with a bad pointer: the copy-in faults first
    assert.equal(r.sys.ioctl(r.fd, DRM_IOCTL.GEM_FLINK.request, 8), -Errno.EFAULT);

    // VERSION with a name buffer the process does not own: EFAULT, but name_len was
    // already set to the full length ("akari": 5) and date_len was never reached
    const ver = call(DRM_IOCTL.VERSION, writeStruct(drm_version, { name_len: 64, name: 8, date_len: 77 }));
    assert.equal(ver.errno, Errno.EFAULT);
    assert.equal(u64At(ver.out, drm_version.byName.get('name_len')!.offset), 5n);
    assert.equal(u64At(ver.out, drm_version.byName.get('date_len')!.offset), 77n);

    // a lookup failure happens before there is a buffer: nothing comes back
    const unknown = new Uint8Array(16).fill(0x5a);
    const [p] = d.heap.stage(unknown);
    assert.equal(d.sys.ioctl(d.fd, IOC(IOC_READ | IOC_WRITE, DRM_IOCTL_BASE, 0x3f, 16), p), -Errno.EINVAL);
    assert.deepEqual(d.heap.read(p, 16), unknown);
    assert.deepEqual(m.oopses, []);
  });
});
