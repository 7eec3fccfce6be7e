/**
 * The Akari GPU's register block: 32-bit registers by word index.
 *
 * The kernel drives the GPU only through these and memory; the GPU answers
 * only through these (interrupt status) and memory (event rings). The block
 * lives in its own shared buffer so it works across threads; `Atomics` gives
 * the ordering an MMIO write barrier would.
 */
export const REG = {
  GPU_ID: 0,            // RO: 0x0A4A0001 — 'AK' product, major 1
  GPU_REVISION: 1,      // RO
  FW_ABI: 2,            // RO after boot: firmware ABI version (major << 16 | minor)
  FW_STATUS: 3,         // RO: FwStatus
  POWER: 4,             // RW: 1 powers the GPU up
  DOORBELL: 5,          // WO: the kernel adds 1 to ring the firmware's doorbell
  IRQ_RAWSTAT: 6,       // RO: pending interrupt bits
  IRQ_MASK: 7,          // RW: interrupts delivered only where set
  IRQ_CLEAR: 8,         // WO: write 1s to clear RAWSTAT bits
  IRQ_SEQ: 9,           // RO: increments on every interrupt raised (wait word)
  FW_INIT_LO: 10,       // RW: kernel VA of the firmware init data
  FW_INIT_HI: 11,
  MMU_TTBR1_LO: 12,     // RW: physical address of the kernel-half page table root
  MMU_TTBR1_HI: 13,
  MMU_TTBAT_LO: 14,     // RW: physical address of the address-space table (ttbr0 per AS slot)
  MMU_TTBAT_HI: 15,
  MMU_FLUSH: 16,        // WO: the kernel adds 1 to invalidate every TLB
  FAULT_STATUS: 17,     // RO: last MMU fault: 1 = valid
  FAULT_ADDR_LO: 18,
  FAULT_ADDR_HI: 19,
  FAULT_AS: 20,
  FAULT_ACCESS: 21,     // AccessKind
  TIMESTAMP_LO: 22,     // RO: GPU timestamp, ns
  TIMESTAMP_HI: 23,
  MEM_SIZE_MIB: 24,     // RO: physical memory size
  NUM_AS: 25,           // RO: address-space slots
  BOOT: 26,             // WO: 1 starts the firmware coprocessor at its reset vector
  RESET: 27,            // WO: 1 halts and resets the coprocessor and the pipelines
  FW_HEARTBEAT: 28,     // RO: firmware loop counter
  DEBUG_INJECT: 29,     // WO: test fault injection into the coprocessor (DebugInject), consumed on its next pass
  CORE_COUNT: 30,       // RO: shader cores (1..MAX_SHADER_CORES, hwdesc/corelocal.ts); fragment passes spread their tiles over all of them
  CORE_TILES: 31,       // RO, 8 registers (31..38): performance counter of tiles rendered by shader core 0..7 (wrapping)
} as const;

/**
 * DEBUG_INJECT values: break the coprocessor on purpose, as a debugger or a
 * hypervisor (m1n1) can, so that the kernel's recovery paths can be tested.
 * CRASH: the firmware takes an internal exception (FW_STATUS = CRASHED, FW_CRASH
 * interrupt). HANG: the coprocessor stops executing (no events, no heartbeat)
 * until the next RESET — the case only the kernel's own job timeout catches.
 */
export const DebugInject = { NONE: 0, CRASH: 1, HANG: 2 } as const;
export const REG_COUNT = 64;

export const GPU_ID_VALUE = 0x0a4a0001;
export const GPU_REVISION_VALUE = 0x11;
export const PAGE_SIZE = 16384;
export const PAGE_SHIFT = 14;
export const NUM_AS_SLOTS = 16;

export const FwStatus = { OFF: 0, BOOTING: 1, RUNNING: 2, CRASHED: 3, HALTED: 4 } as const;

/** Interrupt bits in IRQ_RAWSTAT. */
export const IRQ = {
  FW_READY: 1 << 0,   // firmware finished its boot handshake
  EVENT: 1 << 1,      // the event ring has new entries
  LOG: 1 << 2,        // the log ring has new entries
  FW_CRASH: 1 << 3,   // the firmware stopped on an internal exception
  MMU_FAULT: 1 << 4,  // a page fault (details in FAULT_* registers)
} as const;

export const ACCESS = ['read', 'write', 'execute'] as const;
export type AccessKind = 0 | 1 | 2;
export const ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2;

/**
 * Page-table format. 47-bit virtual addresses, three levels of 2048 8-byte
 * entries (one 16 KiB page per table). VA bit 46 selects the root: 0 is the
 * per-address-space TTBR0 (user half), 1 the shared TTBR1 (kernel half).
 * Entries are two little-endian words; the low word holds flags and the
 * physical address bits [31:14], the high word physical bits [47:32].
 */
export const VA_BITS = 47;
export const KERNEL_VA_BASE = 2 ** 46;
export const VA_END = 2 ** 47;
export const PT_LEVEL_BITS = 11;
export const PT_ENTRIES = 2048;
export const PTE = {
  VALID: 1 << 0,
  TABLE: 1 << 1,  // L0/L1: points to the next-level table
  READ: 1 << 2,
  WRITE: 1 << 3,
  EXEC: 1 << 4,
  /** bits [31:14] of the low word are the physical page address */
  ADDR_MASK: 0xffffc000,
} as const;

/** Layout of one slot in the address-space table (TTBAT): 16 bytes. */
export const TTBAT_ENTRY_SIZE = 16; // u64 ttbr0 (PA of root, 0 = slot disabled), u32 vm id, u32 pad
