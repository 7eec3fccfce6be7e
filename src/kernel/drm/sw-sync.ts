/**
 * sw_sync timelines (drivers/dma-buf/sw_sync.c): fences a privileged test
 * signals by hand, so that "work held until I say so" needs no clock. Each
 * open file is one timeline (its own fence context, counter from 0); a
 * fence at `value` signals once INC has moved the counter to or past it,
 * in value order. Closing the timeline signals what is left with ENOENT,
 * as Linux does, so nothing waits forever on a timeline nobody can advance.
 */
import { kerr } from '../../base/errors.js';
import { readField, writeField } from '../../uapi/cstruct.js';
import { SW_SYNC_IOC_CREATE_FENCE, SW_SYNC_IOC_INC, sw_sync_create_fence_data as S } from '../../uapi/sw-sync.js';
import { SyncFile, type DrmDevice } from './device.js';
import { DmaFence, fenceContextAlloc } from './fence.js';
import { OpenFile, type FileOps, type Process } from './process.js';

export class SwSyncTimeline implements FileOps {
  readonly kind = 'sw_sync' as const;
  private value = 0;
  private readonly context = fenceContextAlloc();
  /** unsignalled points, in creation order */
  private pending: DmaFence[] = [];

  constructor(private readonly dev: DrmDevice, proc: Process) {
    // debugfs is root's
    if (!proc.capSysAdmin) throw kerr('EACCES', 'sw_sync is in debugfs: root only');
  }

  ioctl(proc: Process, request: number, argp: number): void {
    switch (request) {
      case SW_SYNC_IOC_CREATE_FENCE: {
        const b = proc.copyFromUser(argp, S.size);
        const dv = new DataView(b.buffer, b.byteOffset);
        const value = readField(dv, 0, S.byName.get('value')!);
        const fence = new DmaFence(this.context, value, 'sw_sync', 'sw_sync');
        if (value <= this.value) fence.signal(); else this.pending.push(fence);
        const fd = proc.installNew(() => new OpenFile(new SyncFile(this.dev, fence)));
        writeField(dv, 0, S.byName.get('fence')!, fd);
        try { proc.copyToUser(argp, b); } catch (e) { proc.closeFd(fd); throw e; } // sw_sync: put the fd back on a failed copy
        return;
      }
      case SW_SYNC_IOC_INC: {
        const b = proc.copyFromUser(argp, 4);
        const inc = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
        this.advance(inc);
        return;
      }
      default: throw kerr('ENOTTY');
    }
  }

  /** sync_timeline_signal: the counter moves on (wrapping as a u32), and every point it reached signals. */
  private advance(inc: number): void {
    this.value = (this.value + inc) >>> 0;
    const reached = this.pending.filter((f) => f.seqno <= this.value);
    this.pending = this.pending.filter((f) => f.seqno > this.value);
    for (const f of reached.sort((x, y) => x.seqno - y.seqno)) f.signal();
    this.dev.notifyFences();
  }

  release(): void {
    const left = this.pending;
    this.pending = [];
    for (const f of left) { f.setError(2 /* ENOENT */); f.signal(); }
  }
}
