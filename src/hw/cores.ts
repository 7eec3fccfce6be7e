/**
 * The shader cores: the GPU has REG.CORE_COUNT of them (1..MAX_SHADER_CORES),
 * each with its own tile memory, core-local memory (hwdesc/corelocal.ts), TLB,
 * decoded-draw cache and translated-code instances. The command processor
 * starts a fragment pass on every core and waits until all are done; the
 * cores take tiles from one queue, in the framebuffer's tile order (row by
 * row), so the first tiles of a frame are rendered first whatever the count.
 *
 * Two ways to run them, one result:
 *  - `LocalCores`: every core in the command processor's thread, tile t on
 *    core t mod N, one after another (deterministic mode);
 *  - `ThreadedCores`: core 0 in the command processor's thread (it would
 *    only wait otherwise) and cores 1..N-1 on worker threads
 *    (machine/core-worker.ts), taking tiles from an atomic counter in shared
 *    memory (the tile queue).
 *
 * Tiles are independent (each writes only its own pixels, and every tile's
 * primitive list is read in draw order), so which core renders a tile and
 * when changes nothing in the image. What must not change with the count is
 * how a job ends: a fault (or a watchdog stop) ends the pass with the one of
 * the lowest tile index — the one a single core going row by row would have
 * met first. A core that faults lowers the queue's LIMIT to its tile; cores
 * take no tile at or past LIMIT but finish (and may fault in) the lower ones,
 * so when all are done every tile below the final LIMIT has been rendered
 * and the error reported is exactly the sequential one.
 *
 * The command processor tells the cores what to flush before a pass, as
 * hardware does: the TLB epoch (the GPU thread's MMU flush count) and the
 * job number (a new job's draws are decoded afresh).
 */
import type { MessagePort } from 'node:worker_threads';
import { receiveMessageOnPort } from 'node:worker_threads';
import type { Mmu } from './mmu.js';
import { GpuFault } from './mmu.js';
import { JobCache, type TranslatedProgram } from './drawstate.js';
import { CodeCache } from './code-cache.js';
import { RangeHeap, TilerHeap, VertexPipeline, type BinShareJob, type VertexSharing, type VertexShadeJob } from './tiler.js';
import { FragmentPipeline, countSamples, type FragmentStats } from './fragment.js';
import { ShaderDecodeError, ShaderExecError } from './shader-core.js';
import { HostClock, JobStopped, Watchdog } from './watchdog.js';
import { REG, type AccessKind } from '../hwdesc/regs.js';
import { MAX_SHADER_CORES } from '../hwdesc/corelocal.js';
import { TILE_SIZE } from '../hwdesc/descriptors.js';
import { WARP_LANES } from '../hwdesc/isa.js';

/** What a core needs to render its share of one fragment pass (plain numbers: it crosses to worker threads). */
export interface FragmentPassJob {
  slot: number;
  /** FRAMEBUFFER descriptor */
  fbdVa: number;
  /** the tiler heap holding the pass's tile lists, and the size it was binned for */
  heapBase: number; heapSize: number; width: number; height: number;
  /** false after a partial render: tiles load what the earlier passes stored */
  firstPass: boolean;
}

/** The shader cores as the command processor drives them. */
export interface ShaderCores {
  readonly count: number;
  /** A job starts in address space `slot` under watchdog `watch`: returns core 0's draw cache (the vertex pipeline runs on core 0). */
  beginJob(slot: number, watch: Watchdog): JobCache;
  /** Renders a fragment pass on all cores and returns when every core is done; throws the error of the lowest tile. */
  fragment(pass: FragmentPassJob, stats: FragmentStats): void;
  /** the translation cache of the cores in this thread */
  readonly programs: CodeCache<TranslatedProgram>;
  /** the cores that take a share of large vertex batches, when there are other cores to share with */
  readonly vertexSharing?: VertexSharing;
}

/** Core `core`'s pipeline: its tile memory, bound to its core-local memory through the draw cache it is given. */
function beginCorePass(pipe: FragmentPipeline, mmu: Mmu, p: FragmentPassJob, cache: JobCache): number {
  const heap = new TilerHeap(mmu, p.slot, p.heapBase, p.heapSize, p.width, p.height);
  const { tilesX, tilesY } = pipe.beginPass(p.slot, p.fbdVa, heap, cache, p.firstPass);
  return tilesX * tilesY;
}

/** Every core in this thread, tile t on core t mod count (deterministic mode). */
export class LocalCores implements ShaderCores {
  private readonly pipes: FragmentPipeline[] = [];
  private caches: JobCache[] = [];
  readonly programs = new CodeCache<TranslatedProgram>();

  /** `regs`: the register block, whose CORE_TILES counters the cores count their tiles in */
  constructor(readonly mmu: Mmu, readonly count: number, readonly regs: Int32Array) {
    if (!(count >= 1 && count <= MAX_SHADER_CORES)) throw new RangeError(`shader cores: ${count} (1..${MAX_SHADER_CORES})`);
    for (let c = 0; c < count; c++) this.pipes.push(new FragmentPipeline(mmu, c));
  }

  beginJob(slot: number, watch: Watchdog): JobCache {
    // one watchdog for all: the cores run one after another on one clock, so their work sums in order
    this.caches = this.pipes.map((_, c) => new JobCache(this.mmu, slot, watch, this.programs, c));
    return this.caches[0]!;
  }

  fragment(p: FragmentPassJob, stats: FragmentStats): void {
    let tiles = 0;
    for (let c = 0; c < this.count; c++) tiles = beginCorePass(this.pipes[c]!, this.mmu, p, this.caches[c]!);
    const tilesX = Math.ceil(p.width / TILE_SIZE);
    for (let t = 0; t < tiles; t++) {
      const core = t % this.count;
      this.pipes[core]!.renderTile(t % tilesX, Math.floor(t / tilesX), stats);
      Atomics.add(this.regs, REG.CORE_TILES + core, 1);
    }
  }

  pipeline(core: number): FragmentPipeline { return this.pipes[core]!; }
  cache(core: number): JobCache { return this.caches[core]!; }
}

// ---- cores on worker threads ------------------------------------------------------------

/** Words of the cores' control block (an Int32Array over a SharedArrayBuffer every core thread maps). */
export const CORE_CTL = {
  /** the tile queue: the next tile index to hand out */
  NEXT: 0,
  /** tiles at or past this index are not taken: the pass's tile count, lowered to a faulting tile */
  LIMIT: 1,
  /** set by a core the watchdog stopped: the others stop at their next tile or warp slice */
  STOP: 2,
  /** worker cores that finished the pass */
  DONE: 3,
  /** + core: a worker core sets it once it runs and waits for passes */
  READY: 8,
  /** + core: the command processor bumps it to start a pass on that core */
  WAKE: 8 + MAX_SHADER_CORES,
  WORDS: 8 + 2 * MAX_SHADER_CORES,
} as const;

export function createCoreControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CORE_CTL.WORDS * 4));
}

/** Waits until worker cores 1..count-1 run (or `timeoutMs` passed); true when all do. */
export function waitCoresReady(ctl: Int32Array, count: number, timeoutMs: number): boolean {
  const end = Date.now() + timeoutMs;
  for (let c = 1; c < count; c++) {
    while (Atomics.load(ctl, CORE_CTL.READY + c) !== 1) {
      const left = end - Date.now();
      if (left <= 0) return false;
      Atomics.wait(ctl, CORE_CTL.READY + c, 0, left);
    }
  }
  return true;
}

/** What every message to a worker core carries: the job's identity, its deadline and what to flush. */
interface JobHeader {
  /** job number: a change means new draws (a fresh draw cache and watchdog) */
  job: number;
  slot: number;
  deadline: number;
  /** the GPU thread's MMU flush count: a change means the page tables changed */
  tlbEpoch: number;
  /** the GPU clock's origin (host monotonic ns) */
  clockOrigin: bigint;
}

/** Work for a worker core: its share of a fragment pass (tiles), of a batch of vertices (chunks of `chunk`), or of a batch of triangles to bin (items). */
type WorkMessage =
  | (JobHeader & { kind: 'fragment'; pass: FragmentPassJob })
  | (JobHeader & { kind: 'vertex'; batch: VertexShadeJob; chunk: number })
  | (JobHeader & { kind: 'bin'; bin: BinShareJob });

/** An error a core met, as it crosses threads. */
type CoreError =
  | { kind: 'fault'; address: number; asSlot: number; access: AccessKind; reason: string }
  | { kind: 'stopped'; at: number }
  | { kind: 'exec' | 'decode' | 'range' | 'crash'; message: string };

/** A worker core's report of its share. */
interface WorkResult {
  fragments: number; instructions: number; tiles: number;
  /** this core's occlusion counters: [occlusion address, samples passed] */
  samples?: Array<[number, number]>;
  /** the lowest work item (tile or chunk) at which this core stopped with an error (-1: before any) */
  errorAt?: number;
  error?: CoreError;
}

function describe(e: unknown): CoreError {
  if (e instanceof GpuFault) return { kind: 'fault', address: e.address, asSlot: e.asSlot, access: e.access, reason: e.reason };
  if (e instanceof JobStopped) return { kind: 'stopped', at: e.at };
  if (e instanceof ShaderExecError) return { kind: 'exec', message: e.message };
  if (e instanceof ShaderDecodeError) return { kind: 'decode', message: e.message };
  if (e instanceof RangeError) return { kind: 'range', message: e.message };
  return { kind: 'crash', message: e instanceof Error ? e.stack ?? e.message : String(e) };
}

function rebuild(e: CoreError, core: number): Error {
  switch (e.kind) {
    case 'fault': return new GpuFault(e.address, e.asSlot, e.access, e.reason);
    case 'stopped': return new JobStopped(e.at);
    case 'exec': return new ShaderExecError(e.message);
    case 'decode': return new ShaderDecodeError(e.message);
    case 'range': return new RangeError(e.message);
    case 'crash': return new Error(`shader core ${core}: ${e.message}`);
  }
}

/** Lowers LIMIT to `item` (an atomic minimum). */
function lowerLimit(ctl: Int32Array, item: number): void {
  for (;;) {
    const cur = Atomics.load(ctl, CORE_CTL.LIMIT);
    if (item >= cur || Atomics.compareExchange(ctl, CORE_CTL.LIMIT, cur, item) === cur) return;
  }
}

/**
 * Takes work items (tiles, vertex chunks) from the queue and runs them until
 * the queue is past LIMIT or the job is stopped. Returns the error that ended
 * it, with its item.
 */
function drainQueue(ctl: Int32Array, run: (item: number) => void): { at: number; error: unknown } | null {
  for (;;) {
    if (Atomics.load(ctl, CORE_CTL.STOP)) return null; // the core that was stopped reports it
    const t = Atomics.add(ctl, CORE_CTL.NEXT, 1);
    if (t >= Atomics.load(ctl, CORE_CTL.LIMIT)) return null;
    try {
      run(t);
    } catch (error) {
      lowerLimit(ctl, t);
      if (error instanceof JobStopped) Atomics.store(ctl, CORE_CTL.STOP, 1);
      return { at: t, error };
    }
  }
}

/**
 * A message port (node:worker_threads), typed by what is used of it so that
 * the package's declarations do not need Node's types.
 */
export interface PortLike { postMessage(value: unknown): void }

/** The end a worker core is held by: its message port and its number. */
export interface CorePort { core: number; port: PortLike }

function receive<T>(port: PortLike): T | undefined {
  return receiveMessageOnPort(port as MessagePort)?.message as T | undefined;
}

/**
 * Core 0 in this thread, cores 1..N-1 on worker threads. `ports[i]` reaches
 * core i + 1; `ctl` is the control block every core maps.
 */
export class ThreadedCores implements ShaderCores, VertexSharing {
  readonly count: number;
  private readonly core0: LocalCores;
  private job = 0;
  private slot = 0;
  private deadline = Infinity;

  constructor(readonly mmu: Mmu, readonly regs: Int32Array, readonly ctl: Int32Array, readonly ports: CorePort[], readonly clock: HostClock) {
    this.count = ports.length + 1;
    this.core0 = new LocalCores(mmu, 1, regs);
  }
  get programs(): CodeCache<TranslatedProgram> { return this.core0.programs; }
  get vertexSharing(): VertexSharing { return this; }

  beginJob(slot: number, watch: Watchdog): JobCache {
    this.job++;
    this.slot = slot;
    this.deadline = watch.deadline;
    // core 0's watchdog also stops when another core was stopped (in this job: no core runs between jobs)
    const ctl = this.ctl;
    Atomics.store(ctl, CORE_CTL.STOP, 0);
    return this.core0.beginJob(slot, new Watchdog(watch.clock, watch.deadline, () => Atomics.load(ctl, CORE_CTL.STOP) !== 0));
  }

  private header(): JobHeader {
    return { job: this.job, slot: this.slot, deadline: this.deadline, tlbEpoch: this.mmu.flushes, clockOrigin: this.clock.origin };
  }

  /**
   * Runs `items` work items on core 0 (`here`) and the worker cores that are
   * up (`msg`), and waits for all; returns the workers' reports and the error
   * of the lowest item, if any.
   */
  private spread(items: number, msg: WorkMessage | null, here: (item: number) => void): { reports: WorkResult[]; first: { at: number; error: Error } | null } {
    const ctl = this.ctl;
    // cores still starting up (a worker takes a moment to boot) are left out
    const workers = msg && items > 1 ? this.ports.filter((c) => Atomics.load(ctl, CORE_CTL.READY + c.core) === 1) : [];
    Atomics.store(ctl, CORE_CTL.NEXT, 0);
    Atomics.store(ctl, CORE_CTL.LIMIT, items);
    Atomics.store(ctl, CORE_CTL.DONE, 0);
    for (const c of workers) {
      c.port.postMessage(msg);
      Atomics.add(ctl, CORE_CTL.WAKE + c.core, 1);
      Atomics.notify(ctl, CORE_CTL.WAKE + c.core);
    }
    const mine = drainQueue(ctl, here);
    // the command processor waits for every core it started
    for (;;) {
      const done = Atomics.load(ctl, CORE_CTL.DONE);
      if (done >= workers.length) break;
      Atomics.wait(ctl, CORE_CTL.DONE, done, 1000);
    }
    let first: { at: number; error: Error } | null = mine ? { at: mine.at, error: mine.error as Error } : null;
    const reports: WorkResult[] = [];
    for (const c of workers) {
      const r = receive<WorkResult>(c.port);
      if (!r) throw new Error(`shader core ${c.core} finished without a report`);
      reports.push(r);
      if (r.error && (!first || r.errorAt! < first.at)) first = { at: r.errorAt!, error: rebuild(r.error, c.core) };
    }
    return { reports, first };
  }

  fragment(p: FragmentPassJob, stats: FragmentStats): void {
    const tilesBefore = stats.tiles;
    const core0 = this.core0.pipeline(0);
    // core 0 begins first: a pass that cannot begin (a bad descriptor) faults before any core is woken
    const tiles = beginCorePass(core0, this.mmu, p, this.core0.cache(0));
    const tilesX = Math.ceil(p.width / TILE_SIZE);
    const regs = this.regs;
    const { reports, first } = this.spread(tiles, { kind: 'fragment', ...this.header(), pass: p }, (t) => {
      core0.renderTile(t % tilesX, Math.floor(t / tilesX), stats);
      Atomics.add(regs, REG.CORE_TILES, 1);
    });
    for (const r of reports) {
      stats.fragments += r.fragments; stats.instructions += r.instructions; stats.tiles += r.tiles;
      // each core's occlusion counters, summed
      if (r.samples) for (const [va, n] of r.samples) countSamples(stats, va, n);
    }
    if (first) {
      // as one core going row by row: the tiles before the failing one were rendered, none after
      stats.tiles = tilesBefore + Math.max(0, first.at);
      throw first.error;
    }
  }

  shade(batch: VertexShadeJob, stats: { instructions: number }, here: (from: number, to: number) => void): void {
    const n = batch.indices.length;
    // chunks of whole warps, a few per core so that a core slowed down by the host does not hold the rest up
    const chunk = Math.max(1024, Math.ceil(n / (this.count * 4) / WARP_LANES) * WARP_LANES);
    const chunks = Math.ceil(n / chunk);
    const { reports, first } = this.spread(chunks, { kind: 'vertex', ...this.header(), batch, chunk },
      (c) => here(c * chunk, Math.min(n, (c + 1) * chunk)));
    for (const r of reports) stats.instructions += r.instructions;
    if (first) throw first.error;
  }

  bin(job: BinShareJob, here: (item: number) => void): boolean {
    // an item that fails (its blocks ran out, a fault) fails the whole: the vertex pipeline bins the batch again alone
    return !this.spread(Math.ceil(job.tris / job.chunk), { kind: 'bin', ...this.header(), bin: job }, here).first;
  }
}

/**
 * A worker core's main loop (machine/core-worker.ts): wait for work, take
 * tiles or vertex chunks from the queue, report, and again.
 */
export function runWorkerCore(core: number, mmu: Mmu, regs: Int32Array, ctl: Int32Array, port: PortLike): never {
  const pipe = new FragmentPipeline(mmu, core);
  const vertex = new VertexPipeline(mmu);
  const programs = new CodeCache<TranslatedProgram>();
  let job = -1, epoch = -1, cache: JobCache | null = null;
  const stop = () => Atomics.load(ctl, CORE_CTL.STOP) !== 0;
  Atomics.store(ctl, CORE_CTL.READY + core, 1);
  Atomics.notify(ctl, CORE_CTL.READY + core);
  for (;;) {
    const seen = Atomics.load(ctl, CORE_CTL.WAKE + core);
    const m = receive<WorkMessage>(port);
    if (!m) { Atomics.wait(ctl, CORE_CTL.WAKE + core, seen); continue; }
    const stats: FragmentStats = { tiles: 0, fragments: 0, instructions: 0 };
    const res: WorkResult = { fragments: 0, instructions: 0, tiles: 0 };
    let end: { at: number; error: unknown } | null = null;
    try {
      if (m.tlbEpoch !== epoch) { mmu.invalidate(); epoch = m.tlbEpoch; }
      if (m.job !== job || !cache) {
        job = m.job;
        cache = new JobCache(mmu, m.slot, new Watchdog(new HostClock(m.clockOrigin), m.deadline, stop), programs, core);
      }
      if (m.kind === 'fragment') {
        beginCorePass(pipe, mmu, m.pass, cache);
        const tilesX = Math.ceil(m.pass.width / TILE_SIZE);
        end = drainQueue(ctl, (t) => {
          pipe.renderTile(t % tilesX, Math.floor(t / tilesX), stats);
          Atomics.add(regs, REG.CORE_TILES + core, 1);
        });
      } else if (m.kind === 'bin') {
        const j = m.bin, ds = cache.draw(j.drawVa);
        const heap = new RangeHeap(mmu, j.slot, j.heapBase, j.heapSize, j.width, j.height);
        const batch = { store: j.store, psize: j.psize, per: j.per, bits: new Uint32Array(j.store.buffer, j.store.byteOffset, j.store.length) };
        const job = { draws: 0, heapBase: j.heapBase, heapSize: j.heapSize, width: j.width, height: j.height };
        end = drainQueue(ctl, (item) => vertex.binItem(ds, batch, j.ids, item, j.chunk, j.tris, heap, j.tables, j.tableWords, job));
      } else {
        const b = m.batch, n = b.indices.length, chunk = m.chunk;
        const ds = cache.draw(b.drawVa);
        end = drainQueue(ctl, (c) => vertex.shadeRange(b.slot, ds, b.indices, c * chunk, Math.min(n, (c + 1) * chunk), b.instance, b.store, b.psize, b.per, stats));
      }
    } catch (e) {
      // beginning failed: before any item
      end = { at: -1, error: e };
      lowerLimit(ctl, 0);
    }
    if (end) { res.errorAt = end.at; res.error = describe(end.error); }
    res.fragments = stats.fragments; res.instructions = stats.instructions; res.tiles = stats.tiles;
    if (stats.samples?.size) res.samples = [...stats.samples];
    port.postMessage(res);
    Atomics.add(ctl, CORE_CTL.DONE, 1);
    Atomics.notify(ctl, CORE_CTL.DONE);
  }
}
