/**
 * Issue 12: isolation regressions, each tried as a hostile process would —
 * through its system calls, ioctls and its own CPU's loads and stores only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { MemoryFault } from '../src/uapi/syscalls.js';
import { withMachine, FIRMWARES } from './helpers.js';
import { openNode, peek, poke, PAGE } from './drm-helpers.js';

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
