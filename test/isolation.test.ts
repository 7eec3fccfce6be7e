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
