#!/usr/bin/env node
/** The `akari` command line. */
import { Command } from 'commander';
import { runTriangleApp } from './apps/triangle.js';
import { traceProgram, TRACE_PROGRAMS } from './tools/trace.js';
import { readFileSync } from 'node:fs';
import { compileReport } from './umd/compiler/index.js';
import { runKmscube } from './apps/kmscube.js';
import { runModetest } from './apps/modetest.js';
import { writePng } from './image/png.js';
import { Machine } from './machine/machine.js';
import { startMonitor, toRgba } from './apps/monitor.js';
import { KMS_TRACE_PROGRAMS, traceKmsProgram } from './apps/trace-kms.js';
import { render, RenderError } from './apps/render.js';

/**
 * A user's mistake ends in one line on stderr and a non-zero exit, never a
 * stack trace: a file that cannot be read or written (Node's fs errors carry
 * `code`, `syscall` and `path`), stdout closed by the reader (`akari trace
 * triangle | head`), a bad option (commander's own one-line errors). Anything
 * else is a bug in Akari and keeps its stack.
 */
const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'not a directory',
  EROFS: 'read-only file system', ENOSPC: 'no space left on device', EEXIST: 'file exists', EPERM: 'operation not permitted',
};
function userError(e: unknown): string | null {
  const err = e as { code?: string; syscall?: string; path?: string } | null;
  if (!err || typeof err.code !== 'string') return null;
  if (err.code === 'EPIPE') return 'output closed before it was complete (EPIPE)';
  const what = FS_ERRORS[err.code];
  return what && err.path ? `${err.path}: ${what} (${err.syscall ?? 'fs'})` : null;
}
function exitOnUserError(e: unknown): void {
  const msg = userError(e);
  if (msg === null) throw e;
  process.stderr.write(`akari: ${msg}\n`);
  process.exit(e && (e as { code?: string }).code === 'EPIPE' ? 141 : 1); // 141: what a shell reports for SIGPIPE
}
process.stdout.on('error', exitOnUserError);
process.on('uncaughtException', (e) => {
  try { exitOnUserError(e); } catch { process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`); process.exit(70); }
});

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command();
program.name('akari').description('Akari: a virtual GPU and its open driver stack').version(VERSION, '-V, --version', 'print the version');

program.command('triangle')
  .description('draw the first triangle through every layer and write a PNG')
  .option('--out <file>', 'output PNG', 'out/triangle.png')
  .option('--layout <layout>', 'framebuffer layout: linear or twiddled', 'linear')
  .option('--deterministic', 'run the GPU in this thread, deterministically')
  .option('--decode', 'print the decoded job (command, microsequence, descriptors, shaders)')
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .action((o: { out: string; layout: string; deterministic?: boolean; decode?: boolean; firmware: string }) => {
    if (o.layout !== 'linear' && o.layout !== 'twiddled') program.error(`error: unknown layout ${o.layout}`);
    if (o.firmware !== 'v1' && o.firmware !== 'v2') program.error(`error: unknown firmware ${o.firmware}`);
    runTriangleApp({ out: o.out, layout: o.layout as 'linear' | 'twiddled', deterministic: !!o.deterministic, decode: !!o.decode, firmware: o.firmware as 'v1' | 'v2' });
  });

program.command('trace')
  .description('trace a program: every ioctl decoded with its arguments, result and errno, the firmware events it caused, KMS events and the display state')
  .argument('<program>', `program to run: ${[...TRACE_PROGRAMS, ...KMS_TRACE_PROGRAMS].join(', ')}`)
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .option('--worker', 'run the GPU on a worker thread instead of in-thread')
  .action((prog: string, o: { firmware: string; worker?: boolean }) => {
    if (o.firmware !== 'v1' && o.firmware !== 'v2') program.error(`error: unknown firmware ${o.firmware}`);
    if ((KMS_TRACE_PROGRAMS as readonly string[]).includes(prog)) { traceKmsProgram(prog, { firmware: o.firmware as 'v1' | 'v2', deterministic: !o.worker }); return; }
    if (!(TRACE_PROGRAMS as readonly string[]).includes(prog)) program.error(`error: unknown program ${prog}`);
    traceProgram(prog, { firmware: o.firmware as 'v1' | 'v2', deterministic: !o.worker });
  });

program.command('compile')
  .description('compile a GLSL shader (.vert or .frag) to Akari machine code and print the disassembly')
  .argument('<file>', 'shader source; the extension picks the stage')
  .option('--ir', 'print the IR after lowering and after optimisation')
  .option('--passes', 'print the IR after every pass that made progress (SSA construction with its phis, each optimisation, out of SSA)')
  .option('--no-appendix-a', 'allow what WebGL forbids (GLSL ES Appendix A: dynamic indexing, while loops)')
  .action((file: string, o: { ir?: boolean; passes?: boolean; appendixA: boolean }) => {
    const stage = /\.(vert|vs)$/.test(file) ? 'vertex' : /\.(frag|fs)$/.test(file) ? 'fragment' : undefined;
    if (!stage) { program.error('error: the file must end in .vert or .frag'); return; }
    const r = compileReport(readFileSync(file, 'utf8'), stage, o);
    console.log(r.text);
    if (!r.ok) process.exitCode = 1;
  });

const fwOf = (v: string): 'v1' | 'v2' => { if (v !== 'v1' && v !== 'v2') program.error(`error: unknown firmware ${v}`); return v as 'v1' | 'v2'; };

program.command('modetest')
  .description('libdrm modetest: list encoders, connectors, CRTCs and planes with their properties; -s sets a mode with a test pattern; -v flips and measures the refresh rate')
  .option('-s, --set <spec>', '<connector_id>[@<crtc_id>]:<mode>, e.g. 53:1920x1080')
  .option('-v, --vsync', 'with -s: page-flip continuously and print the measured refresh rate')
  .option('--frames <n>', 'with -v: number of flips', '120')
  .option('--deterministic', 'run the GPU in this thread and the display in virtual time')
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .action((o: { set?: string; vsync?: boolean; frames: string; deterministic?: boolean; firmware: string }) => {
    runModetest({ set: o.set, vsync: !!o.vsync, frames: Number(o.frames), deterministic: !!o.deterministic, firmware: fwOf(o.firmware) });
  });

program.command('kmscube')
  .description('the spinning shaded cube, rendered by the GPU into dma-bufs and flipped at vblank; prints fps and missed flips')
  .option('--frames <n>', 'frames to render', '120')
  .option('--atomic', 'atomic commits with in/out fences (default: legacy SETCRTC + PAGE_FLIP)')
  .option('--buffers <n>', '2 (double) or 3 (triple) buffering', '3')
  .option('--connector <index>', 'connector index (default: the first connected)')
  .option('--mode <WxH>', 'mode name (default: the preferred mode)')
  .option('--deterministic', 'run the GPU in this thread and the display in virtual time (a fixed 60 Hz)')
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .action((o: { frames: string; atomic?: boolean; buffers: string; connector?: string; mode?: string; deterministic?: boolean; firmware: string }) => {
    runKmscube({
      frames: Number(o.frames), atomic: !!o.atomic, buffers: Number(o.buffers), connector: o.connector === undefined ? undefined : Number(o.connector),
      mode: o.mode, deterministic: !!o.deterministic, firmware: fwOf(o.firmware),
    });
  });

program.command('screenshot')
  .description('capture what a CRTC sends to its monitor (the display engine output) as a PNG, after running a client')
  .option('--crtc <n>', 'CRTC index', '0')
  .requiredOption('--out <file>', 'output PNG')
  .option('--program <name>', 'what to put on screen first: kmscube or modetest', 'kmscube')
  .option('--frames <n>', 'kmscube frames to run first', '30')
  .option('--mode <WxH>', 'mode name')
  .option('--deterministic', 'run the GPU in this thread and the display in virtual time')
  .action((o: { crtc: string; out: string; program: string; frames: string; mode?: string; deterministic?: boolean }) => {
    const crtc = Number(o.crtc);
    const machine = new Machine({ deterministic: !!o.deterministic });
    try {
      if (o.program === 'kmscube') runKmscube({ frames: Number(o.frames), atomic: true, machine, keep: true, connector: crtc, mode: o.mode });
      else if (o.program === 'modetest') {
        const conn = machine.driver.kms!.connectors[crtc]!.id;
        runModetest({ set: `${conn}:${o.mode ?? (crtc ? '1280x1024' : '1920x1080')}`, machine, keep: true });
      } else program.error(`error: unknown program ${o.program}`);
      const f = machine.display!.output(crtc);
      if (!f) { program.error(`error: CRTC ${crtc} has no signal`); return; }
      writePng(o.out, toRgba(f, 1), f.width, f.height);
      console.log(`screenshot: CRTC ${crtc}, ${f.width}x${f.height}, vblank ${f.frame} -> ${o.out}`);
    } finally { machine.shutdown(); }
  });

program.command('monitor')
  .description('serve a page showing each connector\'s scan-out live, with mode, rates and a hotplug button (kmscube runs meanwhile)')
  .option('--port <n>', 'port', '8080')
  .option('--program <name>', 'kmscube, modetest or none', 'kmscube')
  .option('--connector <index>', 'connector for the program')
  .option('--mode <WxH>', 'mode for the program')
  .option('--scale <n>', 'send every n-th pixel', '2')
  .action(async (o: { port: string; program: string; connector?: string; mode?: string; scale: string }) => {
    const m = await startMonitor({ port: Number(o.port), program: o.program as 'kmscube', connector: o.connector === undefined ? undefined : Number(o.connector), mode: o.mode, scale: Number(o.scale) });
    process.on('SIGINT', () => { void m.close().then(() => process.exit(0)); });
  });

program.command('render')
  .description('render a Shadertoy-style fragment shader (.frag/.glsl: mainImage, iTime, iResolution, iMouse, iChannel0-3 ...) or a WebGL scene module (.js/.mjs: setup/frame, as bench/scenes) to PNG frames')
  .argument('<file>', 'shader or scene module')
  .option('--size <WxH>', 'drawing buffer size', '800x450')
  .option('--frames <n>', 'frames to render', '1')
  .option('--time <seconds>', 'iTime of the first frame', '0')
  .option('--fps <n>', 'frames per second of the shader clock (iTime advances 1/fps per frame)', '60')
  .option('--mouse <x,y[,px,py]>', 'iMouse in pixels from the bottom left', '0,0')
  .option('--channel0 <image>', 'PNG or JPEG for iChannel0').option('--channel1 <image>', 'PNG or JPEG for iChannel1')
  .option('--channel2 <image>', 'PNG or JPEG for iChannel2').option('--channel3 <image>', 'PNG or JPEG for iChannel3')
  .option('--out <file>', 'output PNG; %04d is replaced by the frame number', 'out/render.png')
  .option('--deterministic', 'run the GPU in this thread')
  .action(async (file: string, o: { size: string; frames: string; time: string; fps: string; mouse: string; channel0?: string; channel1?: string; channel2?: string; channel3?: string; out: string; deterministic?: boolean }) => {
    const m = /^(\d+)x(\d+)$/.exec(o.size);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) program.error(`error: --size must be WIDTHxHEIGHT, got ${o.size}`);
    const frames = Number(o.frames), fps = Number(o.fps), time = Number(o.time);
    if (!Number.isInteger(frames) || frames < 1) program.error(`error: --frames must be a positive integer, got ${o.frames}`);
    if (!(fps > 0)) program.error(`error: --fps must be positive, got ${o.fps}`);
    if (!Number.isFinite(time)) program.error(`error: --time must be a number, got ${o.time}`);
    const mouse = o.mouse.split(',').map(Number);
    if (!(mouse.length === 2 || mouse.length === 4) || mouse.some((v) => !Number.isFinite(v))) program.error(`error: --mouse must be x,y or x,y,px,py, got ${o.mouse}`);
    if (!/\.(frag|glsl|fs|m?js)$/.test(file)) program.error('error: the file must be a shader (.frag, .glsl, .fs) or a scene module (.js, .mjs)');
    try {
      await render(file, {
        width: Number(m![1]), height: Number(m![2]), frames, fps, time,
        mouse: [mouse[0]!, mouse[1]!, mouse[2] ?? 0, mouse[3] ?? 0],
        channels: [o.channel0, o.channel1, o.channel2, o.channel3], out: o.out, deterministic: !!o.deterministic,
      });
    } catch (e) {
      if (e instanceof RenderError) { process.stderr.write(`akari: ${file}: ${e.message}\n`); process.exit(1); }
      throw e;
    }
  });

program.parse();
