/**
 * The MMU's range TLB (hw/mmu.ts): translateRange remembers the answer for a
 * range of more than one page (contiguous at pa, or -1) until invalidate().
 * Against the answer walking every page again gives — a fresh Mmu on the same
 * tables — over random mappings (unmapped pages, contiguous and scattered
 * runs, read/write/exec permissions), random ranges and accesses, repeated
 * queries, and page-table changes each followed by an invalidate: the same
 * physical address or -1, or a GpuFault with the same address, slot, access
 * and reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PhysicalMemory } from '../src/hw/memory.js';
import { GpuFault, Mmu } from '../src/hw/mmu.js';
import { ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE, PAGE_SIZE, PTE, type AccessKind } from '../src/hwdesc/regs.js';

const mem = PhysicalMemory.create(4 << 20);
// slot 0's root at TTBAT; L0 entry 0 -> L1, L1 entry 0 -> L2: VAs 0 .. 2048 pages
const TTBAT = PAGE_SIZE, L0 = 2 * PAGE_SIZE, L1 = 3 * PAGE_SIZE, L2 = 4 * PAGE_SIZE, DATA = 8;
const PAGES = 48;
const roots = { ttbr1: () => 0, ttbat: () => TTBAT };

function setTables(pages: Array<{ pa: number; perms: number } | null>): void {
  mem.u8.fill(0, TTBAT, L2 + PAGE_SIZE);
  mem.w32(TTBAT, L0);
  mem.w32(L0, L1 | PTE.VALID | PTE.TABLE);
  mem.w32(L1, L2 | PTE.VALID | PTE.TABLE);
  pages.forEach((p, i) => { if (p) mem.w32(L2 + i * 8, (p.pa | PTE.VALID | p.perms) >>> 0); });
}

type Answer = { pa: number } | { fault: [number, number, AccessKind, string] };
function answer(mmu: Mmu, va: number, len: number, access: AccessKind): Answer {
  try { return { pa: mmu.translateRange(0, va, len, access) }; } catch (e) {
    if (!(e instanceof GpuFault)) throw e;
    return { fault: [e.address, e.asSlot, e.access, e.reason] };
  }
}

const page = fc.option(fc.record({ frame: fc.integer({ min: DATA, max: DATA + 40 }), perms: fc.constantFrom(PTE.READ, PTE.READ | PTE.WRITE, PTE.READ | PTE.EXEC, PTE.WRITE) }), { freq: 6 });
/** mostly contiguous runs: page i maps frame base + i unless it has its own */
const mapping = fc.tuple(fc.array(page, { minLength: PAGES, maxLength: PAGES }), fc.array(fc.boolean(), { minLength: PAGES, maxLength: PAGES }))
  .map(([own, run]) => own.map((p, i) => (p === null ? null : { pa: (run[i] ? DATA + i : p.frame) * PAGE_SIZE, perms: run[i] ? PTE.READ | PTE.WRITE : p.perms })));
const query = fc.record({
  va: fc.integer({ min: 0, max: PAGES * PAGE_SIZE - 1 }), len: fc.integer({ min: 1, max: 12 * PAGE_SIZE }),
  access: fc.constantFrom(ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC), again: fc.nat({ max: 3 }),
});

test('translateRange with the range TLB answers as walking every page again does, until and after invalidate()', () => {
  let remembered = 0;
  fc.assert(fc.property(fc.array(fc.tuple(mapping, fc.array(query, { minLength: 1, maxLength: 30 })), { minLength: 1, maxLength: 3 }), (phases) => {
    const mmu = new Mmu(mem, roots);
    for (const [pages, queries] of phases) {
      setTables(pages);
      mmu.invalidate();
      for (const q of queries) {
        // the same range again, or one sharing its start with another length or access: remembered or not, the same answer
        for (let k = 0; k <= q.again; k++) {
          const len = k === 2 ? q.len + PAGE_SIZE : q.len, access = k === 3 ? ACCESS_READ : q.access;
          const want = answer(new Mmu(mem, roots), q.va, len, access);
          assert.deepEqual(answer(mmu, q.va, len, access), want, `va ${q.va} len ${len} access ${access}`);
          if (k && 'pa' in want && len > PAGE_SIZE) remembered++;
        }
      }
    }
  }), { numRuns: 150 });
  assert.ok(remembered > 100, `${remembered} answers could come from the range TLB`);
});

test('a range the tables no longer map is answered from the range TLB until invalidate(), as from the page TLB', () => {
  const pages = Array.from({ length: PAGES }, (_, i) => ({ pa: (DATA + i) * PAGE_SIZE, perms: PTE.READ | PTE.WRITE }));
  setTables(pages);
  const mmu = new Mmu(mem, roots);
  const len = 5 * PAGE_SIZE;
  assert.equal(mmu.translateRange(0, PAGE_SIZE + 8, len, ACCESS_READ), (DATA + 1) * PAGE_SIZE + 8);
  setTables(pages.map((p, i) => (i === 3 ? null : p)));
  // the kernel changed a table without flushing: the TLB still holds the old translation, as hardware's would
  assert.equal(mmu.translateRange(0, PAGE_SIZE + 8, len, ACCESS_READ), (DATA + 1) * PAGE_SIZE + 8);
  mmu.invalidate();
  assert.deepEqual(answer(mmu, PAGE_SIZE + 8, len, ACCESS_READ), { fault: [3 * PAGE_SIZE, 0, ACCESS_READ, 'translation fault'] });
});
