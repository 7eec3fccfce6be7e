#!/usr/bin/env node
/** The `akari` command line. */
import { Command } from 'commander';
import { runTriangleApp } from './apps/triangle.js';
import { traceProgram, TRACE_PROGRAMS } from './tools/trace.js';
import { readFileSync } from 'node:fs';
import { compileReport } from './umd/compiler/index.js';

const program = new Command();
program.name('akari').description('Akari: a virtual GPU and its open driver stack');

program.command('triangle')
  .description('draw the first triangle through every layer and write a PNG')
  .option('--out <file>', 'output PNG', 'out/triangle.png')
  .option('--layout <layout>', 'framebuffer layout: linear or twiddled', 'linear')
  .option('--deterministic', 'run the GPU in this thread, deterministically')
  .option('--decode', 'print the decoded job (command, microsequence, descriptors, shaders)')
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .action((o: { out: string; layout: string; deterministic?: boolean; decode?: boolean; firmware: string }) => {
    if (o.layout !== 'linear' && o.layout !== 'twiddled') program.error(`unknown layout ${o.layout}`);
    if (o.firmware !== 'v1' && o.firmware !== 'v2') program.error(`unknown firmware ${o.firmware}`);
    runTriangleApp({ out: o.out, layout: o.layout as 'linear' | 'twiddled', deterministic: !!o.deterministic, decode: !!o.decode, firmware: o.firmware as 'v1' | 'v2' });
  });

program.command('trace')
  .description('trace a program: every ioctl decoded with its arguments, result and errno, and the firmware events it caused')
  .argument('<program>', `program to run: ${TRACE_PROGRAMS.join(', ')}`)
  .option('--firmware <version>', 'firmware ABI version: v1 or v2', 'v2')
  .option('--worker', 'run the GPU on a worker thread instead of in-thread')
  .action((prog: string, o: { firmware: string; worker?: boolean }) => {
    if (o.firmware !== 'v1' && o.firmware !== 'v2') program.error(`unknown firmware ${o.firmware}`);
    if (!(TRACE_PROGRAMS as readonly string[]).includes(prog)) program.error(`unknown program ${prog}`);
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
    if (!stage) { program.error('the file must end in .vert or .frag'); return; }
    const r = compileReport(readFileSync(file, 'utf8'), stage, o);
    console.log(r.text);
    if (!r.ok) process.exitCode = 1;
  });

program.parse();
