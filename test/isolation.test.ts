/**
 * Issue 12: isolation regressions, each tried as a hostile process would —
 * through its system calls, ioctls and its own CPU's loads and stores only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { MemoryFault } from '../src/uapi/syscalls.js';
import { withMachine, FIRMWARES } from './helpers.js';
import { errnoOf, openNode, peek, poke, soon, PAGE } from './drm-helpers.js';
import type { DrmDevice } from '../src/libdrm/libdrm.js';
import { AKARI_BIND_READ, AKARI_BIND_UNBIND, AKARI_BIND_WRITE, AKARI_CMD_RENDER, AKARI_MADV_DONTNEED, AKARI_MADV_WILLNEED, AKARI_RENDER_COLOR_CLEAR, AKARI_RENDER_COLOR_STORE, drm_akari_result } from '../src/uapi/akari.js';
import { readStruct } from '../src/uapi/cstruct.js';
import { AKARI_STATUS } from '../src/uapi/akari.js';
import { UmdDevice } from '../src/umd/device.js';
import { drawTriangle, TRIANGLE_VS } from '../src/umd/triangle.js';
import { assemble } from '../src/hwdesc/isa-codec.js';
import { ATTRIBUTE, DRAW, SHADER, STATE } from '../src/hwdesc/descriptors.js';
import { packInto, type StructDesc, type StructValues } from '../src/hwdesc/struct.js';

const faults = (signal: 'SIGSEGV' | 'SIGBUS') => (e: unknown) => e instanceof MemoryFault && e.signal === signal;

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`mmap gives an address in the process, and reaches exactly the object's bytes (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      // b's private buffer holds a secret
      const hb = b.akariGemCreate(PAGE);
      const vb = b.mmap(b.akariGemMmapOffset(hb), PAGE);
      poke(b, vb, new Uint8Array(PAGE).fill(0x77));
      const ha = a.akariGemCreate(PAGE);
      const va = a.sys.mmap(a.fd, PAGE, a.akariGemMmapOffset(ha));
      // an address, not an object that could lead anywhere (a typed array's .buffer would be all of GPU memory)
      assert.equal(typeof va, 'number');
      assert.ok(va > 0);
      assert.deepEqual(peek(a, va, PAGE), new Uint8Array(PAGE), 'a fresh object reads as zeros');
      // one byte past either end is no memory of the process: SIGSEGV, and nothing copied
      assert.throws(() => peek(a, va, PAGE + 1), faults('SIGSEGV'));
      assert.throws(() => peek(a, va - 1, 2), faults('SIGSEGV'));
      assert.throws(() => poke(a, va + PAGE - 1, [1, 2]), faults('SIGSEGV'));
      assert.equal(peek(a, va + PAGE - 1, 1)[0], 0, 'a faulting store changed nothing');
      // addresses are per process: the number where b mapped its secret is, in a, a's own object
      assert.equal(vb, va);
      assert.ok(peek(a, vb, PAGE).every((x) => x === 0));
      // every address a did not map faults
      for (const addr of [va + 2 * PAGE, va - PAGE, 2 ** 40, 0, -1, 2 ** 60, NaN, 0x10000 + (8 << 20)]) {
        assert.throws(() => peek(a, addr, 1), faults('SIGSEGV'), `address ${addr}`);
      }
      // typed arrays of any kind copy in and out in bulk
      a.sys.store(va + 8, new Float32Array([1.5, -2]));
      const f = new Float32Array(2);
      a.sys.load(va + 8, f);
      assert.deepEqual([...f], [1.5, -2]);
      assert.ok(peek(b, vb, PAGE).every((x) => x === 0x77), "b's secret is untouched");
    });
  });

  test(`munmap, GEM_CLOSE and exit take effect at once: the old address faults, the pages' next owner is untouched (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const h = a.akariGemCreate(PAGE);
      const va = a.mmap(a.akariGemMmapOffset(h), PAGE);
      poke(a, va, [1, 2, 3]);
      // the mapping holds the object: closing the handle keeps the pages readable through it (as Linux)
      a.gemClose(h);
      assert.deepEqual([...peek(a, va, 3)], [1, 2, 3]);
      assert.equal(a.sys.munmap(va, PAGE), 0);
      assert.throws(() => peek(a, va, 1), faults('SIGSEGV'));
      // the pages go to b's next object; a's stale address reaches nothing
      const hb = b.akariGemCreate(PAGE);
      const vb = b.mmap(b.akariGemMmapOffset(hb), PAGE);
      assert.throws(() => poke(a, va, new Uint8Array(PAGE).fill(0xee)), faults('SIGSEGV'));
      assert.ok(peek(b, vb, PAGE).every((x) => x === 0), "b's fresh object is all zeros");
      // partial munmap splits the mapping
      const h2 = a.akariGemCreate(4 * PAGE);
      const v2 = a.mmap(a.akariGemMmapOffset(h2), 4 * PAGE);
      poke(a, v2 + 3 * PAGE, [9]);
      assert.equal(a.sys.munmap(v2 + PAGE, PAGE), 0);
      assert.throws(() => peek(a, v2 + PAGE, 1), faults('SIGSEGV'));
      assert.throws(() => peek(a, v2, PAGE + 1), faults('SIGSEGV'), 'an access across the hole faults');
      assert.equal(peek(a, v2 + 3 * PAGE, 1)[0], 9);
      assert.equal(a.sys.munmap(v2 + 3, PAGE), -Errno.EINVAL, 'unaligned');
      // exit: the whole address space goes at once
      const gemBefore = m.driver.liveObjects().gem!;
      a.sys.exit();
      assert.throws(() => peek(a, v2, 1), faults('SIGSEGV'));
      assert.equal(m.driver.liveObjects().gem, gemBefore - 1, "a's mapped object is freed with its last mapping");
    });
  });

  test(`an exited process can do nothing: every system call is ESRCH (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const before = m.driver.liveObjects();
      a.sys.exit();
      const s = a.sys;
      assert.equal(s.open('/dev/dri/renderD128'), -Errno.ESRCH);
      assert.equal(s.ioctl(a.fd, 0, 0), -Errno.ESRCH);
      assert.equal(s.close(a.fd), -Errno.ESRCH);
      assert.equal(s.dup(a.fd), -Errno.ESRCH);
      assert.equal(s.mmap(a.fd, PAGE, 0), -Errno.ESRCH);
      assert.equal(s.munmap(2 ** 36, PAGE), -Errno.ESRCH);
      assert.equal(s.sbrk(64), -Errno.ESRCH);
      assert.equal(s.lseek(a.fd, 0, 0), -Errno.ESRCH);
      assert.equal(s.sendFd(a.fd, b.sys), -Errno.ESRCH);
      // and nobody can hand it an fd either
      assert.equal(b.sys.sendFd(b.fd, s), -Errno.EPIPE);
      assert.deepEqual(m.driver.liveObjects(), { ...before, files: before.files! - 1 }, 'nothing was created for it');
      assert.deepEqual(m.oopses, []);
    });
  });
}

// ---------------------------------------------------------------- lifetimes

/** A VM with a queue and a tiler heap bound at the start of the user VA space. */
function gpuContext(d: DrmDevice): { vm: number; q: number; base: number } {
  const base = d.akariParams().vm_user_start!;
  const vm = d.akariVmCreate();
  const q = d.akariQueueCreate(vm);
  const heap = d.akariGemCreate(8 * PAGE);
  d.akariVmBind(vm, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: heap, offset: 0, range: 8 * PAGE, addr: base }]);
  d.gemClose(heap); // the VM's mapping keeps it
  return { vm, q, base };
}
/** A clear-and-store render of w x h RGBA8 into `color`. */
function clearCmd(base: number, color: number, w: number, h: number, extra: Record<string, number> = {}): Record<string, number> {
  return {
    cmd_type: AKARI_CMD_RENDER, width: w, height: h, tiler_heap: base, tiler_heap_size: 8 * PAGE, color_format: 0,
    color, color_stride: w * 4, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE, clear_r: 0x3f800000, clear_a: 0x3f800000, ...extra,
  };
}

test('a render target unbound and closed while its job draws is not reused until the job retires (worker GPU)', () => {
  withMachine({ deterministic: false }, (m) => {
    const a = openNode(m, 'renderD128');
    const b = openNode(m, 'renderD128');
    const { vm, q, base } = gpuContext(a);
    const W = 2048, H = 2048, SIZE = W * H * 4;
    const rt = a.akariGemCreate(SIZE);
    const at = base + (16 << 20);
    a.akariVmBind(vm, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: rt, offset: 0, range: SIZE, addr: at }]);
    const cpu = a.mmap(a.akariGemMmapOffset(rt), SIZE);
    const out = a.syncobjCreate();
    a.akariSubmit(q, [clearCmd(base, at, W, H)], [], [out]);
    // once the fragment pass has started (its first tile landed): take the target away and free it
    const until = Date.now() + 20_000;
    while (peek(a, cpu, 1)[0] === 0 && Date.now() < until) { /* spin */ }
    a.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: SIZE, addr: at }]);
    a.sys.munmap(cpu, SIZE);
    a.gemClose(rt);
    // b's next object of the same size, filled with its canary
    const hb = b.akariGemCreate(SIZE);
    const vb = b.mmap(b.akariGemMmapOffset(hb), SIZE);
    poke(b, vb, new Uint8Array(SIZE).fill(0x5a));
    a.syncobjWait([out], soon());
    const back = peek(b, vb, SIZE);
    let changed = 0;
    for (let i = 0; i < SIZE; i++) if (back[i] !== 0x5a) changed++;
    assert.equal(changed, 0, "a's job wrote none of b's bytes");
    assert.deepEqual(m.oopses, []);
  });
});

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`objects a queued job may touch live until its fence signals (unbind + GEM_CLOSE, VM_DESTROY) (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const { vm, q, base } = gpuContext(a);
      const rt = a.akariGemCreate(4 * PAGE);
      const at = base + (16 << 20);
      a.akariVmBind(vm, [{ flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: rt, offset: 0, range: 4 * PAGE, addr: at }]);
      const before = m.driver.liveObjects();
      const out = a.syncobjCreate();
      a.akariSubmit(q, [clearCmd(base, at, 64, 64)], [], [out]);
      a.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: 4 * PAGE, addr: at }]);
      a.gemClose(rt);
      assert.equal(m.driver.liveObjects().gem, before.gem, 'the job still holds the unbound target');
      a.syncobjWait([out], soon());
      assert.equal(m.driver.liveObjects().gem, before.gem! - 1, 'freed when the job retired');
      // VM_DESTROY with a job queued: the VM (page tables, heap) stays until the job retires
      const q2 = a.akariQueueCreate(vm);
      const out2 = a.syncobjCreate();
      a.akariSubmit(q2, [clearCmd(base, base, 16, 16)], [], [out2]);
      a.akariQueueDestroy(q); a.akariQueueDestroy(q2);
      a.akariVmDestroy(vm);
      assert.equal(m.driver.liveObjects().vms, 1, 'the job holds its VM');
      a.syncobjWait([out2], soon());
      assert.equal(m.driver.liveObjects().vms, 0);
      assert.deepEqual(m.oopses, []);
    });
  });

  test(`the shrinker never purges a result object a queued job will write (fw ${fw})`, () => {
    withMachine({ ...M, memoryBytes: 24 << 20 }, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const { q, base } = gpuContext(a);
      const result = a.akariGemCreate(PAGE);
      assert.equal(a.akariGemMadvise(result, AKARI_MADV_DONTNEED), 1);
      const out = a.syncobjCreate();
      a.akariSubmit(q, [clearCmd(base, base, 16, 16, { result_handle: result, result_offset: 0 })], [], [out]);
      // b takes every page there is (the shrinker runs on the first failure), then marks each with its canary
      const mine: number[] = [];
      for (;;) {
        try { mine.push(b.akariGemCreate(PAGE)); } catch { break; }
      }
      const maps = mine.map((h) => b.mmap(b.akariGemMmapOffset(h), PAGE));
      for (const v of maps) poke(b, v, new Uint8Array(PAGE).fill(0xc3));
      a.syncobjWait([out], soon());
      for (const v of maps) assert.ok(peek(b, v, PAGE).every((x) => x === 0xc3), "the job's result landed in none of b's pages");
      assert.equal(a.akariGemMadvise(result, AKARI_MADV_WILLNEED), 1, 'the result object was retained');
      const res = readStruct(drm_akari_result, peek(a, a.mmap(a.akariGemMmapOffset(result), PAGE), drm_akari_result.size));
      assert.equal(res.status, 0, 'and holds the completed result');
    });
  });

  test(`an exiting process's running job keeps its VM and objects; exit does not wait, nothing leaks (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const boot = m.driver.liveObjects();
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const { q, base } = gpuContext(a);
      const out = a.syncobjCreate();
      a.akariSubmit(q, [clearCmd(base, base, 16, 16)], [], [out]);
      const fdB = a.sys.sendFd(a.syncobjHandleToFd(out), b.sys);
      const t0 = Date.now();
      a.sys.exit();
      assert.ok(Date.now() - t0 < 1000, 'exit returns at once');
      assert.equal(m.driver.liveObjects().vms, 1, "the job holds a's VM after a exited");
      const so = b.syncobjFdToHandle(fdB);
      b.syncobjWait([so], soon());
      b.sys.exit();
      assert.ok(m.settle());
      assert.deepEqual(m.driver.liveObjects(), boot, 'all back to the boot values');
    });
  });

  test(`MADV_DONTNEED on a shared (exported or flinked) object is EINVAL (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const c = openNode(m, 'card0');
      const h1 = c.akariGemCreate(PAGE), h2 = c.akariGemCreate(PAGE), h3 = c.akariGemCreate(PAGE);
      c.primeHandleToFd(h1);
      c.gemFlink(h2);
      assert.equal(errnoOf(() => c.akariGemMadvise(h1, AKARI_MADV_DONTNEED)), Errno.EINVAL, 'exported');
      assert.equal(errnoOf(() => c.akariGemMadvise(h2, AKARI_MADV_DONTNEED)), Errno.EINVAL, 'flinked');
      assert.equal(c.akariGemMadvise(h1, AKARI_MADV_WILLNEED), 1, 'WILLNEED is always fine');
      assert.equal(c.akariGemMadvise(h3, AKARI_MADV_DONTNEED), 1, 'a private object may be purgeable');
    });
  });
}

// ---------------------------------------------------------------- fds, exited processes, exceptions

for (const fw of FIRMWARES) {
  const M = { deterministic: true, firmware: fw } as const;

  test(`fd passing needs the receiver's real endpoint; a forged one is refused and changes nothing (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const before = b.sys.dup(b.fd); b.sys.close(before); // b's lowest free fd
      // a names b by its pid only: no connection to b, no fd in b's table
      const forged = { pid: b.sys.pid } as unknown as typeof b.sys;
      assert.equal(a.sys.sendFd(a.fd, forged), -Errno.ENOTSOCK);
      assert.equal(a.sys.sendFd(a.fd, null as unknown as typeof b.sys), -Errno.EFAULT);
      const after = b.sys.dup(b.fd); b.sys.close(after);
      assert.equal(after, before, "nothing was installed in b's table");
      // with b's endpoint the fd arrives
      const got = a.sys.sendFd(a.fd, b.sys);
      assert.equal(got, before);
      assert.deepEqual(m.oopses, []);
    });
  });

  test(`every EMFILE path releases what it took: open, dup, sendFd, PRIME/SYNCOBJ handle-to-fd, sync-file export (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const b = openNode(m, 'renderD128');
      const h = a.akariGemCreate(PAGE);
      const so = a.syncobjCreate(true);
      const base = m.driver.liveObjects();
      // fill a's table
      const filler: number[] = [];
      for (;;) { const fd = a.sys.dup(a.fd); if (fd < 0) { assert.equal(fd, -Errno.EMFILE); break; } filler.push(fd); }
      assert.equal(a.sys.open('/dev/dri/renderD128'), -Errno.EMFILE);
      assert.equal(errnoOf(() => a.primeHandleToFd(h)), Errno.EMFILE);
      assert.equal(errnoOf(() => a.syncobjHandleToFd(so)), Errno.EMFILE);
      assert.equal(errnoOf(() => a.syncobjExportSyncFile(so)), Errno.EMFILE);
      assert.equal(b.sys.sendFd(b.fd, a.sys), -Errno.EMFILE);
      assert.deepEqual(m.driver.liveObjects(), base, 'no file, dma-buf, fence fd or reference was left behind');
      for (const fd of filler) a.sys.close(fd);
      // the object was not left half exported: a fresh export works and is the only dma-buf
      const fd = a.primeHandleToFd(h);
      assert.equal(m.driver.liveObjects().dmabufs, 1);
      a.sys.close(fd);
      // closing everything brings the counts back (no reference was taken by the failed calls)
      a.gemClose(h); a.syncobjDestroy(so);
      assert.equal(m.driver.liveObjects().gem, base.gem! - 1);
      assert.equal(m.driver.liveObjects().syncobjs, base.syncobjs! - 1);
      assert.equal(m.driver.liveObjects().dmabufs, 0);
      b.sys.exit(); a.sys.exit();
      assert.deepEqual(m.oopses, []);
    });
  });

  test(`hostile arguments get an errno, never an exception: sbrk(2**40), open(Symbol()), sendFd(fd, null), odd types (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const s = a.sys as unknown as Record<string, (...args: unknown[]) => unknown>;
      assert.equal(a.sys.sbrk(2 ** 40), -Errno.ENOMEM);
      assert.equal(a.sys.sbrk(-(2 ** 40)), -Errno.EINVAL);
      assert.equal(a.sys.sbrk(0.5), -Errno.EINVAL);
      assert.equal(s.open!(Symbol('x')), -Errno.EFAULT);
      assert.equal(s.open!(null), -Errno.EFAULT);
      assert.equal(a.sys.sendFd(a.fd, null as never), -Errno.EFAULT);
      assert.equal(s.ioctl!(a.fd, Symbol('r'), 0), -Errno.EFAULT);
      assert.equal(s.ioctl!({}, 0, 0), -Errno.EBADF);
      assert.equal(s.ioctl!(a.fd, 0xc0106442, 2 ** 70), -Errno.EFAULT);
      assert.equal(s.mmap!(a.fd, 'x', 0), -Errno.EINVAL);
      assert.equal(s.munmap!(undefined, 1), -Errno.EINVAL);
      assert.equal(s.lseek!(a.fd, 0, 9), -Errno.EINVAL);
      assert.throws(() => s.load!(2 ** 36, 'not a buffer'), (e: unknown) => e instanceof MemoryFault);
      assert.deepEqual(m.oopses, [], 'no kernel bug was hit');
    });
  });

  test(`the system-call guard turns an unexpected exception into EIO and records it (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const a = openNode(m, 'renderD128');
      const real = m.dev.ioctl;
      m.dev.ioctl = () => { throw new TypeError('injected kernel bug'); };
      try {
        assert.equal(a.sys.ioctl(a.fd, 0xc0106442, 0x10000), -Errno.EIO);
      } finally { m.dev.ioctl = real; }
      assert.equal(m.oopses.length, 1);
      assert.equal(m.oopses[0]!.syscall, 'ioctl');
      assert.match(String(m.oopses[0]!.error), /injected kernel bug/);
    });
  });

  test(`page-table exhaustion: VM_CREATE and VM_BIND answer ENOMEM and VM_BIND changes nothing (fw ${fw})`, () => {
    withMachine({ ...M, memoryBytes: 24 << 20 }, (m) => {
      const d = openNode(m, 'renderD128');
      const base = d.akariParams().vm_user_start!;
      const vm = d.akariVmCreate();
      const bo = d.akariGemCreate(PAGE);
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: bo, offset: 0, range: PAGE, addr: base }]);
      // take every page there is
      const hog: number[] = [];
      for (;;) { try { hog.push(d.akariGemCreate(PAGE)); } catch { break; } }
      const far = base + 2 ** 40; // needs new intermediate tables
      const op = { flags: AKARI_BIND_READ, handle: bo, offset: 0, range: PAGE, addr: far };
      assert.equal(errnoOf(() => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: bo, offset: 0, range: PAGE, addr: base + PAGE }, op])), Errno.ENOMEM);
      assert.equal(errnoOf(() => d.akariVmCreate()), Errno.ENOMEM);
      // nothing was mapped by the failed bind: with memory back, the same two ranges bind cleanly (no EEXIST)
      for (const h of hog.splice(0, 8)) d.gemClose(h);
      d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: bo, offset: 0, range: PAGE, addr: base + PAGE }, op]);
      assert.deepEqual(m.oopses, []);
    });
  });

  test(`a 20,000-point timeline chain on a pending fence signals without deep recursion (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const d = openNode(m, 'renderD128');
      const { q, base } = gpuContext(d);
      const job = d.syncobjCreate();
      d.akariSubmit(q, [clearCmd(base, base, 16, 16)], [], [job]); // pending until the GPU runs it
      const tl = d.syncobjCreate();
      const N = 20_000;
      for (let p = 1; p <= N; p++) d.syncobjTransfer(tl, p, job, 0);
      assert.deepEqual(d.syncobjQuery([tl]), [0], 'nothing signalled yet');
      d.syncobjTimelineWait([tl], [N], soon());
      assert.deepEqual(d.syncobjQuery([tl]), [N], 'every point signalled, in order');
      assert.deepEqual(m.oopses, []);
    });
  });

  /**
   * The cost of an unbind is measured as work, not time: the page-table
   * entries the kernel's walk reads or writes (driver counter ptEntries).
   * With 16 KiB pages and 2048 entries per table a leaf covers 32 MiB, an
   * L1 table 64 GiB, a root entry 64 GiB of VA each. The user VA is
   * [16 MiB, 2^46): 1024 root entries. One page is mapped at start + 2^40,
   * so exactly one L1 table and one leaf exist. A walk that skips missing
   * tables reads each root entry in range once (1024), at most two entries
   * (root and L1) per L1 slot of the one present L1 table (2 x 2048), and
   * clears at most every PTE of the one present leaf (2048): at most 7168.
   * A walk per page would visit (2^46 - 2^24) / 2^14, about 4.3 billion.
   */
  test(`no ioctl's cost follows the size of an empty range: unbinding the whole user VA space (fw ${fw})`, () => {
    withMachine(M, (m) => {
      const d = openNode(m, 'renderD128');
      const p = d.akariParams();
      const vm = d.akariVmCreate();
      const bo = d.akariGemCreate(PAGE);
      const start = p.vm_user_start!, end = p.vm_user_end!;
      assert.equal(start, 2 ** 24);
      assert.equal(end, 2 ** 46);
      const bind = () => d.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: bo, offset: 0, range: PAGE, addr: start + 2 ** 40 }]);
      const unbindAll = () => {
        const before = m.driver.counters.ptEntries;
        d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: end - start, addr: start }]);
        return m.driver.counters.ptEntries - before;
      };
      bind();
      const withMapping = unbindAll();
      const empty = unbindAll();
      const bound = 1024 + 2 * 2048 + 2048;
      assert.ok(withMapping > 0 && withMapping <= bound, `${withMapping} entries visited (at most ${bound})`);
      assert.ok(empty <= bound, `${empty} entries visited on an empty range (at most ${bound})`);
      // half the range costs no more than the whole: the cost follows the tables, not the pages
      const before = m.driver.counters.ptEntries;
      d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range: 2 ** 45, addr: start }]);
      assert.ok(m.driver.counters.ptEntries - before <= empty);
      // and it did unmap (the first time, with a mapping in it): the range binds again
      bind();
      assert.deepEqual(m.oopses, []);
    });
  });
}

// ---------------------------------------------------------------- the hardware bounds its own resources

test('a draw of 16.6M vertices with 255 varyings faults on its own job; the firmware and everyone else go on', () => {
  withMachine({ deterministic: true }, (m) => {
    // the innocent reference, alone
    const solo = drawTriangle(new UmdDevice(m.spawn()), { width: 64, height: 64 });
    assert.equal(solo.status, 'complete');
    const recoveries = m.driver.counters.recoveries;
    // the hostile process: the triangle's shaders, but a descriptor claiming 255 varyings and a draw of 16.6M vertices
    const evil = new UmdDevice(m.spawn());
    const code = evil.createBo(4096, 'rx');
    code.write(0, assemble(TRIANGLE_VS));
    const data = evil.createBo(4096, 'r');
    const put = (at: number, desc: StructDesc, values: Partial<StructValues>) => {
      const words = new Uint32Array(desc.words);
      packInto(desc, values, words, 0);
      data.write(at, words);
    };
    put(0, ATTRIBUTE, { address: data.va + 1024, stride: 0, components: 2, type: 0, size: 8 });
    put(64, SHADER, { code: code.va, code_size: 256, registers: 5, stage: 0, varyings: 255 });
    put(128, SHADER, { code: code.va, code_size: 256, registers: 5, stage: 1, varyings: 3 });
    put(192, STATE, { color_mask: 0xf, depth_far: 1, line_width: 1 });
    put(256, DRAW, {
      primitive: 4, count: 16_600_000, instance_count: 1, attrib_count: 1, attribs: data.va, vertex_shader: data.va + 64,
      fragment_shader: data.va + 128, state: data.va + 192, viewport_w: 64, viewport_h: 64, scissor_maxx: 64, scissor_maxy: 64,
    });
    const fb = evil.createBo(64 * 64 * 4, 'rw');
    const heap = evil.createBo(256 * 1024, 'rw');
    const result = evil.createBo(4096, 'rw');
    const sync = evil.submit([{
      cmd_type: AKARI_CMD_RENDER, draws: data.va + 256, tiler_heap: heap.va, tiler_heap_size: heap.size, width: 64, height: 64,
      color_format: 0, color: fb.va, color_stride: 256, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE,
      result_handle: result.handle, result_offset: 0,
    }]);
    // an innocent process renders while the hostile job is queued
    const innocent = drawTriangle(new UmdDevice(m.spawn()), { width: 64, height: 64 });
    evil.wait(sync);
    assert.equal(AKARI_STATUS[evil.readResult(result, 0).status!], 'fault', 'the hostile job faulted');
    assert.equal(innocent.status, 'complete');
    assert.deepEqual(innocent.pixels, solo.pixels, 'the innocent render is bit-exact');
    assert.equal(m.driver.counters.recoveries, recoveries, 'no firmware crash, no reset');
    assert.deepEqual(m.oopses, []);
  });
});
