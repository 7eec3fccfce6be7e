/**
 * Microsequences: the tiny programs the command processor runs for a render
 * command (as AGX firmware runs its microsequence op lists). Every op is four
 * 32-bit words so the stream can be walked without decoding, and unknown ops
 * are caught by the processor. Built by the kernel in its own address space.
 */
import { defineStruct, f, fAddr, fEnum, type StructDesc } from './struct.js';

export const MS_OP = ['end', 'start_vertex', 'wait', 'start_fragment', 'timestamp', 'write32', 'add32', 'jump', 'jump_nz'] as const;
export type MsOpName = (typeof MS_OP)[number];
export const MS_OP_WORDS = 4;
export const MS_WAIT_WHAT = ['none', 'vertex', 'fragment', 'all'] as const;

const op = (w: number) => fEnum('op', 0, 0, 8, MS_OP);

export const MICROSEQ: Record<MsOpName, StructDesc> = {
  end: defineStruct('MS_END', 4, 16, [op(0)]),
  start_vertex: defineStruct('MS_START_VERTEX', 4, 16, [op(0), fAddr('job', 2, 'VERTEX_JOB')]),
  wait: defineStruct('MS_WAIT', 4, 16, [op(0), fEnum('what', 1, 0, 2, MS_WAIT_WHAT)]),
  start_fragment: defineStruct('MS_START_FRAGMENT', 4, 16, [op(0), fAddr('job', 2, 'FRAGMENT_JOB')]),
  timestamp: defineStruct('MS_TIMESTAMP', 4, 16, [op(0), fAddr('address', 2, 'u64 written with the GPU time')]),
  write32: defineStruct('MS_WRITE32', 4, 16, [op(0), f('value', 1, 0, 32), fAddr('address', 2)]),
  add32: defineStruct('MS_ADD32', 4, 16, [op(0), f('value', 1, 0, 32, 'sint'), fAddr('address', 2)]),
  jump: defineStruct('MS_JUMP', 4, 16, [op(0), f('offset', 1, 0, 32, 'sint', { doc: 'in ops, relative to this op' })]),
  jump_nz: defineStruct('MS_JUMP_NZ', 4, 16, [op(0), f('offset', 1, 0, 32, 'sint'), fAddr('address', 2, 'u32 tested')]),
};
