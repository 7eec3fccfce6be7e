/**
 * GPU page tables, written by the kernel in physical memory in the format
 * the MMU walks (hwdesc/regs.ts). One PageTable per root: the kernel half's
 * TTBR1 root, and one TTBR0 root per user VM. Intermediate tables are
 * allocated on demand and freed with the table.
 */
import { kerr } from '../../base/errors.js';
import { PAGE_SIZE, PT_ENTRIES, PTE } from '../../hwdesc/regs.js';
import type { PhysicalMemory } from '../../hw/bus.js';

export interface PageAllocator {
  allocPages(n: number): number | null; // physical address
  freePages(pa: number, n: number): void;
}

/** Work done by page-table walks: table entries read or written (a cost measure that does not depend on the clock). */
export interface WalkStats { ptEntries: number }

export class PageTable {
  readonly root: number;
  private tables = new Set<number>();
  constructor(private mem: PhysicalMemory, private pages: PageAllocator, private readonly stats: WalkStats = { ptEntries: 0 }) {
    this.root = this.newTable();
  }
  private newTable(): number {
    const pa = this.pages.allocPages(1);
    if (pa === null) throw kerr('ENOMEM', 'out of memory for page tables');
    this.mem.u8.fill(0, pa, pa + PAGE_SIZE);
    this.tables.add(pa);
    return pa;
  }
  private indices(va: number): [number, number, number] {
    const vpn = Math.floor(va / PAGE_SIZE);
    return [Math.floor(vpn / (PT_ENTRIES * PT_ENTRIES)) % PT_ENTRIES, Math.floor(vpn / PT_ENTRIES) % PT_ENTRIES, vpn % PT_ENTRIES];
  }
  private leaf(va: number, create: boolean): number {
    const [i0, i1, i2] = this.indices(va);
    let t = this.root;
    for (const i of [i0, i1]) {
      this.stats.ptEntries++;
      const e = this.mem.r32(t + i * 8);
      if (e & PTE.VALID) { t = (e & PTE.ADDR_MASK) >>> 0; continue; }
      if (!create) return -1;
      const n = this.newTable();
      this.mem.w32(t + i * 8 + 4, 0);
      this.mem.w32(t + i * 8, (n | PTE.VALID | PTE.TABLE) >>> 0);
      t = n;
    }
    return t + i2 * 8;
  }
  /**
   * Allocates every intermediate table [va, va + pages) will need, so that
   * a later `map` of that range cannot fail: VM_BIND reserves all its ops
   * first and answers ENOMEM with nothing mapped. Tables made before a
   * failure stay (empty, owned by this table, freed with it).
   */
  reserve(va: number, pages: number): void {
    const span = PT_ENTRIES * PAGE_SIZE; // one leaf table covers this much
    const end = va + pages * PAGE_SIZE;
    for (let at = va; at < end; at = (Math.floor(at / span) + 1) * span) this.leaf(at, true);
  }
  /** Maps `pages` pages at `va` to physical `pa` with permission bits (PTE.READ/WRITE/EXEC). */
  map(va: number, pa: number, pages: number, perms: number): void {
    // One walk per leaf table, then its entries in a row: a framebuffer of
    // 64 Ki pages must not cost 64 Ki walks inside one ioctl (the fuzzer's
    // 100 ms bound on ADDFB2 of a large dumb buffer found it).
    for (let i = 0; i < pages;) {
      const at = va + i * PAGE_SIZE;
      const first = this.leaf(at, true);
      const run = Math.min(pages - i, PT_ENTRIES - (Math.floor(at / PAGE_SIZE) % PT_ENTRIES));
      this.stats.ptEntries += run;
      for (let k = 0; k < run; k++, i++) {
        const e = first + k * 8;
        this.mem.w32(e + 4, 0);
        this.mem.w32(e, ((pa + i * PAGE_SIZE) | PTE.VALID | perms) >>> 0);
      }
    }
  }
  /**
   * Clears the PTEs of [va, va + pages). The walk skips a missing table's
   * whole span at once, so the cost follows what is mapped, not the size of
   * the range (an unbind of the whole empty VA space is a few hundred reads).
   */
  unmap(va: number, pages: number): void {
    const l1Span = PT_ENTRIES * PAGE_SIZE, l0Span = PT_ENTRIES * l1Span;
    const end = va + pages * PAGE_SIZE;
    let at = va;
    while (at < end) {
      const [i0, i1] = this.indices(at);
      this.stats.ptEntries++;
      const e0 = this.mem.r32(this.root + i0 * 8);
      if (!(e0 & PTE.VALID)) { at = (Math.floor(at / l0Span) + 1) * l0Span; continue; }
      const t1 = (e0 & PTE.ADDR_MASK) >>> 0;
      this.stats.ptEntries++;
      const e1 = this.mem.r32(t1 + i1 * 8);
      const next = (Math.floor(at / l1Span) + 1) * l1Span;
      if (!(e1 & PTE.VALID)) { at = next; continue; }
      const leaf = (e1 & PTE.ADDR_MASK) >>> 0;
      const stop = Math.min(end, next);
      this.stats.ptEntries += Math.ceil((stop - at) / PAGE_SIZE);
      for (; at < stop; at += PAGE_SIZE) {
        const e = leaf + (Math.floor(at / PAGE_SIZE) % PT_ENTRIES) * 8;
        this.mem.w32(e, 0); this.mem.w32(e + 4, 0);
      }
    }
  }
  isMapped(va: number): boolean {
    const e = this.leaf(va, false);
    return e >= 0 && (this.mem.r32(e) & PTE.VALID) !== 0;
  }
  /**
   * Frees the intermediate tables under [va, va + pages) that no longer
   * map anything, and clears the entries that pointed at them — for a
   * table whose user flushed its TLB after the unmap and walks nothing
   * there any more (the display's, whose mappings come and go with
   * framebuffers: without this its tables would only ever grow). The GPU
   * VMs keep their tables until the VM dies: a job may still be walking them.
   */
  prune(va: number, pages: number): void {
    const l1Span = PT_ENTRIES * PAGE_SIZE, l0Span = PT_ENTRIES * l1Span;
    const end = va + pages * PAGE_SIZE;
    const empty = (t: number) => {
      const words = new Uint32Array(this.mem.u8.buffer, this.mem.u8.byteOffset + t, PAGE_SIZE / 4);
      for (let i = 0; i < words.length; i += 2) if (words[i]! & PTE.VALID) return false;
      return true;
    };
    const drop = (parent: number, index: number, t: number) => {
      this.mem.w32(parent + index * 8, 0); this.mem.w32(parent + index * 8 + 4, 0);
      this.tables.delete(t);
      this.pages.freePages(t, 1);
    };
    for (let at0 = Math.floor(va / l0Span) * l0Span; at0 < end; at0 += l0Span) {
      const [i0] = this.indices(at0);
      const e0 = this.mem.r32(this.root + i0 * 8);
      if (!(e0 & PTE.VALID)) continue;
      const t1 = (e0 & PTE.ADDR_MASK) >>> 0;
      for (let at1 = Math.max(at0, Math.floor(va / l1Span) * l1Span); at1 < Math.min(end, at0 + l0Span); at1 += l1Span) {
        const [, i1] = this.indices(at1);
        const e1 = this.mem.r32(t1 + i1 * 8);
        if (!(e1 & PTE.VALID)) continue;
        const leaf = (e1 & PTE.ADDR_MASK) >>> 0;
        if (empty(leaf)) drop(t1, i1, leaf);
      }
      if (empty(t1)) drop(this.root, i0, t1);
    }
  }
  destroy(): void {
    for (const t of this.tables) this.pages.freePages(t, 1);
    this.tables.clear();
  }
  get tableCount(): number { return this.tables.size; }
}
