/**
 * Vertex kernels: the vertex program, translated from the machine code the
 * core fetched (shader-wasm.ts Translator), run over a range of a batch's
 * vertices a warp after another inside one WebAssembly call — as the
 * fragment side's fused kernels (fused.ts) run a triangle's warps — instead
 * of one call per warp with the pipeline's bookkeeping around each.
 *
 * Per call the vertex pipeline writes the range's vertex indices into the
 * core's local memory (CORE_LOCAL.vertexList); per warp the kernel takes 16
 * of them, writes fresh outputs for them into the stage (0, w = 1, point
 * size 1), launches the warp under the watchdog's lease (as fused kernels do:
 * watchdog.ts lease()), runs the program from zeroed registers — attribute
 * loads from the draw's ATTRIB_FETCH blocks and output stores into the
 * stage by the program's own code, everything else through the core's I/O
 * unit — and counts its instructions. After the call the stage is copied
 * into the batch's storage.
 *
 * The warps are the per-warp path's (tiler.ts shadeRange): the same
 * vertices in the same lanes (lanes past the range have vertex index 0 on
 * both), the same launches, budgets and instruction counts, so outputs,
 * faults and the watchdog's virtual time are identical
 * (test/vertex-kernel.test.ts).
 */
import { ModuleBuilder } from './wasm/emitter.js';
import { importCore, Translator, coreOf, type CoreIo, type KernelFrame } from './shader-wasm.js';
import type { DecodedOp, ShaderIO } from './shader-core.js';
import type { PhysicalMemory } from './memory.js';
import type { Lease, Watchdog } from './watchdog.js';
import { CORE_LOCAL, VERTEX_KERNEL, VERTEX_OUT_MAX_WORDS } from '../hwdesc/corelocal.js';
import { OPS, WARP_LANES } from '../hwdesc/isa.js';
import { WORK_COST_NS } from '../hwdesc/timing.js';

const LANES = WARP_LANES;
const VK = CORE_LOCAL.vertexKernel;
const ONE = 0x3f800000;
/** special registers (hwdesc/isa.ts SPECIAL_REGS) */
const LANE_ID = 0, VERTEX_ID = 1, INSTANCE_ID = 2;

/** Whether a program can run as a vertex kernel: its registers fit in locals (no ld_r/st_r, which index the register file in local memory). */
export function kernelable(code: readonly DecodedOp[]): boolean {
  return !code.some((i) => OPS[i.op]?.name === 'ld_r' || OPS[i.op]?.name === 'st_r');
}

/**
 * Builds the kernel module: `warps(base, count, uniLen) -> warps run` runs
 * the program over the first `count` vertices of the core's vertex list,
 * a warp of 16 after another.
 */
export function buildVertexKernel(code: readonly DecodedOp[], regCount: number): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  importCore(m);
  const WARP_IMPORT = m.importFunc('core', 'vertexWarp', { params: [], results: ['i32'] });
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32'], results: ['i32'] }, 'warps');
  const P_BASE = 0, P_COUNT = 1, P_UNI = 2;
  const j = f.local('i32'), mask = f.local('i32'), maxSteps = f.local('i32'), n = f.local('i32');
  const ids = f.local('i32'), out = f.local('i32'), psize = f.local('i32'), outStep = f.local('i32');
  const used = f.local('f64'), o = f.local('i32'), laneStep = f.local('i32');
  const frame: KernelFrame = {
    base: P_BASE, maxSteps, uniLen: P_UNI, laneMask: mask, ids, out, psize,
    special: (idx, locs) => {
      locs.forEach((loc, k) => {
        if (idx === LANE_ID) f.v128i32(4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3);
        else if (idx === VERTEX_ID) f.get(ids).simd('v128.load', 4, k * 16);
        else if (idx === INSTANCE_ID) f.get(P_BASE).simd('v128.load32_splat', 2, VK + VERTEX_KERNEL.instance);
        else f.v128i32(0, 0, 0, 0);
        f.set(loc);
      });
    },
  };
  const tr = new Translator(f, code, regCount, null, frame);
  // output bytes per warp
  f.get(P_BASE).op('i32.load', 2, CORE_LOCAL.vertexOutWords).i32(4 * LANES).op('i32.mul').set(outStep);
  f.i32(0).set(j);
  f.block().loop();
  {
    // n = count - 16 j vertices left; none: done
    f.get(P_COUNT).get(j).i32(4).op('i32.shl').op('i32.sub').tee(n).i32(0).op('i32.le_s').op('br_if', 1);
    f.i32(0xffff).i32(1).get(n).op('i32.shl').i32(1).op('i32.sub').get(n).i32(LANES).op('i32.ge_s').op('select').set(mask);
    f.get(P_BASE).get(j).i32(6).op('i32.shl').op('i32.add').tee(ids).i32(CORE_LOCAL.vertexListPsize - CORE_LOCAL.vertexList).op('i32.add').set(psize);
    f.get(ids).i32(CORE_LOCAL.vertexList).op('i32.add').set(ids);
    f.get(psize).i32(CORE_LOCAL.vertexList).op('i32.add').set(psize);
    f.get(P_BASE).get(j).get(outStep).op('i32.mul').op('i32.add').i32(CORE_LOCAL.vertexStage).op('i32.add').set(out);
    // the warp the I/O unit's lane indices belong to
    f.get(P_BASE).get(j).op('i32.store', 2, VK + VERTEX_KERNEL.warp);
    // the launch: counted here with its budget computed as the watchdog would (watchdog.ts lease()); past
    // the lease the watchdog itself launches it (its budget, or the job stops)
    f.get(P_BASE).i32(0).op('i32.store', 2, VK + VERTEX_KERNEL.wdCharged);
    f.get(P_BASE).op('f64.load', 3, VK + VERTEX_KERNEL.wdUsed).tee(used).get(P_BASE).op('f64.load', 3, VK + VERTEX_KERNEL.wdLease).op('f64.ge');
    f.if();
    f.op('call', WARP_IMPORT).set(maxSteps);
    f.op('else');
    f.get(P_BASE).get(used).f64(WORK_COST_NS.warp).op('f64.add').tee(used).op('f64.store', 3, VK + VERTEX_KERNEL.wdUsed);
    f.get(P_BASE).op('i32.load', 2, VK + VERTEX_KERNEL.wdSlice).tee(maxSteps).op('i32.eqz');
    f.if();
    // max(1, floor((left - work) / instruction)), at most 2^31 - 1
    f.get(P_BASE).op('f64.load', 3, VK + VERTEX_KERNEL.wdLeft).get(used).op('f64.sub').f64(WORK_COST_NS.instruction).op('f64.div').op('f64.floor')
      .f64(1).op('f64.max').f64(0x7fffffff).op('f64.min').op('i32.trunc_f64_s').set(maxSteps);
    f.end();
    f.end();
    // fresh outputs for the warp's 16 lanes: 0, w = 1 (clip position), point size 1
    f.get(out).set(o);
    f.block().loop();
    f.get(o).v128i32(0, 0, 0, 0).simd('v128.store', 4, 0);
    f.get(o).i32(16).op('i32.add').tee(o).get(out).get(outStep).op('i32.add').op('i32.lt_u').op('br_if', 0);
    f.end().end();
    f.get(outStep).i32(4).op('i32.shr_u').set(laneStep);
    f.get(out).set(o);
    for (let l = 0; l < LANES; l++) f.get(o).i32(ONE).op('i32.store', 2, 12).get(o).get(laneStep).op('i32.add').set(o);
    for (let k = 0; k < LANES / 4; k++) f.get(psize).v128i32(ONE, ONE, ONE, ONE).simd('v128.store', 4, k * 16);
    // the program, from zeroed registers
    f.i32(0).set(tr.steps);
    tr.run();
    // its instructions (those an extension did not charge) to the lease's work, and to the call's count
    f.get(P_BASE).get(P_BASE).op('f64.load', 3, VK + VERTEX_KERNEL.wdUsed)
      .get(tr.steps).get(P_BASE).op('i32.load', 2, VK + VERTEX_KERNEL.wdCharged).op('i32.sub').op('f64.convert_i32_u').f64(WORK_COST_NS.instruction).op('f64.mul')
      .op('f64.add').op('f64.store', 3, VK + VERTEX_KERNEL.wdUsed);
    f.get(P_BASE).get(P_BASE).op('f64.load', 3, VK + VERTEX_KERNEL.instructions).get(tr.steps).op('f64.convert_i32_u').op('f64.add')
      .op('f64.store', 3, VK + VERTEX_KERNEL.instructions);
    f.get(j).i32(1).op('i32.add').set(j);
    f.op('br', 0);
  }
  f.end().end();
  f.get(j);
  return m.encode();
}

/**
 * Per core: the watchdog of the running kernel call and the kernel's lease
 * on it (the block's wd* words): the kernel calls `warp` for a launch past
 * its lease and `more` (through the I/O unit's budget) for a warp past its
 * budget; both first charge the work it accounted itself.
 */
class LeasePort {
  watch: Watchdog | null = null;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly d: number;
  private readonly w: number;
  private readonly leased: Lease = { lease: 0, left: 0, slice: 0 };
  constructor(mem: PhysicalMemory, at: number) {
    this.f64 = new Float64Array(mem.buffer); this.i32 = mem.i32;
    this.d = at >> 3; this.w = at >> 2;
  }
  open(watch: Watchdog): void {
    this.watch = watch;
    this.f64[this.d + VERTEX_KERNEL.wdUsed / 8] = 0; this.i32[this.w + VERTEX_KERNEL.wdCharged / 4] = 0;
    this.renew();
  }
  settle(): void {
    const at = this.d + VERTEX_KERNEL.wdUsed / 8, used = this.f64[at]!;
    if (used) { this.f64[at] = 0; this.watch!.settle(used); }
  }
  private renew(): void {
    const l = this.watch!.lease(this.leased);
    this.f64[this.d + VERTEX_KERNEL.wdLease / 8] = l.lease; this.f64[this.d + VERTEX_KERNEL.wdLeft / 8] = l.left;
    this.i32[this.w + VERTEX_KERNEL.wdSlice / 4] = l.slice;
  }
  warp = (): number => {
    this.settle();
    const budget = this.watch!.beginWarp();
    this.renew();
    return Math.min(budget, 0x7fffffff);
  };
  more = (steps: number): number => {
    this.settle();
    const at = this.w + VERTEX_KERNEL.wdCharged / 4;
    const budget = this.watch!.extendWarp(steps, this.i32[at]!);
    this.i32[at] = steps;
    this.renew();
    return budget;
  };
}

/** Where a kernel call's outputs go: the batch's storage (as bits), `words` per vertex of which `varyings` varyings, and its point sizes. */
export interface VertexKernelOutputs { store: Uint32Array; psize: Uint32Array; words: number; varyings: number }

/** Process-wide switch (AKARI_VERTEX_KERNEL=0 turns vertex kernels off; tests compare both paths). */
let enabled = process.env.AKARI_VERTEX_KERNEL !== '0';
export function setVertexKernels(on: boolean): void { enabled = on; }
/** kernel calls made, vertices they shaded and kernels built in this process (for tests and tools: which path ran) */
export const vertexKernelCounters = { calls: 0, vertices: 0, kernels: 0 };

const modules = new WeakMap<readonly DecodedOp[], Map<number, WebAssembly.Module | null>>();
const instances = new WeakMap<WebAssembly.Module, Map<PhysicalMemory, Array<VertexKernel | undefined>>>();

/**
 * The vertex kernel of program `code` (as the code cache decoded it) on core
 * `core` of the device with memory `mem`; null when vertex kernels are off
 * or the program cannot run as one (kernelable). Modules are kept per
 * decoded program (so across jobs, with the code cache's entry).
 */
export function vertexKernel(code: readonly DecodedOp[], regCount: number, mem: PhysicalMemory, core: number): VertexKernel | null {
  if (!enabled) return null;
  let byRegs = modules.get(code);
  if (!byRegs) modules.set(code, (byRegs = new Map()));
  let mod = byRegs.get(regCount);
  if (mod === undefined) {
    mod = kernelable(code) ? new WebAssembly.Module(buildVertexKernel(code, regCount)) : null;
    if (mod) vertexKernelCounters.kernels++;
    byRegs.set(regCount, mod);
  }
  if (!mod) return null;
  let byMem = instances.get(mod);
  if (!byMem) instances.set(mod, (byMem = new Map()));
  let per = byMem.get(mem);
  if (!per) byMem.set(mem, (per = []));
  return per[core] ?? (per[core] = new VertexKernel(mod, mem, core));
}

export class VertexKernel {
  private readonly warps: (base: number, count: number, uniLen: number) => number;
  private readonly port: LeasePort;
  private readonly io: CoreIo;
  private readonly base: number;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  constructor(mod: WebAssembly.Module, readonly mem: PhysicalMemory, readonly core: number) {
    this.io = coreOf(mem, core);
    this.base = mem.coreLocal(core);
    this.port = new LeasePort(mem, this.base + VK);
    const inst = new WebAssembly.Instance(mod, { core: { ...this.io.imports, vertexWarp: this.port.warp } });
    this.warps = inst.exports.warps as (base: number, count: number, uniLen: number) => number;
    this.u32 = mem.u32;
    this.f64 = new Float64Array(mem.buffer);
  }

  /** vertices per call for outputs of `words` words per vertex: whole warps that fit the list and the stage */
  static lanesFor(words: number): number {
    return Math.min(VERTEX_KERNEL.lanes, Math.floor(VERTEX_KERNEL.stageWords / words / LANES) * LANES);
  }

  /**
   * Shades batch vertices [from, to) (`ids[k]`: batch vertex k's index; a
   * multiple of the warp width from the batch's start, as shadeRange's
   * warps) under `watch`, writing their outputs into `out`; returns the
   * first vertex it did not shade: `to`, or earlier at a vertex whose index
   * is no u32 (negative after base_vertex, or past 2^32 - 1), which the
   * caller shades warp by warp from there. The I/O unit's requests go to
   * `io`, whose `laneVertex` is kept at the running warp's indices.
   */
  run(io: ShaderIO, watch: Watchdog, ids: ArrayLike<number>, from: number, to: number, instance: number,
    out: VertexKernelOutputs, stats: { instructions: number }): number {
    const words = out.words;
    if (!(words > 0 && words <= VERTEX_OUT_MAX_WORDS)) return from;
    const u32 = this.u32, b = this.base, cap = VertexKernel.lanesFor(words);
    const list = (b + CORE_LOCAL.vertexList) >> 2, ps = (b + CORE_LOCAL.vertexListPsize) >> 2, stage = (b + CORE_LOCAL.vertexStage) >> 2;
    const blk = (b + VK) >> 2;
    const lanes = io.laneVertex;
    let first = from;
    // the I/O unit sees the running warp's lane indices (attribute loads the program leaves to it)
    const sync = (): void => {
      if (!lanes) return;
      const w = first + u32[blk + VERTEX_KERNEL.warp / 4]! * LANES;
      for (let l = 0; l < LANES; l++) lanes[l] = w + l < to ? ids[w + l]! : 0;
    };
    const kio: ShaderIO = {
      ...io,
      ldAttr: (lane, s, comp) => { sync(); return io.ldAttr(lane, s, comp); },
      ldAttrLanes: io.ldAttrLanes ? (s, comp, mask, w32, wf32, at) => { sync(); io.ldAttrLanes!(s, comp, mask, w32, wf32, at); } : undefined,
    };
    const coreIo = this.io, port = this.port;
    coreIo.loadUniforms(io.uniforms);
    coreIo.loadVertexFetch(io.attribFetch, undefined);
    u32[(b + CORE_LOCAL.vertexOutWords) >> 2] = words;
    u32[(b + CORE_LOCAL.vertexOutVaryings) >> 2] = out.varyings;
    u32[blk + VERTEX_KERNEL.instance / 4] = instance >>> 0;
    while (first < to) {
      const n = Math.min(cap, to - first);
      // the range's indices (lanes past it 0, as the per-warp path's); one that is no u32 ends the kernel's part
      let ok = n;
      for (let l = 0; l < n; l++) {
        const v = ids[first + l]!;
        if (!(v >= 0 && v <= 0xffffffff)) { ok = l; break; }
        u32[list + l] = v;
      }
      const count = ok === n ? n : ok - (ok % LANES);
      if (!count) return first;
      for (let l = count; l % LANES; l++) u32[list + l] = 0;
      coreIo.io = kio;
      coreIo.more = port.more;
      port.open(watch);
      vertexKernelCounters.calls++;
      this.f64[(b + VK + VERTEX_KERNEL.instructions) >> 3] = 0;
      try {
        this.warps(b, count, io.uniforms.length);
      } finally {
        // the work and instructions of the warps that completed (and the launch of one that did not), even
        // when the job stops or faults inside the kernel
        port.settle();
        stats.instructions += this.f64[(b + VK + VERTEX_KERNEL.instructions) >> 3]!;
        port.watch = null;
      }
      out.store.set(u32.subarray(stage, stage + count * words), first * words);
      out.psize.set(u32.subarray(ps, ps + count), first);
      vertexKernelCounters.vertices += count;
      first += count;
      if (count < n) return first;
    }
    return first;
  }
}
