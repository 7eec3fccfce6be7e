/** GEM names, PRIME, fd passing, madvise/purge, isolation and leaks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { DrmDevice } from '../src/libdrm/libdrm.js';
import { AKARI_BIND_READ, AKARI_BIND_WRITE, AKARI_CMD_RENDER, AKARI_MADV_DONTNEED, AKARI_MADV_WILLNEED, AKARI_RENDER_COLOR_CLEAR, AKARI_RENDER_COLOR_STORE, AKARI_IOCTL } from '../src/uapi/akari.js';
import { DRM_IOCTL } from '../src/uapi/drm.js';
import { MemoryFault } from '../src/uapi/syscalls.js';
import { withMachine, FIRMWARES } from './helpers.js';
import { errnoOf, openNode, soon, PAGE, peek, poke } from './drm-helpers.js';

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`FLINK / OPEN: global names, no reference, gone with the last handle (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'card0');
      const b = openNode(m, 'card0', { capSysAdmin: true });
      const h = a.akariGemCreate(2 * PAGE);
      assert.equal(errnoOf(() => a.gemFlink(999)), Errno.ENOENT);
      const name = a.gemFlink(h);
      assert.ok(name >= 1);
      assert.equal(a.gemFlink(h), name, 'flinking again gives the same name');
      const o1 = b.gemOpen(name);
      const o2 = b.gemOpen(name);
      assert.equal(o1.size, 2 * PAGE);
      assert.notEqual(o1.handle, o2.handle, 'GEM_OPEN always makes a new handle');
      assert.equal(errnoOf(() => b.gemOpen(name + 50)), Errno.ENOENT);
      // both see the same pages
      const va = a.mmap(a.akariGemMmapOffset(h), PAGE);
      const vb = b.mmap(b.akariGemMmapOffset(o1.handle), PAGE);
      poke(a, va + 5, [0xab]);
      assert.equal(peek(b, vb + 5, 1)[0], 0xab);
      assert.equal(a.sys.munmap(va, PAGE), 0); assert.equal(b.sys.munmap(vb, PAGE), 0);
      // closing every handle removes the name
      const before = m.driver.liveObjects().gem;
      a.gemClose(h); b.gemClose(o1.handle); b.gemClose(o2.handle);
      assert.equal(m.driver.liveObjects().gem, before - 1);
      assert.equal(errnoOf(() => b.gemOpen(name)), Errno.ENOENT);
    });
  });

  test(`PRIME: self import gives the same handle, cached dma-buf, lifetime (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const d = openNode(m, 'renderD128');
      const h = d.akariGemCreate(PAGE);
      assert.equal(errnoOf(() => d.primeHandleToFd(h, 0x1)), Errno.EINVAL, 'unknown flags');
      assert.equal(errnoOf(() => d.primeHandleToFd(77)), Errno.ENOENT);
      const fd = d.primeHandleToFd(h);
      assert.equal(d.primeFdToHandle(fd), h, 'self import returns the existing handle');
      const fd2 = d.primeHandleToFd(h);
      assert.notEqual(fd2, fd);
      assert.equal(m.driver.liveObjects().dmabufs, 1, 'the dma-buf is cached per object');
      // not a dma-buf / not an fd
      const so = d.syncobjCreate();
      const sfd = d.syncobjHandleToFd(so);
      assert.equal(errnoOf(() => d.primeFdToHandle(sfd)), Errno.EINVAL);
      assert.equal(errnoOf(() => d.primeFdToHandle(d.fd)), Errno.EINVAL);
      assert.equal(errnoOf(() => d.primeFdToHandle(900)), Errno.EBADF);
      // the buffer lives while an fd holds it
      const live = m.driver.liveObjects().gem;
      d.gemClose(h);
      assert.equal(m.driver.liveObjects().gem, live, 'the dma-buf fd keeps the object');
      const h2 = d.primeFdToHandle(fd);
      assert.equal(h2 === h, false, 'a new handle after the old one closed');
      // a dma-buf fd is mmap-able
      const view = d.sys.mmap(fd, PAGE, 0);
      assert.ok(view > 0);
      assert.equal(d.sys.mmap(fd, PAGE + 1, 0), -Errno.EINVAL);
      d.gemClose(h2);
      d.sys.close(fd); d.sys.close(fd2);
      assert.equal(m.driver.liveObjects().gem, live, 'the mapping keeps the object');
      assert.equal(m.driver.liveObjects().dmabufs, 0);
      d.sys.munmap(view, PAGE);
      assert.equal(m.driver.liveObjects().gem, live - 1, 'gone with its last handle, fd and mapping');
    });
  });

  test(`PRIME across processes through fd passing (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const h = a.akariGemCreate(PAGE);
      const fd = a.primeHandleToFd(h);
      const fdB = a.sys.sendFd(fd, b.sys);
      assert.ok(fdB >= 3);
      a.sys.close(fd);
      const hb = b.primeFdToHandle(fdB);
      assert.equal(b.primeFdToHandle(fdB), hb);
      const va = a.mmap(a.akariGemMmapOffset(h), PAGE);
      const vb = b.mmap(b.akariGemMmapOffset(hb), PAGE);
      poke(a, va + 100, [7]);
      assert.equal(peek(b, vb + 100, 1)[0], 7);
      // a DRM fd passed to another process shares the open file (and its handles)
      const drmFd = a.sys.sendFd(a.fd, b.sys);
      const shared = new DrmDevice(b.sys, drmFd);
      assert.equal(shared.primeFdToHandle(fdB), h, 'same open file, same handle table');
      a.sys.exit();
      assert.equal(peek(b, vb + 100, 1)[0], 7, 'the buffer outlives the exporter');
    });
  });

  test(`isolation: no access to another process's buffers by handle, offset, name or GPU address (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const p = a.akariParams();
      const base = p.vm_user_start!;
      const h = a.akariGemCreate(4 * PAGE);
      const secret = a.mmap(a.akariGemMmapOffset(h), 4 * PAGE);
      poke(a, secret, new Uint8Array(4 * PAGE).fill(0x5a));
      // handles are per file
      assert.equal(errnoOf(() => b.akariGemMmapOffset(h)), Errno.ENOENT);
      assert.equal(errnoOf(() => b.primeHandleToFd(h)), Errno.ENOENT);
      assert.equal(errnoOf(() => b.gemClose(h)), Errno.EINVAL);
      // the fake mmap offset belongs to a's file only
      const off = a.akariGemMmapOffset(h);
      assert.equal(b.sys.mmap(b.fd, PAGE, off), -Errno.EACCES);
      // names: render clients cannot open names; unauthenticated primary clients neither
      const c = openNode(m, 'card0'); // master
      const hc = c.akariGemCreate(PAGE);
      const name = c.gemFlink(hc);
      assert.equal(errnoOf(() => b.gemOpen(name)), Errno.EACCES);
      assert.equal(errnoOf(() => openNode(m, 'card0').gemOpen(name)), Errno.EACCES);
      // GPU addresses: b renders to the VA where a mapped its buffer; b's job faults, a's data stays
      const vmA = a.akariVmCreate();
      a.akariVmBind(vmA, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: h, offset: 0, range: 4 * PAGE, addr: base + 64 * PAGE }]);
      const vmB = b.akariVmCreate();
      const q = b.akariQueueCreate(vmB);
      const heap = b.akariGemCreate(4 * PAGE);
      b.akariVmBind(vmB, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: heap, offset: 0, range: 4 * PAGE, addr: base }]);
      const out = b.syncobjCreate();
      const faultedBefore = m.driver.counters.faulted;
      b.akariSubmit(q, [{
        cmd_type: AKARI_CMD_RENDER, width: 32, height: 32, tiler_heap: base, tiler_heap_size: 4 * PAGE, color_format: 0,
        color: base + 64 * PAGE, color_stride: 32 * 4, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE, clear_r: 0x3f800000,
      }], [], [out]);
      b.syncobjWait([out], soon());
      assert.equal(m.driver.counters.faulted, faultedBefore + 1, "b's job faulted");
      assert.ok(peek(a, secret, 4 * PAGE).every((x) => x === 0x5a), "a's buffer is untouched");
      // a fresh buffer never shows another client's old data
      a.sys.munmap(secret, 4 * PAGE);
      a.akariVmDestroy(vmA);
      a.gemClose(h);
      const fresh = b.akariGemCreate(4 * PAGE);
      assert.ok(peek(b, b.mmap(b.akariGemMmapOffset(fresh), 4 * PAGE), 4 * PAGE).every((x) => x === 0));
    });
  });

  test(`GEM madvise and the shrinker (fw ${fw})`, () => {
    withMachine({ ...M, memoryBytes: 24 << 20 }, (m) => {
      const d = openNode(m, 'renderD128');
      const base = d.akariParams().vm_user_start!;
      const vm = d.akariVmCreate();
      const h = d.akariGemCreate(8 << 20);
      assert.equal(errnoOf(() => d.akariGemMadvise(h, 2)), Errno.EINVAL);
      assert.equal(errnoOf(() => d.akariGemMadvise(999, 0)), Errno.ENOENT);
      assert.equal(errnoOf(() => d.ioctl(AKARI_IOCTL.GEM_MADVISE, { handle: h, madv: 0, pad: 1 })), Errno.EINVAL);
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 8 << 20, addr: base }]);
      assert.equal(d.akariGemMadvise(h, AKARI_MADV_DONTNEED), 1);
      assert.equal(d.akariGemMadvise(h, AKARI_MADV_WILLNEED), 1, 'not purged yet: retained');
      // fill the rest of memory with WILLNEED objects
      const fillers: number[] = [];
      for (;;) { try { fillers.push(d.akariGemCreate(1 << 20)); } catch { break; } }
      assert.ok(fillers.length > 0);
      // WILLNEED objects are never purged: the allocation fails
      assert.equal(errnoOf(() => d.akariGemCreate(8 << 20)), Errno.ENOMEM);
      // a CPU-mapped DONTNEED object is purgeable too: the mapping is zapped, its next touch is SIGBUS
      const keep = fillers[0]!;
      d.akariGemMadvise(keep, AKARI_MADV_DONTNEED);
      const view = d.mmap(d.akariGemMmapOffset(keep), PAGE);
      assert.equal(d.akariGemMadvise(h, AKARI_MADV_DONTNEED), 1);
      const big = d.akariGemCreate(8 << 20); // memory pressure: the shrinker purges h and retries
      assert.ok(big > 0);
      assert.equal(d.akariGemMadvise(h, AKARI_MADV_WILLNEED), 0, 'purged: retained = 0');
      assert.equal(d.akariGemMadvise(h, AKARI_MADV_WILLNEED), 0, 'purged stays purged');
      assert.equal(d.akariGemMadvise(keep, AKARI_MADV_WILLNEED), 0, 'the mapped one was purged as well');
      assert.throws(() => peek(d, view, 1), (e: unknown) => e instanceof MemoryFault && e.signal === 'SIGBUS');
      assert.ok(m.driver.counters.purged >= 1);
      // the purged object's GPU mapping is gone: the range can be bound again; it cannot be bound or mapped itself
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: big, offset: 0, range: PAGE, addr: base }]);
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: PAGE, addr: base + (16 << 20) }])), Errno.EINVAL);
      assert.equal(d.sys.mmap(d.fd, PAGE, d.akariGemMmapOffset(h)), -Errno.EFAULT);
      d.sys.munmap(view, PAGE);
      d.gemClose(h); // closing a purged object is fine
    });
  });

  test(`process exit releases every handle, mapping, VM, queue, fd and fence (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const before = m.driver.liveObjects();
      const a = openNode(m, 'renderD128');
      const card = DrmDevice.open(a.sys, '/dev/dri/card0');
      const b = openNode(m, 'renderD128');
      const base = a.akariParams().vm_user_start!;
      const vm = a.akariVmCreate();
      const q = a.akariQueueCreate(vm);
      const heap = a.akariGemCreate(4 * PAGE);
      a.akariVmBind(vm, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: heap, offset: 0, range: 4 * PAGE, addr: base }]);
      a.mmap(a.akariGemMmapOffset(heap), PAGE);
      a.gemFlink; card.gemFlink(card.akariGemCreate(PAGE));
      const out = a.syncobjCreate();
      const tl = a.syncobjCreate();
      a.akariSubmit(q, [{ cmd_type: AKARI_CMD_RENDER, width: 32, height: 32, tiler_heap: base, tiler_heap_size: 4 * PAGE }], [], [out, { handle: tl, point: 3 }]);
      a.primeHandleToFd(heap);
      a.syncobjHandleToFd(out);
      a.syncobjExportSyncFile(out);
      // b received some of a's fds; b exits too
      b.sys.sendFd; a.sys.sendFd(a.syncobjHandleToFd(tl), b.sys);
      const during = m.driver.liveObjects();
      assert.ok(during.gem! > before.gem! && during.syncobjs! > before.syncobjs! && during.vms! > 0 && during.queues! > 0);
      a.sys.exit();
      b.sys.exit();
      assert.ok(m.settle(), 'the orphaned job retires');
      assert.deepEqual(m.driver.liveObjects(), before, 'nothing leaked');
    });
  });
}
