/**
 * The main job: boot the GPU, the firmware and the kernel, draw the
 * triangle through every layer, write the PNG and tell what happened.
 */
import { Machine } from '../machine/machine.js';
import { UmdDevice } from '../umd/device.js';
import { drawTriangle, type TriangleRun } from '../umd/triangle.js';
import { writePng } from '../image/png.js';
import { decodeJob } from '../tools/decode.js';
import type { FwVersion } from '../hwdesc/fwabi.js';
import { errnoName } from '../base/errors.js';

export interface TriangleAppOptions {
  out: string;
  layout?: 'linear' | 'twiddled';
  deterministic?: boolean;
  decode?: boolean;
  firmware?: FwVersion;
  log?: (s: string) => void;
}

export function runTriangleApp(o: TriangleAppOptions): TriangleRun {
  const log = o.log ?? ((s: string) => console.log(s));
  const t0 = performance.now();
  const ioctls: string[] = [];
  const events: string[] = [];
  const machine = new Machine({ deterministic: o.deterministic ?? false, firmware: o.firmware ?? 'v2' });
  const tBoot = performance.now();
  machine.dev.tracer = (ev) => ioctls.push(ev.errno ? `${ev.name} = -${errnoName(ev.errno)}` : ev.name);
  machine.driver.hooks.onEvent = (ev) => events.push(`${ev.type} tag=${ev.tag} status=${ev.status}${ev.type === 'fault' ? ` addr=0x${ev.faultAddr.toString(16)}` : ''}`);
  try {
    const dev = new UmdDevice(machine.spawn());
    const run = drawTriangle(dev, { layout: o.layout ?? 'linear' });
    const tDraw = performance.now();
    writePng(o.out, run.pixels, run.width, run.height);
    if (o.decode) log(decodeJob(machine, machine.driver.lastJob!.va, machine.driver.lastJob!.slot));
    const counts = new Map<string, number>();
    for (const i of ioctls) counts.set(i, (counts.get(i) ?? 0) + 1);
    const st = machine.driver.firmwareStats();
    log(`akari: GPU ${machine.options.deterministic ? 'in-thread (deterministic)' : 'on a worker thread'}, firmware ${machine.driver.fwVersion}, ${machine.options.memoryBytes >> 20} MiB`);
    log(`ioctls (${ioctls.length}): ${[...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ')}`);
    log(`firmware events: ${events.join('; ')}`);
    log(`firmware log: ${machine.driver.fwLog.join(' | ')}`);
    log(`firmware stats: jobs ${st.jobs_completed} ok / ${st.jobs_faulted} faulted, ${st.vertices} vertices, ${st.primitives} primitives, ${st.fragments ?? '-'} fragments, ${st.tiles ?? '-'} tiles`);
    log(`job: ${run.status}, GPU time ${((run.result.ts_end! - run.result.ts_start!) / 1e6).toFixed(2)} ms`);
    log(`time: boot ${(tBoot - t0).toFixed(1)} ms, draw ${(tDraw - tBoot).toFixed(1)} ms, total ${(performance.now() - t0).toFixed(1)} ms`);
    log(`wrote ${o.out} (${run.width}x${run.height}, ${o.layout ?? 'linear'} framebuffer)`);
    return run;
  } finally {
    machine.shutdown();
  }
}
