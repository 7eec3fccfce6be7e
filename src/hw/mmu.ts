/**
 * The GPU MMU: walks the three-level page tables stored in physical memory
 * (format in hwdesc/regs.ts) for the address space a job runs in. The kernel
 * half (VA bit 46 set) is translated through TTBR1, shared by all contexts and
 * used by the firmware; the user half through the slot's TTBR0, read from the
 * address-space table (TTBAT) that the kernel maintains.
 *
 * A TLB caches page translations per slot; the kernel invalidates it through
 * the MMU_FLUSH register after changing tables. A miss that finds no valid
 * entry, or an access the entry does not permit, raises a GpuFault carrying
 * the address, the slot and the access kind — the pipelines stop on it.
 */
import { PhysicalMemory } from './memory.js';
import {
  ACCESS, ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE, KERNEL_VA_BASE, PAGE_SIZE, PTE, VA_END, type AccessKind,
} from '../hwdesc/regs.js';
import { hex } from '../base/bits.js';
import { pageTableRoot, walkPageTable } from '../hwdesc/pagetable.js';
import type { MemAccess } from '../hwdesc/fwabi.js';

export class GpuFault extends Error {
  constructor(readonly address: number, readonly asSlot: number, readonly access: AccessKind, readonly reason: string) {
    super(`GPU fault: ${ACCESS[access]} at ${hex(address)} in AS ${asSlot} (${reason})`);
  }
}

/** Special slot number for kernel-only (TTBR1) translation, as used by the firmware. */
export const AS_KERNEL = -1;

export interface MmuRoots {
  ttbr1(): number;
  ttbat(): number;
}

/** A range translateRange answered (RANGE_TLB): its length, access and privilege, and the answer. */
interface RangeEntry { len: number; access: AccessKind; priv: boolean; pa: number }
/** ranges of more than one page are remembered (the big windows: surfaces, the tiler heap), a few per address */
const RANGE_MIN = PAGE_SIZE + 1, RANGE_WAYS = 4, RANGE_ENTRIES = 256;

export class Mmu {
  /** slot -> (VA page number -> PA page base | permission bits in the low 14 bits) */
  private tlb = new Map<number, Map<number, number>>();
  /**
   * The range TLB: slot -> (VA -> ranges starting there that translateRange checked page by page), each with
   * its answer (contiguous at pa, or -1). Like the page TLB it holds only what its pages' entries gave, and
   * goes with them at invalidate(), so an answer from it is the one walking the pages again would give.
   */
  private ranges = new Map<number, Map<number, RangeEntry[]>>();
  flushes = 0;

  constructor(readonly mem: PhysicalMemory, private roots: MmuRoots) {}

  invalidate(): void {
    this.tlb.clear();
    this.ranges.clear();
    this.flushes++;
  }

  private walk(root: number, va: number): number { return walkPageTable(this.mem, root, va); }

  private rootFor(slot: number, va: number): number {
    return va >= KERNEL_VA_BASE ? this.roots.ttbr1() : pageTableRoot(this.mem, 0, this.roots.ttbat(), slot, va);
  }

  /**
   * Translate one address; returns the physical address or throws GpuFault.
   * Kernel-half addresses need a privileged requester (the command processor
   * and the firmware); shaders and fixed-function units fetching on behalf of
   * a user job are unprivileged, so user descriptors cannot reach kernel memory.
   */
  translate(slot: number, va: number, access: AccessKind, priv = false): number {
    if (!(va >= 0 && va < VA_END)) throw new GpuFault(va, slot, access, 'address outside the VA space');
    if (va >= KERNEL_VA_BASE && !priv) throw new GpuFault(va, slot, access, 'privilege fault');
    const vpn = Math.floor(va / PAGE_SIZE);
    let t = this.tlb.get(slot);
    if (!t) this.tlb.set(slot, (t = new Map()));
    let e = t.get(vpn);
    if (e === undefined) {
      const root = this.rootFor(slot, va);
      e = root ? this.walk(root, va) : 0;
      // a page must lie in physical memory (the cores' local memories follow it in the same buffer)
      if (e && !this.mem.contains((e & PTE.ADDR_MASK) >>> 0, PAGE_SIZE)) e = 0;
      if (e) t.set(vpn, e);
    }
    if (!e) throw new GpuFault(va, slot, access, 'translation fault');
    const need = access === ACCESS_READ ? PTE.READ : access === ACCESS_WRITE ? PTE.WRITE : PTE.EXEC;
    if (!(e & need)) throw new GpuFault(va, slot, access, 'permission fault');
    const pa = (e & PTE.ADDR_MASK) >>> 0;
    return pa + (va % PAGE_SIZE);
  }

  /**
   * Translate a range that must be readable/writable in full; returns the
   * physical address when the range is physically contiguous (the common case
   * for one buffer), or -1 when it spans discontiguous pages.
   */
  translateRange(slot: number, va: number, len: number, access: AccessKind, priv = false): number {
    if (len <= 0) return this.translate(slot, va, access, priv);
    if (len < RANGE_MIN) return this.walkRange(slot, va, len, access, priv);
    let bySlot = this.ranges.get(slot);
    const ways = bySlot?.get(va);
    if (ways) for (const e of ways) if (e.len === len && e.access === access && e.priv === priv) return e.pa;
    // a fault throws here: nothing is remembered
    const pa = this.walkRange(slot, va, len, access, priv);
    if (!bySlot || bySlot.size >= RANGE_ENTRIES) this.ranges.set(slot, (bySlot = new Map()));
    const list = bySlot.get(va);
    if (!list) bySlot.set(va, [{ len, access, priv, pa }]);
    else { if (list.length >= RANGE_WAYS) list.shift(); list.push({ len, access, priv, pa }); }
    return pa;
  }

  /** translateRange without the range TLB: every page translated (through the page TLB) */
  private walkRange(slot: number, va: number, len: number, access: AccessKind, priv: boolean): number {
    const first = this.translate(slot, va, access, priv);
    let expect = first - (va % PAGE_SIZE);
    for (let p = Math.floor(va / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE; p < va + len; p += PAGE_SIZE) {
      expect += PAGE_SIZE;
      const pa = this.translate(slot, p, access, priv);
      if (pa !== expect) {
        // keep validating the rest so a fault reports the first bad page
        for (let q = p + PAGE_SIZE; q < va + len; q += PAGE_SIZE) this.translate(slot, q, access, priv);
        return -1;
      }
    }
    return first;
  }

  read32(slot: number, va: number, priv = false): number {
    return this.mem.r32(this.translate(slot, va, ACCESS_READ, priv));
  }
  write32(slot: number, va: number, v: number, priv = false): void {
    this.mem.w32(this.translate(slot, va, ACCESS_WRITE, priv), v);
  }
  /** Reads `words` 32-bit words starting at `va` (any page crossings handled). */
  readWords(slot: number, va: number, words: number, access: AccessKind = ACCESS_READ, priv = false): Uint32Array {
    const out = new Uint32Array(words);
    const pa = this.translateRange(slot, va, words * 4, access, priv);
    if (pa >= 0 && (pa & 3) === 0) {
      out.set(this.mem.u32.subarray(pa >> 2, (pa >> 2) + words));
    } else {
      for (let i = 0; i < words; i++) out[i] = this.mem.r32(this.translate(slot, va + i * 4, access, priv));
    }
    return out;
  }
  /** Privileged read of a descriptor (command processor). */
  readPriv(slot: number, va: number, words: number): Uint32Array {
    return this.readWords(slot, va, words, ACCESS_READ, true);
  }
  readCode(slot: number, va: number, words: number): Uint32Array {
    return this.readWords(slot, va, words, ACCESS_EXEC);
  }

  /** A byte-addressed view of one address space, for firmware structures. */
  accessor(slot: number): MemAccess {
    const m = this.mem;
    return {
      r8: (a) => m.r8(this.translate(slot, a, ACCESS_READ, true)),
      r16: (a) => m.r16(this.translate(slot, a, ACCESS_READ, true)),
      r32: (a) => m.r32(this.translate(slot, a, ACCESS_READ, true)),
      w8: (a, v) => m.w8(this.translate(slot, a, ACCESS_WRITE, true), v),
      w16: (a, v) => m.w16(this.translate(slot, a, ACCESS_WRITE, true), v),
      w32: (a, v) => m.w32(this.translate(slot, a, ACCESS_WRITE, true), v),
    };
  }
}
export { ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE };
