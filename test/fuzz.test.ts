/** The kernel fuzzer's own checks: a clean run stays clean, and each invariant catches a deliberately injected bug. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** The fuzzer's command line, as the main CLI's: --help, one-line user errors, and a run bounded by ioctls. */
const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const FUZZ = resolve(ROOT, 'dist/src/tools/fuzz.js');
const runFuzz = (...args: string[]) => spawnSync(process.execPath, [FUZZ, ...args], { encoding: 'utf8', cwd: ROOT });

test('fuzz --help describes the options, --ioctls among them; exit 0', () => {
  const r = runFuzz('--help');
  assert.equal(r.status, 0, r.stderr);
  for (const opt of ['--seconds', '--ops', '--ioctls', '--seed', '--processes', '--quiesce']) assert.ok(r.stdout.includes(opt), opt);
});

test('fuzz: an unknown option or a bad number is one line on stderr and exit 1, never a stack', () => {
  for (const [args, want] of [[['--bogus'], /^error: unknown option '--bogus'$/], [['--seed', 'x'], /^error: .*--seed needs an integer/], [['--ioctls', '-5'], /^error: /]] as const) {
    const r = runFuzz(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), want);
  }
});

test('fuzz --ioctls N stops at the end of the op that reached N ioctls', () => {
  const r = runFuzz('--ioctls', '300', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const m = /ops (\d+), ioctls (\d+) in/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const ioctls = Number(m[2]);
  // one op issues a handful of ioctls at most (a scanout setup: 3 dumb buffers and 2 fbs, plus the libdrm two-call protocols)
  assert.ok(ioctls >= 300 && ioctls < 340, `${ioctls} ioctls`);
  assert.match(r.stdout, /violations: 0/);
});
