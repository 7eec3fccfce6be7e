/**
 * The firmware's shared-memory ABI: structures the kernel and the firmware
 * both read and write, declared once for every firmware version.
 *
 * As in the Asahi driver, a field is gated by version *in its declaration*
 * (`since`, `until`); the byte layout of each version is derived (natural
 * alignment, declaration order), so neither the kernel nor the firmware has a
 * per-version copy of any structure. Both sides access fields by name through
 * `FwLayout`, which was computed for the version read at boot.
 */

export const FW_VERSIONS = ['v1', 'v2'] as const;
export type FwVersion = (typeof FW_VERSIONS)[number];
/** FW_ABI register value per version. */
export const FW_ABI_VALUE: Record<FwVersion, number> = { v1: 0x0001_0000, v2: 0x0002_0000 };
export function fwVersionFromAbi(v: number): FwVersion | undefined {
  return FW_VERSIONS.find((k) => FW_ABI_VALUE[k] === v);
}

export type FwType = 'u8' | 'u16' | 'u32' | 'u64' | 'f32';
const SIZE: Record<FwType, number> = { u8: 1, u16: 2, u32: 4, u64: 8, f32: 4 };

export interface FwField {
  readonly name: string;
  readonly type: FwType;
  /** array length (e.g. a fixed text buffer of u8) */
  readonly count?: number;
  readonly since?: FwVersion;
  readonly until?: FwVersion; // last version that has it
}

export interface FwStructDesc {
  readonly name: string;
  readonly fields: readonly FwField[];
}

export interface FwLayout {
  readonly name: string;
  readonly version: FwVersion;
  readonly size: number;
  readonly fields: ReadonlyMap<string, { offset: number; type: FwType; count: number }>;
  has(name: string): boolean;
  offset(name: string): number;
}

function inVersion(fd: FwField, v: FwVersion): boolean {
  const i = FW_VERSIONS.indexOf(v);
  if (fd.since && i < FW_VERSIONS.indexOf(fd.since)) return false;
  if (fd.until && i > FW_VERSIONS.indexOf(fd.until)) return false;
  return true;
}

const layoutCache = new Map<string, FwLayout>();
export function layoutOf(desc: FwStructDesc, version: FwVersion): FwLayout {
  const key = `${desc.name}@${version}`;
  const hit = layoutCache.get(key);
  if (hit) return hit;
  const fields = new Map<string, { offset: number; type: FwType; count: number }>();
  let off = 0, maxAlign = 4;
  for (const fd of desc.fields) {
    if (!inVersion(fd, version)) continue;
    const sz = SIZE[fd.type];
    maxAlign = Math.max(maxAlign, sz);
    off = Math.ceil(off / sz) * sz;
    fields.set(fd.name, { offset: off, type: fd.type, count: fd.count ?? 1 });
    off += sz * (fd.count ?? 1);
  }
  const size = Math.ceil(off / maxAlign) * maxAlign;
  const layout: FwLayout = {
    name: desc.name, version, size, fields,
    has: (n) => fields.has(n),
    offset: (n) => {
      const e = fields.get(n);
      if (!e) throw new Error(`${desc.name}@${version} has no field ${n}`);
      return e.offset;
    },
  };
  layoutCache.set(key, layout);
  return layout;
}

/** Byte-addressed memory as seen by one side (kernel: physical; firmware: through its MMU). */
export interface MemAccess {
  r8(addr: number): number;
  r16(addr: number): number;
  r32(addr: number): number;
  w8(addr: number, v: number): void;
  w16(addr: number, v: number): void;
  w32(addr: number, v: number): void;
}

/** A typed window on one firmware structure instance at `base`. */
export class FwView {
  constructor(readonly mem: MemAccess, readonly layout: FwLayout, readonly base: number) {}
  get(name: string, index = 0): number {
    const e = this.layout.fields.get(name);
    if (!e) throw new Error(`${this.layout.name}@${this.layout.version} has no field ${name}`);
    const a = this.base + e.offset + index * SIZE[e.type];
    switch (e.type) {
      case 'u8': return this.mem.r8(a);
      case 'u16': return this.mem.r16(a);
      case 'u32': return this.mem.r32(a) >>> 0;
      case 'f32': { const b = new Float32Array(new Uint32Array([this.mem.r32(a)]).buffer); return b[0]!; }
      case 'u64': return (this.mem.r32(a + 4) >>> 0) * 0x1_0000_0000 + (this.mem.r32(a) >>> 0);
    }
  }
  set(name: string, v: number, index = 0): void {
    const e = this.layout.fields.get(name);
    if (!e) throw new Error(`${this.layout.name}@${this.layout.version} has no field ${name}`);
    const a = this.base + e.offset + index * SIZE[e.type];
    switch (e.type) {
      case 'u8': this.mem.w8(a, v); break;
      case 'u16': this.mem.w16(a, v); break;
      case 'u32': this.mem.w32(a, v >>> 0); break;
      case 'f32': this.mem.w32(a, new Uint32Array(new Float32Array([v]).buffer)[0]!); break;
      case 'u64':
        this.mem.w32(a, v % 0x1_0000_0000 >>> 0);
        this.mem.w32(a + 4, Math.floor(v / 0x1_0000_0000) >>> 0);
        break;
    }
  }
  /** Sets a field only if this version has it (for optional, version-gated data). */
  setIf(name: string, v: number): void {
    if (this.layout.has(name)) this.set(name, v);
  }
  getIf(name: string, dflt = 0): number {
    return this.layout.has(name) ? this.get(name) : dflt;
  }
  setText(name: string, s: string): void {
    const e = this.layout.fields.get(name)!;
    const bytes = new TextEncoder().encode(s).slice(0, e.count - 1);
    for (let i = 0; i < e.count; i++) this.mem.w8(this.base + e.offset + i, bytes[i] ?? 0);
  }
  getText(name: string): string {
    const e = this.layout.fields.get(name)!;
    const bytes: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const b = this.mem.r8(this.base + e.offset + i);
      if (!b) break;
      bytes.push(b);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

export const FW_INIT_MAGIC = 0x414b4649; // 'AKFI'

/** Written by the kernel before boot; the firmware finds everything from here. */
export const INIT_DATA: FwStructDesc = {
  name: 'INIT_DATA',
  fields: [
    { name: 'magic', type: 'u32' },
    { name: 'flags', type: 'u32', since: 'v2' },
    { name: 'submit_ring', type: 'u64' },
    { name: 'event_ring', type: 'u64' },
    { name: 'log_ring', type: 'u64' },
    { name: 'stats', type: 'u64' },
    { name: 'heartbeat_ms', type: 'u32', until: 'v1' },
    { name: 'watchdog_ms', type: 'u32', since: 'v2' },
    { name: 'fw_ready', type: 'u32' },
    { name: 'fw_abi', type: 'u32' },
    { name: 'kernel_scratch', type: 'u64', since: 'v2' },
  ],
};

/** Ring header, followed by `entries` records of `entry_size` bytes. */
export const RING: FwStructDesc = {
  name: 'RING',
  fields: [
    { name: 'head', type: 'u32' }, // consumer index
    { name: 'tail', type: 'u32' }, // producer index
    { name: 'entries', type: 'u32' },
    { name: 'entry_size', type: 'u32' },
  ],
};
export const RING_HEADER_SIZE = 64; // entries start here (keeps indices on their own cache line)

export const CMD_TYPE = ['none', 'render', 'compute', 'nop'] as const;

export const SUBMIT_ENTRY: FwStructDesc = {
  name: 'SUBMIT_ENTRY',
  fields: [
    { name: 'cmd_type', type: 'u32' },
    { name: 'priority', type: 'u8', since: 'v2' },
    { name: 'cmd', type: 'u64' },
  ],
};

/** A render command: what the firmware executes for one kernel job. */
export const RENDER_CMD: FwStructDesc = {
  name: 'RENDER_CMD',
  fields: [
    { name: 'tag', type: 'u64' },
    { name: 'as_slot', type: 'u32', until: 'v1' },
    { name: 'context_id', type: 'u16', since: 'v2' },
    { name: 'as_slot', type: 'u8', since: 'v2' },
    { name: 'flags', type: 'u32' },
    { name: 'microseq', type: 'u64' },
    { name: 'microseq_len', type: 'u32', since: 'v2' },
    { name: 'vertex_job', type: 'u64' },
    { name: 'fragment_job', type: 'u64' },
    { name: 'stamp_addr', type: 'u64' },
    { name: 'stamp_value', type: 'u32' },
    { name: 'ts_start_addr', type: 'u64' },
    { name: 'ts_end_addr', type: 'u64' },
    { name: 'timeout_ms', type: 'u32', since: 'v2' },
  ],
};

export const EVENT_TYPE = ['none', 'complete', 'fault', 'timeout', 'crash'] as const;
/** Job status in completion events. */
export const JOB_STATUS = ['ok', 'fault', 'timeout', 'invalid', 'unknown_cmd', 'killed'] as const;
/** RENDER_CMD.flags: the kernel cancelled the command after queueing it (its queue was banned, its file closed): the firmware completes it as killed without running it. */
export const RENDER_CMD_CANCELLED = 1 << 0;

export const EVENT: FwStructDesc = {
  name: 'EVENT',
  fields: [
    { name: 'type', type: 'u32' },
    { name: 'status', type: 'u32' },
    { name: 'tag', type: 'u64' },
    { name: 'fault_addr', type: 'u64' },
    { name: 'fault_as', type: 'u32' },
    { name: 'fault_access', type: 'u32' },
    { name: 'timestamp', type: 'u64' },
    { name: 'partial_renders', type: 'u32', since: 'v2' },
    // how far a job got (a timed-out or faulted job stops early)
    { name: 'primitives', type: 'u32', since: 'v2' },
    { name: 'tiles', type: 'u32', since: 'v2' },
  ],
};

export const LOG_ENTRY: FwStructDesc = {
  name: 'LOG_ENTRY',
  fields: [
    { name: 'seq', type: 'u32' },
    { name: 'level', type: 'u32' },
    { name: 'timestamp', type: 'u64', since: 'v2' },
    { name: 'text', type: 'u8', count: 48 },
  ],
};

export const STATS: FwStructDesc = {
  name: 'STATS',
  fields: [
    { name: 'jobs_completed', type: 'u32' },
    { name: 'jobs_faulted', type: 'u32' },
    { name: 'doorbells', type: 'u32' },
    { name: 'partial_renders', type: 'u32' },
    { name: 'busy_ns', type: 'u64' },
    { name: 'vertices', type: 'u64' },
    { name: 'primitives', type: 'u64' },
    { name: 'fragments', type: 'u64', since: 'v2' },
    { name: 'tiles', type: 'u64', since: 'v2' },
    { name: 'jobs_timed_out', type: 'u32', since: 'v2' },
    // the job the firmware is running, 0 when idle: after a crash the kernel reads it (as Asahi reads the firmware's state)
    { name: 'current_tag', type: 'u64', since: 'v2' },
  ],
};

export const FW_STRUCTS: readonly FwStructDesc[] = [INIT_DATA, RING, SUBMIT_ENTRY, RENDER_CMD, EVENT, LOG_ENTRY, STATS];
