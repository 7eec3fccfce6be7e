/** The kernel fuzzer's own checks: a clean run stays clean, and each invariant catches a deliberately injected bug. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz, generate } from '../src/tools/fuzz.js';

test('a fixed-seed fuzz run of 3000 ops finds no violation, and the same seed gives the same ops', () => {
  const { stats } = fuzz({ seed: 7, processes: 4, ops: 3000, quiesce: 1000 });
  assert.deepEqual(stats.violations, []);
  assert.equal(stats.ops, 3000);
  assert.ok(stats.ioctls > 2000, `${stats.ioctls} ioctls`);
  assert.ok(stats.renders > 0, 'innocent renders were checked');
  // the display is fuzzed too: modesets and flips went through, and a CRTC was lit while the rest ran
  assert.ok(stats.kms.commits > 0 && stats.kms.litOps > 0, JSON.stringify(stats.kms));
  assert.deepEqual(generate(7, 50, 4), generate(7, 50, 4));
});

test('an injected leaked reference is caught when everyone has exited', () => {
  const { stats, trace } = fuzz({ seed: 7, processes: 4, ops: 1500, quiesce: 1000, inject: 'leak' });
  assert.ok(stats.violations.some((v) => v.kind === 'leak'), JSON.stringify(stats.violations.slice(0, 3)));
  // a leak shows at a quiesce: the trace that led to it is kept for the replay and the shrinker
  assert.ok(trace.length > 0, 'the trace since the last clean quiesce is kept');
});

test("an injected write into a process's private canary is caught as a foreign write", () => {
  const { stats } = fuzz({ seed: 7, processes: 4, ops: 3000, quiesce: 1000, inject: 'foreign-write' });
  assert.ok(stats.violations.some((v) => v.kind === 'foreign-write'), JSON.stringify(stats.violations.slice(0, 3)));
});
