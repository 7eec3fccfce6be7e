/**
 * The job watchdog: how the hardware stops a job at its deadline.
 *
 * The firmware arms it with a deadline (GPU clock, ns) when it starts a job.
 * The pipelines consult it at fine grain — before every warp, between tiles,
 * and inside a warp at loop back edges once its instruction budget is used
 * up — so a stop lands within a slice of one warp's work, not at the end of
 * the job. Past the deadline a check throws `JobStopped`, which unwinds the
 * pipelines to the command processor, which reports the job as timed out
 * with the work done so far. Nothing else in the GPU is disturbed: the next
 * job starts from clean pipelines.
 *
 * A warp's budget is a slice: in deterministic mode exactly the time left
 * (hwdesc/timing.ts: one instruction per ns), so the stop lands on the
 * deadline; in concurrent mode at most WARP_SLICE_STEPS instructions between
 * readings of the host clock (about a millisecond of real execution).
 * There is no other cap on a warp: a long shader may run as long as its
 * job's timeout allows.
 */
import { WORK_COST_NS } from '../hwdesc/timing.js';

/** The GPU's clock. `spend` advances a virtual clock by modelled work; a real clock ignores it. */
export interface GpuClock {
  readonly virtual: boolean;
  now(): number;
  spend(ns: number): void;
}

/** Deterministic mode: time is the sum of the work done (and the waits the kernel made). */
export class VirtualClock implements GpuClock {
  readonly virtual = true;
  private t = 0;
  now(): number { return this.t; }
  spend(ns: number): void { this.t += ns; }
}

/** Concurrent mode: the host's monotonic clock. */
export class HostClock implements GpuClock {
  readonly virtual = false;
  /** `origin`: the host monotonic time (ns) this clock reads 0 at; the shader cores' threads share the GPU thread's */
  constructor(readonly origin = process.hrtime.bigint()) {}
  now(): number { return Number(process.hrtime.bigint() - this.origin); }
  spend(): void { /* real time passes by itself */ }
}

/** Instructions a warp runs between clock readings in concurrent mode. */
const WARP_SLICE_STEPS = 1 << 16;
/**
 * Concurrent mode: work (instructions, a warp launch counting as its
 * modelled cost) done since the last reading of the host clock after which
 * the next warp reads it again. Short warps back to back (a fused kernel
 * runs one per 16 fragments) would otherwise read the clock more often than
 * they do work; the bound between readings stays about one warp slice.
 */
const READ_EVERY_STEPS = WARP_SLICE_STEPS;

/** Thrown by the pipelines when the watchdog's deadline has passed. */
export class JobStopped extends Error {
  constructor(readonly at: number) { super('job stopped by the watchdog'); }
}

/** A kernel's lease (Watchdog.lease): filled in place, as kernels renew theirs per tile and per call back. */
export interface Lease { lease: number; left: number; slice: number }

export class Watchdog {
  /** instructions of the running warp already charged to the clock */
  private charged = 0;
  /** concurrent mode: work since the host clock was last read (see READ_EVERY_STEPS) */
  private unread = READ_EVERY_STEPS;
  /** the extension a running warp asks for when its budget is used up (a new budget, or JobStopped) */
  readonly more = (steps: number): number => this.extend(steps);

  /**
   * `deadline`: GPU clock (ns) past which the job stops; Infinity for none.
   * `stopped`: another core's watchdog stopped the job (concurrent mode: the
   * cores share a stop flag), so this one stops at its next check too.
   */
  constructor(readonly clock: GpuClock, readonly deadline: number, readonly stopped: () => boolean = () => false) {}

  private budget(from: number): number {
    if (!this.clock.virtual) {
      if (this.unread < READ_EVERY_STEPS) {
        if (this.stopped()) throw new JobStopped(this.clock.now());
        return from + WARP_SLICE_STEPS;
      }
      this.unread = 0;
    }
    const left = this.deadline - this.clock.now();
    if (left <= 0 || this.stopped()) throw new JobStopped(this.clock.now());
    if (!this.clock.virtual) return from + WARP_SLICE_STEPS;
    return from + Math.max(1, Math.min(Math.floor(left / WORK_COST_NS.instruction), 2 ** 52));
  }

  /** A warp used up its budget at `steps` instructions: charge them, stop or grant more. */
  private extend(steps: number): number {
    this.unread += steps - this.charged;
    this.clock.spend((steps - this.charged) * WORK_COST_NS.instruction);
    this.charged = steps;
    return this.budget(steps);
  }

  /** Runs one warp within the time left and charges its work. */
  warp(run: (maxSteps: number, more: (steps: number) => number) => number): number {
    this.clock.spend(WORK_COST_NS.warp);
    this.charged = 0;
    const steps = run(this.budget(0), this.more);
    this.unread += steps - this.charged + WORK_COST_NS.warp / WORK_COST_NS.instruction;
    this.clock.spend((steps - this.charged) * WORK_COST_NS.instruction);
    return steps;
  }

  /**
   * The same accounting as warp(), for a fused fragment kernel (fused.ts),
   * which runs its warps back to back without returning and accounts most of
   * them itself under a lease (below). beginWarp() charges a launch and gives
   * the warp's budget, or stops the job.
   */
  beginWarp(): number {
    this.charge(WORK_COST_NS.warp);
    this.charged = 0;
    return this.budget(0);
  }

  /** A kernel's warp used up its budget at `steps` instructions, `charged` of them charged by an earlier extension: charge the rest, stop or grant more. */
  extendWarp(steps: number, charged: number): number {
    this.charged = charged;
    return this.extend(steps);
  }

  /** Work (ns of modelled GPU time: launches and instructions) a kernel accounted itself since it last called back. */
  settle(ns: number): void { this.charge(ns); }

  private charge(ns: number): void {
    if (this.clock.virtual) this.clock.spend(ns);
    else this.unread += ns / WORK_COST_NS.instruction;
  }

  /**
   * A kernel's lease: it launches warps itself, adding each launch and each
   * warp's instructions to its own count of work (ns), while that count
   * stays below `lease` — past it, it calls back (beginWarp, after settle)
   * for the launch. Below it the watchdog would have done nothing but grant
   * the budget, which the kernel computes as it would: on the virtual clock
   * max(1, floor((left - work) / instruction cost)), `left` being the time to
   * the deadline when the lease was given, so the job stops on the same
   * nanosecond; on the host clock `slice` instructions, the clock being read
   * again once the work since the last reading reaches READ_EVERY_STEPS —
   * and there, between readings, the kernel does not look at the other
   * cores' stop flag: it sees it at its next reading or tile.
   */
  lease(out: Lease): Lease {
    if (this.clock.virtual) {
      const left = this.deadline - this.clock.now();
      // a launch that would leave no time must call back: work + launch < left
      out.lease = left - WORK_COST_NS.warp; out.left = left; out.slice = 0;
      return out;
    }
    out.lease = (READ_EVERY_STEPS - this.unread) * WORK_COST_NS.instruction; out.left = 0; out.slice = WARP_SLICE_STEPS;
    return out;
  }

  /** Between tiles: charges one tile and stops the job if its time is up. */
  tile(): void {
    this.clock.spend(WORK_COST_NS.tile);
    if (this.clock.now() >= this.deadline || this.stopped()) throw new JobStopped(this.clock.now());
  }
}
