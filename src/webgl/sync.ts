/**
 * Fence sync objects (Mesa's syncobj.c; ES 3.0 § 5.2, WebGL 2.0 § 3.7.14
 * and § 5.27): a fence is the driver's submission sequence number after
 * flushing everything before it; it is signalled once the kernel says that
 * submission's syncobj has signalled (GpuContext.poll: DRM_IOCTL_SYNCOBJ_WAIT
 * with a zero timeout), and — as WebGL 2 requires — never before the
 * application has returned to the event loop after fenceSync.
 * clientWaitSync never blocks: MAX_CLIENT_WAIT_TIMEOUT_WEBGL is 0, so the
 * application polls, as in browsers. waitSync is a no-op beyond its
 * validation: the context's queue executes in submission order.
 */
import { GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { AkSync } from './objects.js';
import { CAPS } from '../umd/pipe/caps.js';

export function fenceSync(ctx: GLContext, condition: number, flags: number): AkSync | null {
  if (ctx.lost) return null;
  if (condition !== GL2.SYNC_GPU_COMMANDS_COMPLETE) { ctx.err(GL.INVALID_ENUM); return null; }
  if (flags !== 0) { ctx.err(GL.INVALID_VALUE); return null; }
  ctx.gpu.flush();
  const s = new AkSync(ctx.gen);
  s.seq = ctx.gpu.submitted;
  setTimeout(() => { s.taskPassed = true; }, 0);
  ctx.syncs.add(s);
  return s;
}

export function isSync(ctx: GLContext, s: AkSync | null): boolean {
  return !ctx.lost && s instanceof AkSync && s.owner === ctx.gen && !s.deleted;
}

export function deleteSync(ctx: GLContext, s: AkSync | null): void {
  if (ctx.lost) return;
  const x = ctx.own(s, AkSync);
  if (!x) return;
  x.deleted = true;
  ctx.syncs.delete(x);
}

/** Whether the fence has signalled: its submission completed (asked of the kernel without waiting) and a task has passed. */
function signaled(ctx: GLContext, s: AkSync): boolean {
  if (s.signaled) return true;
  if (!s.taskPassed) return false;
  ctx.gpu.poll();
  if (s.seq === 0 || ctx.gpu.isComplete(s.seq)) { s.signaled = true; ctx.syncs.delete(s); }
  return s.signaled;
}

export function clientWaitSync(ctx: GLContext, s: AkSync, flags: number, timeout: number): number {
  if (ctx.lost) return GL2.WAIT_FAILED;
  const x = ctx.live(s, AkSync);
  if (!x) return GL2.WAIT_FAILED;
  if (flags & ~GL2.SYNC_FLUSH_COMMANDS_BIT) { ctx.err(GL.INVALID_VALUE); return GL2.WAIT_FAILED; }
  // WebGL 2.0 § 3.7.14: a timeout above MAX_CLIENT_WAIT_TIMEOUT_WEBGL is INVALID_OPERATION
  if (timeout > CAPS.maxClientWaitTimeoutWebgl) { ctx.err(GL.INVALID_OPERATION); return GL2.WAIT_FAILED; }
  return signaled(ctx, x) ? GL2.ALREADY_SIGNALED : GL2.TIMEOUT_EXPIRED;
}

export function waitSync(ctx: GLContext, s: AkSync, flags: number, timeout: number): void {
  if (ctx.lost) return;
  const x = ctx.live(s, AkSync);
  if (!x) return;
  // ES 3.0 § 5.2.1: flags must be 0 and the timeout TIMEOUT_IGNORED
  if (flags !== 0 || timeout !== GL2.TIMEOUT_IGNORED) return ctx.err(GL.INVALID_VALUE);
}

export function getSyncParameter(ctx: GLContext, s: AkSync, pname: number): unknown {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkSync);
  if (!x) return null;
  switch (pname) {
    case GL2.OBJECT_TYPE: return GL2.SYNC_FENCE;
    case GL2.SYNC_STATUS: return signaled(ctx, x) ? GL2.SIGNALED : GL2.UNSIGNALED;
    case GL2.SYNC_CONDITION: return GL2.SYNC_GPU_COMMANDS_COMPLETE;
    case GL2.SYNC_FLAGS: return 0;
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}
