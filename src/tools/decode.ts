/**
 * akari decode — agxdecode for Akari. Given a job's firmware render command
 * (a kernel-half address), it walks what the GPU would: the command, its
 * microsequence, the vertex and fragment jobs, the framebuffer, and every
 * DRAW of the user's list with its attributes, state and shaders
 * (disassembled) — all read through the GPU's own page tables. It survives
 * garbage: a pointer that faults or an unknown op is printed as such and
 * decoding continues.
 */
import type { Machine } from '../machine/machine.js';
import { KERNEL_VA_BASE, PAGE_SIZE, PTE, REG } from '../hwdesc/regs.js';
import { pageTableRoot, walkPageTable, type PhysRead } from '../hwdesc/pagetable.js';
import type { MemAccess } from '../hwdesc/fwabi.js';
import { FwView, RENDER_CMD, layoutOf } from '../hwdesc/fwabi.js';
import { MICROSEQ, MS_OP, MS_OP_WORDS } from '../hwdesc/microseq.js';
import { ATTRIBUTE, DRAW, FRAGMENT_JOB, FRAMEBUFFER, MAX_RENDER_TARGETS, RENDER_TARGET, SHADER, STATE, TEXTURE, UNIFORM_RANGE, VERTEX_JOB } from '../hwdesc/descriptors.js';
import { print, unpack, type StructDesc } from '../hwdesc/struct.js';
import { disassembleBlob } from '../hwdesc/isa-codec.js';
import { hex } from '../base/bits.js';

/**
 * The decoder's window on GPU memory: the GPU's own page-table walk
 * (hwdesc/pagetable.ts) over physical memory, read-only, with no TLB and no
 * permission checks (a decoder shows what is there; a kernel-half address in
 * a user descriptor is printed, not followed, by the callers that care).
 */
class DecoderView {
  constructor(private readonly mem: PhysRead & { r8(pa: number): number; r16(pa: number): number }, private readonly ttbr1: number, private readonly ttbat: number) {}
  private translate(slot: number, va: number, priv: boolean): number {
    if (va >= KERNEL_VA_BASE && !priv) throw new Error(`kernel-half address ${hex(va)} from an unprivileged descriptor`);
    const root = pageTableRoot(this.mem, this.ttbr1, this.ttbat, slot, va);
    const pte = root ? walkPageTable(this.mem, root, va) : 0;
    if (!pte) throw new Error(`unmapped address ${hex(va)} in AS ${slot}`);
    return ((pte & PTE.ADDR_MASK) >>> 0) + (va % PAGE_SIZE);
  }
  readWords(slot: number, va: number, words: number, _access = 0, priv = false): Uint32Array {
    const out = new Uint32Array(words);
    for (let i = 0; i < words; i++) out[i] = this.mem.r32(this.translate(slot, va + i * 4, priv));
    return out;
  }
  accessor(slot: number): MemAccess {
    const rd = (a: number) => this.translate(slot, a, true);
    const ro = () => { throw new Error('the decoder does not write GPU memory'); };
    const m = this.mem;
    return { r8: (a) => m.r8(rd(a)), r16: (a) => m.r16(rd(a)), r32: (a) => m.r32(rd(a)), w8: ro, w16: ro, w32: ro };
  }
}

export function decodeJob(machine: Machine, cmdVa: number, slot: number): string {
  const bus = machine.bus;
  const mmu = new DecoderView(bus.mem,
    bus.readReg(REG.MMU_TTBR1_HI) * 2 ** 32 + bus.readReg(REG.MMU_TTBR1_LO),
    bus.readReg(REG.MMU_TTBAT_HI) * 2 ** 32 + bus.readReg(REG.MMU_TTBAT_LO));
  const out: string[] = [];
  const indent = (s: string, n: number) => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
  const desc = (d: StructDesc, va: number, depth: number, priv = false): Record<string, number> | null => {
    try {
      const u = unpack(d, mmu.readWords(slot, va, d.words, 0, priv));
      out.push(indent(`${print(d, u).replace(/^(\w+):/, `$1 @ ${hex(va)}:`)}`, depth));
      return u.values;
    } catch (e) {
      out.push(indent(`XXX ${d.name} @ ${hex(va)}: ${(e as Error).message}`, depth));
      return null;
    }
  };
  const fw = machine.driver.fwVersion;
  out.push(`RENDER_CMD @ ${hex(cmdVa)} (firmware ABI ${fw}):`);
  let cmd: FwView;
  try {
    cmd = new FwView(mmu.accessor(-1), layoutOf(RENDER_CMD, fw), cmdVa);
    for (const name of cmd.layout.fields.keys()) {
      const v = cmd.get(name);
      out.push(`  ${name}: ${/addr|microseq|job/.test(name) ? hex(v) : v}`);
    }
  } catch (e) {
    out.push(`  XXX unreadable: ${(e as Error).message}`);
    return out.join('\n');
  }
  const ms = cmd.get('microseq');
  out.push(`MICROSEQUENCE @ ${hex(ms)}:`);
  let vertexJob = 0, fragmentJob = 0;
  for (let pc = 0; pc < 64; pc++) {
    const va = ms + pc * MS_OP_WORDS * 4;
    let words: Uint32Array;
    try { words = mmu.readWords(slot, va, MS_OP_WORDS, 0, true); } catch (e) { out.push(`  XXX ${(e as Error).message}`); break; }
    const name = MS_OP[words[0]! & 0xff];
    if (!name) { out.push(`  ${pc}: XXX unknown op ${words[0]! & 0xff} [${[...words].map((w) => hex(w, 8)).join(' ')}]`); continue; }
    const v = unpack(MICROSEQ[name], words).values;
    const args = Object.entries(v).filter(([k]) => k !== 'op').map(([k, x]) => `${k}=${k === 'job' || k === 'address' ? hex(x) : x}`);
    out.push(`  ${pc}: ${name} ${args.join(' ')}`);
    if (name === 'start_vertex') vertexJob = v.job!;
    if (name === 'start_fragment') fragmentJob = v.job!;
    if (name === 'end') break;
  }
  const vj = vertexJob ? desc(VERTEX_JOB, vertexJob, 0, true) : null;
  const fj = fragmentJob ? desc(FRAGMENT_JOB, fragmentJob, 0, true) : null;
  const fbd = fj ? desc(FRAMEBUFFER, fj.framebuffer!, 0, true) : null;
  // render targets 1..color_count-1
  if (fbd && fbd.color_count! > 1) {
    for (let t = 1; t < Math.min(fbd.color_count!, MAX_RENDER_TARGETS); t++) desc(RENDER_TARGET, fbd.targets! + (t - 1) * RENDER_TARGET.words * 4, 2, true);
  }
  let draw = vj?.draws ?? 0;
  const seen = new Set<number>();
  while (draw && !seen.has(draw)) {
    seen.add(draw);
    const d = desc(DRAW, draw, 0);
    if (!d) break;
    for (let i = 0; i < d.attrib_count!; i++) desc(ATTRIBUTE, d.attribs! + i * 32, 2);
    desc(STATE, d.state!, 2);
    for (const which of ['vertex_shader', 'fragment_shader'] as const) {
      const s = desc(SHADER, d[which]!, 2);
      if (!s) continue;
      try {
        const words = mmu.readWords(slot, s.code!, Math.ceil(s.code_size! / 8) * 2, 2);
        out.push(indent(`${which} code @ ${hex(s.code!)}:`, 4));
        out.push(...disassembleBlob(words).map((l) => '      ' + l));
      } catch (e) { out.push(indent(`XXX ${which} code: ${(e as Error).message}`, 4)); }
      if (s.uniform_count) {
        try { out.push(indent(`uniforms: ${[...mmu.readWords(slot, s.uniforms!, s.uniform_count)].map((w) => hex(w, 8)).join(' ')}`, 4)); }
        catch (e) { out.push(indent(`XXX uniforms: ${(e as Error).message}`, 4)); }
      }
      for (let r = 0; r < s.uniform_range_count!; r++) desc(UNIFORM_RANGE, s.uniform_ranges! + r * UNIFORM_RANGE.align, 4);
      for (let t = 0; t < s.texture_count!; t++) desc(TEXTURE, s.textures! + t * 32, 4);
    }
    draw = d.next!;
  }
  return out.join('\n');
}
