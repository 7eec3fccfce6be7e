/**
 * The command line as a user meets it: `--version` prints package.json's
 * version; a user's mistake (a missing file, an unknown option, stdout
 * closed by the reader) ends in one line on stderr and a non-zero exit,
 * never a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const CLI = resolve(ROOT, 'dist/src/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
const oneLine = (s: string) => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

test('akari --version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
  const r = run('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), version);
});

test('a missing file: one line naming it, exit 1', () => {
  const r = run('compile', 'no-such-shader.frag');
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'akari: no-such-shader.frag: no such file or directory (open)');
});

test('an unknown option or program: one line, non-zero exit', () => {
  for (const args of [['--bogus'], ['trace', 'nothing'], ['triangle', '--layout', 'diagonal']]) {
    const r = run(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.ok(oneLine(r.stderr) && /^error: /.test(r.stderr), `${args.join(' ')}: ${r.stderr}`);
  }
});

test('stdout closed by the reader (akari trace triangle | head): one line, exit 141 as for SIGPIPE', async () => {
  const child = spawn(process.execPath, [CLI, 'trace', 'triangle'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first line: every write fails with EPIPE
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((res) => child.on('close', res));
  assert.equal(code, 141);
  assert.equal(err.trim(), 'akari: output closed before it was complete (EPIPE)');
});

test('the npm run tools (bench, fuzz, cts, conformance, the ratchets): a bad option is one line and a non-zero exit', () => {
  const tools: [string, string[]][] = [
    ['dist/src/tools/bench.js', ['--bogus']],
    ['dist/src/tools/bench.js', ['--runs', 'many']],
    ['dist/src/tools/bench.js', ['--sizes', '800']],
    ['dist/src/tools/fuzz.js', ['--bogus']],
    ['dist/src/conformance/cli.js', ['--bogus']],
    ['dist/src/conformance/webgl-cts/cli.js', ['--bogus']],
    ['dist/src/conformance/ratchet.js', ['--bogus']],
    ['dist/src/conformance/webgl-cts/ratchet.js', ['--jobs']],
  ];
  for (const [tool, args] of tools) {
    const r = spawnSync(process.execPath, [resolve(ROOT, tool), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
    const what = `${tool} ${args.join(' ')}`;
    assert.ok(r.status !== 0 && r.status !== null, `${what}: exit ${r.status}`);
    assert.ok(oneLine(r.stderr), `${what}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${what} started work: ${r.stdout}`);
  }
});

test('npm run bench -- --help prints the usage and exits 0', () => {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'dist/src/tools/bench.js'), '--help'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: npm run bench/);
});
