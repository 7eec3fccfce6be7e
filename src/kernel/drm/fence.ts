/**
 * dma-fence: a one-shot completion with an optional error, ordered within
 * its context (all fences of a context signal in seqno order).
 */
let nextContext = 1;
/** fences whose callbacks have yet to run, and whether a signal() is running them */
const signalled: DmaFence[] = [];
let draining = false;
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
  /**
   * Returns false (-EINVAL in the kernel) if already signalled. The fence
   * is signalled when this returns; its callbacks run from one work list,
   * never nested, so a callback that signals another fence (a timeline's
   * next chain node) adds to the list instead of recursing — a chain of any
   * length signals in constant stack depth.
   */
  signal(): boolean {
    if (this.signaled) return false;
    this.signaled = true;
    this.timestampNs = Number(process.hrtime.bigint());
    signalled.push(this);
    if (draining) return true;
    draining = true;
    try {
      for (let i = 0; i < signalled.length; i++) {
        const f = signalled[i]!;
        const cbs = f.cbs;
        f.cbs = [];
        for (const cb of cbs) cb(f);
      }
    } finally { draining = false; signalled.length = 0; }
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

/**
 * dma_fence_chain: one point of a timeline syncobj. It wraps the fence
 * added at that point and signals only when that fence *and every earlier
 * point* have signalled, so points complete in order. An error on the
 * wrapped fence (or an earlier point) is carried into the chain node.
 */
export class FenceChain extends DmaFence {
  constructor(readonly prev: DmaFence | null, readonly fence: DmaFence, point: number, context: number) {
    super(context, point, fence.driverName, 'chain');
    let pending = prev ? 2 : 1;
    const check = (f: DmaFence) => {
      if (f.error && !this.error) this.setError(-f.error);
      if (--pending === 0) this.signal();
    };
    fence.onSignal(check);
    prev?.onSignal(check);
  }
  /** dma_fence_chain_find_seqno: the node covering `point`, or undefined if it is beyond the chain. */
  static find(head: DmaFence | null, point: number): DmaFence | undefined {
    if (!head) return undefined;
    if (point === 0) return head;
    if (!(head instanceof FenceChain) || head.seqno < point) return undefined;
    let node: FenceChain = head;
    while (node.prev instanceof FenceChain && node.prev.seqno >= point) node = node.prev;
    return node;
  }
}
