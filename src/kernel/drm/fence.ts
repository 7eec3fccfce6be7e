/**
 * dma-fence: a one-shot completion with an optional error, ordered within
 * its context (all fences of a context signal in seqno order).
 */
let nextContext = 1;
export function fenceContextAlloc(): number { return nextContext++; }

export class DmaFence {
  signaled = false;
  error = 0;
  timestampNs = 0;
  private cbs: Array<(f: DmaFence) => void> = [];
  constructor(readonly context: number, readonly seqno: number, readonly driverName = 'akari', readonly timelineName = '') {}

  /** dma_fence_set_error: only before signalling. */
  setError(errno: number): void {
    if (!this.signaled) this.error = -Math.abs(errno);
  }
  /** Returns false (-EINVAL in the kernel) if already signalled. */
  signal(): boolean {
    if (this.signaled) return false;
    this.signaled = true;
    this.timestampNs = Number(process.hrtime.bigint());
    const cbs = this.cbs;
    this.cbs = [];
    for (const cb of cbs) cb(this);
    return true;
  }
  onSignal(cb: (f: DmaFence) => void): void {
    if (this.signaled) cb(this);
    else this.cbs.push(cb);
  }
  static signaledStub(): DmaFence {
    const f = new DmaFence(0, 0, 'stub', 'stub');
    f.signal();
    return f;
  }
}
