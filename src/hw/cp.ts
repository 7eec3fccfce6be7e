/**
 * The command processor: runs a microsequence (hwdesc/microseq.ts) from the
 * kernel half of the address space, starting the vertex/tiler and fragment
 * pipelines and writing timestamps and completion stamps. Faults stop it and
 * are reported to the firmware in the result; the CP itself keeps no state
 * between microsequences.
 */
import { FRAGMENT_JOB, FRAMEBUFFER, VERTEX_JOB } from '../hwdesc/descriptors.js';
import { MICROSEQ, MS_OP, MS_OP_WORDS } from '../hwdesc/microseq.js';
import { unpack } from '../hwdesc/struct.js';
import { ACCESS_READ, ACCESS_WRITE } from '../hwdesc/regs.js';
import { GpuFault, type Mmu } from './mmu.js';
import type { TranslatedProgram } from './drawstate.js';
import type { CodeCache } from './code-cache.js';
import { VertexPipeline, type TilerHeap, type TilerStats } from './tiler.js';
import type { FragmentStats } from './fragment.js';
import type { FragmentPassJob, ShaderCores } from './cores.js';
import { ShaderDecodeError, ShaderExecError } from './shader-core.js';
import { JobStopped, Watchdog, type GpuClock } from './watchdog.js';
import { addU64 } from './xfb.js';

// The result's shape is part of the coprocessor contract (the firmware reads it).
export type { CpResult, CpStatus } from '../hwdesc/coprocessor.js';
import type { CpResult } from '../hwdesc/coprocessor.js';

const MAX_MS_OPS = 4096;

export class CommandProcessor {
  readonly vertex: VertexPipeline;
  /** the shader cores: the fragment pipeline runs on all of them, the vertex pipeline on core 0 */
  readonly cores: ShaderCores;
  /**
   * `clock`: the GPU's clock (the watchdog's time base); `timestamp`: a reading of the timestamp counter.
   * `cores`: the shader cores.
   */
  constructor(readonly mmu: Mmu, readonly clockSource: GpuClock, readonly clock: () => number, cores: ShaderCores) {
    this.vertex = new VertexPipeline(mmu);
    this.cores = cores;
    this.vertex.share = cores.vertexSharing ?? null;
  }
  /** the translation cache of the cores in this thread: decoded and translated programs by their code's bytes, across jobs */
  get programs(): CodeCache<TranslatedProgram> { return this.cores.programs; }

  /**
   * Runs one job's microsequence in address space `slot`. `deadline` (GPU
   * clock, ns) arms the watchdog: past it the pipelines stop at the next
   * warp or tile and the job ends with status timeout.
   */
  run(slot: number, msVa: number, deadline = Infinity): CpResult {
    const res: CpResult = { status: 'ok', vertices: 0, primitives: 0, fragments: 0, tiles: 0, partials: 0, instructions: 0 };
    const cache = this.cores.beginJob(slot, new Watchdog(this.clockSource, deadline));
    const fstats: FragmentStats = { tiles: 0, fragments: 0, instructions: 0 };
    const tstats: TilerStats = { vertices: 0, primitives: 0, partials: 0, instructions: 0 };
    // the tiler heap the last vertex pass binned into, and the size it binned for
    let binned: Pick<FragmentPassJob, 'heapBase' | 'heapSize' | 'width' | 'height'> | null = null;
    let partials = 0;
    try {
      let pc = 0;
      for (let executed = 0; ; executed++) {
        if (executed > MAX_MS_OPS) { res.status = 'invalid'; res.detail = 'microsequence does not terminate'; break; }
        const at = msVa + pc * MS_OP_WORDS * 4;
        const words = this.mmu.readPriv(slot, at, MS_OP_WORDS);
        const opName = MS_OP[words[0]! & 0xff];
        if (!opName) { res.status = 'invalid'; res.detail = `unknown microsequence op ${words[0]! & 0xff} at ${at}`; break; }
        const op = unpack(MICROSEQ[opName], words).values;
        let next = pc + 1;
        switch (opName) {
          case 'end': return this.finish(res, fstats, partials);
          case 'start_vertex': {
            const vj = unpack(VERTEX_JOB, this.mmu.readPriv(slot, op.job!, VERTEX_JOB.words)).values;
            const heapOf = { heapBase: vj.heap_base!, heapSize: vj.heap_size!, width: vj.width!, height: vj.height! };
            const onHeapFull = (h: TilerHeap) => {
              if (!vj.partial_fragment_job) throw new GpuFault(vj.heap_base! + vj.heap_size!, slot, ACCESS_WRITE, 'tiler heap exhausted');
              const fj = unpack(FRAGMENT_JOB, this.mmu.readPriv(slot, vj.partial_fragment_job, FRAGMENT_JOB.words)).values;
              this.cores.fragment({ slot, fbdVa: fj.framebuffer!, ...heapOf, firstPass: partials === 0 }, fstats);
              this.writeSamples(slot, fstats);
              partials++;
              h.reset();
            };
            // the counters live outside the pipeline, so a stopped job still reports how far it got
            tstats.vertices = tstats.primitives = tstats.instructions = 0;
            this.vertex.run(slot, {
              draws: vj.draws!, heapBase: vj.heap_base!, heapSize: vj.heap_size!, width: vj.width!, height: vj.height!,
            }, cache, onHeapFull, tstats);
            binned = heapOf;
            res.vertices += tstats.vertices; res.primitives += tstats.primitives; res.instructions += tstats.instructions;
            tstats.vertices = tstats.primitives = tstats.instructions = 0;
            break;
          }
          case 'wait':
            break; // the pipelines complete before the CP moves on
          case 'start_fragment': {
            const fj = unpack(FRAGMENT_JOB, this.mmu.readPriv(slot, op.job!, FRAGMENT_JOB.words)).values;
            const fbd = unpack(FRAMEBUFFER, this.mmu.readPriv(slot, fj.framebuffer!, FRAMEBUFFER.words)).values;
            const h = binned ?? { heapBase: fj.heap_base!, heapSize: fj.heap_size!, width: fbd.width!, height: fbd.height! };
            this.cores.fragment({ slot, fbdVa: fj.framebuffer!, ...h, firstPass: partials === 0 }, fstats);
            this.writeSamples(slot, fstats);
            break;
          }
          case 'timestamp': {
            const t = this.clock();
            this.mmu.write32(slot, op.address!, t % 0x1_0000_0000 >>> 0, true);
            this.mmu.write32(slot, op.address! + 4, Math.floor(t / 0x1_0000_0000) >>> 0, true);
            break;
          }
          case 'write32': this.mmu.write32(slot, op.address!, op.value!, true); break;
          case 'add32': this.mmu.write32(slot, op.address!, (this.mmu.read32(slot, op.address!, true) + op.value!) >>> 0, true); break;
          case 'jump': next = pc + op.offset!; break;
          case 'jump_nz': if (this.mmu.read32(slot, op.address!, true) !== 0) next = pc + op.offset!; break;
        }
        pc = next;
      }
    } catch (e) {
      if (e instanceof JobStopped) {
        res.status = 'timeout'; res.detail = 'stopped by the watchdog'; res.stoppedAt = e.at;
      } else if (e instanceof GpuFault) {
        res.status = 'fault';
        res.fault = { address: e.address, asSlot: e.asSlot, access: e.access, reason: e.reason };
        res.detail = e.message;
      } else if (e instanceof ShaderExecError && /exceeded/.test(e.message)) {
        res.status = 'timeout'; res.detail = e.message;
      } else if (e instanceof ShaderExecError || e instanceof ShaderDecodeError) {
        res.status = 'invalid'; res.detail = e.message;
      } else if (e instanceof RangeError) {
        // A job asked for more than the pipelines can hold (an allocation the
        // host refused): the hardware faults that job; it does not take the
        // coprocessor down with it. Anything else is a bug and crashes the firmware.
        res.status = 'fault';
        res.fault = { address: 0, asSlot: slot, access: ACCESS_READ, reason: `resource exhausted: ${e.message}` };
        res.detail = res.fault.reason;
      } else throw e;
    }
    return this.finish(res, fstats, partials, tstats);
  }

  /**
   * Occlusion counters: once every core finished the pass, the samples each draw's cores counted
   * (summed) are added to the u64 at the draw's occlusion address, through the MMU with the job's
   * address space — a bad address faults the job there.
   */
  private writeSamples(slot: number, f: FragmentStats): void {
    const m = f.samples;
    if (!m?.size) return;
    for (const [va, n] of [...m].sort((a, b) => a[0] - b[0])) addU64(this.mmu, slot, va, n);
    m.clear();
  }

  private finish(res: CpResult, f: FragmentStats, partials: number, t?: TilerStats): CpResult {
    if (t) { res.vertices += t.vertices; res.primitives += t.primitives; res.instructions += t.instructions; }
    res.fragments += f.fragments; res.tiles += f.tiles; res.instructions += f.instructions; res.partials = partials;
    return res;
  }
}
export { ACCESS_READ };
