/**
 * Reading the GPU's page-table format (regs.ts: three levels of PT_ENTRIES
 * 8-byte entries, 16 KiB pages; the kernel half through TTBR1, the user half
 * through the slot's TTBR0 in the TTBAT). One walk, shared by the MMU
 * (hw/mmu.ts, behind its TLB) and the decoder (tools/decode.ts), so a
 * decoder cannot read memory differently from the GPU it decodes for.
 */
import { KERNEL_VA_BASE, PAGE_SIZE, PT_ENTRIES, PTE, TTBAT_ENTRY_SIZE } from './regs.js';

/** Physical reads the walk needs: a 32-bit word, and whether a table lies inside memory. */
export interface PhysRead {
  r32(pa: number): number;
  contains(pa: number, len: number): boolean;
}

/** The leaf entry (PA | permission bits) mapping `va` under `root`, or 0 when there is none. */
export function walkPageTable(mem: PhysRead, root: number, va: number): number {
  // indices: L0 = VA[46:36], L1 = VA[35:25], L2 = VA[24:14]
  const vpn = Math.floor(va / PAGE_SIZE);
  const i2 = vpn % PT_ENTRIES;
  const i1 = Math.floor(vpn / PT_ENTRIES) % PT_ENTRIES;
  const i0 = Math.floor(vpn / (PT_ENTRIES * PT_ENTRIES)) % PT_ENTRIES;
  let table = root;
  for (const idx of [i0, i1]) {
    const e = mem.r32(table + idx * 8);
    if (!(e & PTE.VALID) || !(e & PTE.TABLE)) return 0;
    table = (e & PTE.ADDR_MASK) >>> 0;
    if (!mem.contains(table, PAGE_SIZE)) return 0;
  }
  const pte = mem.r32(table + i2 * 8);
  if (!(pte & PTE.VALID) || pte & PTE.TABLE) return 0;
  return pte >>> 0;
}

/** The root table for `va` in address-space slot `slot` (-1: the kernel half only); 0 when the slot has none. */
export function pageTableRoot(mem: PhysRead, ttbr1: number, ttbat: number, slot: number, va: number): number {
  if (va >= KERNEL_VA_BASE) return ttbr1;
  if (slot < 0) return 0;
  const a = ttbat + slot * TTBAT_ENTRY_SIZE;
  return mem.r32(a + 4) * 0x1_0000_0000 + mem.r32(a);
}
