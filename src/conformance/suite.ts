/**
 * Test discovery and the parallel, isolated runner: a pool of forked worker processes, one test
 * in flight per worker, each under a time limit (the worker is killed and the test counted as a
 * timeout); a worker that dies mid-test makes that test a crash and is replaced.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyWorkerExit, type TestResult } from './outcome.js';
import type { WorkReply, WorkRequest } from './worker.js';

export const PIGLIT_ROOT = '/usr/lib/x86_64-linux-gnu/piglit';

/** shader_test folders (the README's four) and glslparsertest folders. */
export const SHADER_TEST_DIRS = [
  'tests/spec/glsl-es-1.00',
  // (sorted last of all shader_tests, so the ci subset's every-8th choice in the others is unchanged)
  'tests/spec/glsl-es-3.00',
  'tests/spec/glsl-1.10/execution',
  'tests/spec/glsl-1.20/execution',
  'generated_tests/spec/glsl-1.10/execution',
];
export const PARSER_TEST_DIRS = [
  'tests/spec/glsl-es-1.00/compiler',
  'tests/spec/glsl-es-3.00/compiler',
  'tests/spec/glsl-1.10/compiler',
  'tests/spec/glsl-1.20/compiler',
  'generated_tests/spec/glsl-1.10/compiler',
  'generated_tests/spec/glsl-1.20/compiler',
];

/** Install Debian's piglit when its folder is missing (CI runs as root). */
export function ensurePiglit(root = PIGLIT_ROOT): void {
  if (existsSync(root)) return;
  process.stderr.write(`${root} missing: installing piglit with apt-get\n`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]): void => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', 'piglit']);
}

function walk(root: string, rel: string, out: string[]): void {
  const abs = join(root, rel);
  if (!existsSync(abs)) return;
  for (const name of readdirSync(abs).sort()) {
    const r = `${rel}/${name}`;
    if (statSync(join(root, r)).isDirectory()) walk(root, r, out);
    else out.push(r);
  }
}

function hasConfig(root: string, rel: string): boolean {
  return /\[config\]/.test(readFileSync(join(root, rel), 'utf8').slice(0, 4000));
}

/** Every test path (relative to piglit's folder), shader_tests then glslparsertests, sorted. */
export function discover(root = PIGLIT_ROOT): string[] {
  const out = new Set<string>();
  for (const d of SHADER_TEST_DIRS) {
    const files: string[] = [];
    walk(root, d, files);
    for (const f of files) if (f.endsWith('.shader_test')) out.add(f);
  }
  for (const d of PARSER_TEST_DIRS) {
    const files: string[] = [];
    walk(root, d, files);
    for (const f of files) if (/\.(vert|frag)$/.test(f) && hasConfig(root, f)) out.add(f);
  }
  return [...out];
}

export interface RunOptions<R extends TestResult = TestResult> {
  root?: string;
  jobs: number;
  timeoutMs: number;
  onResult?: (path: string, r: R) => void;
  /** Replace a worker after this many tests (bounds leaks across tests). */
  recycleAfter?: number;
  /** The worker module (default: piglit's worker.js) and the request it gets for a test. */
  worker?: string;
  request?: (id: number, root: string, path: string) => { id: number };
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');

export function runTests<R extends TestResult = TestResult>(paths: string[], opts: RunOptions<R>): Promise<Record<string, R>> {
  const root = opts.root ?? PIGLIT_ROOT;
  const results: Record<string, R> = {};
  const queue = paths.slice();
  let nextId = 1;
  let pending = paths.length;
  return new Promise((resolve) => {
    if (pending === 0) return resolve(results);
    const record = (path: string, r: R): void => {
      if (results[path]) return;
      results[path] = r;
      opts.onResult?.(path, r);
      if (--pending === 0) resolve(results);
    };
    const spawn = (): void => {
      const child: ChildProcess = fork(opts.worker ?? WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: ['--max-old-space-size=2048'] });
      child.on('error', () => {});
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      let current: { id: number; path: string; timer: NodeJS.Timeout } | null = null;
      let done = 0;
      let dead = false;
      const next = (): void => {
        if (dead) return;
        if (opts.recycleAfter && done >= opts.recycleAfter && queue.length) {
          dead = true;
          child.kill('SIGKILL');
          spawn();
          return;
        }
        const path = queue.shift();
        if (path === undefined) {
          dead = true;
          child.kill('SIGKILL');
          return;
        }
        const id = nextId++;
        const timer = setTimeout(() => {
          if (!current || current.id !== id) return;
          current = null;
          dead = true;
          child.kill('SIGKILL');
          record(path, { outcome: 'timeout', detail: `no result after ${opts.timeoutMs} ms` } as R);
          spawn();
        }, opts.timeoutMs);
        current = { id, path, timer };
        const req: WorkRequest | { id: number } = opts.request ? opts.request(id, root, path) : { id, root, path };
        child.send(req);
      };
      child.on('message', (m: WorkReply & { result: R }) => {
        if (!current || m.id !== current.id) return;
        clearTimeout(current.timer);
        const path = current.path;
        current = null;
        done++;
        record(path, m.result);
        next();
      });
      child.on('exit', (code, signal) => {
        if (dead) return;
        dead = true;
        if (current) {
          clearTimeout(current.timer);
          const path = current.path;
          current = null;
          const r = classifyWorkerExit(code, signal);
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          record(path, (tail ? { outcome: r.outcome, detail: `${r.detail}: ${tail}`.slice(0, 600) } : r) as R);
        }
        if (queue.length) spawn();
      });
      next();
    };
    for (let i = 0; i < Math.min(opts.jobs, paths.length); i++) spawn();
  });
}

/**
 * Named subsets. `ci` is the ratchet's fixed subset: every glslparsertest file plus every
 * CI_SHADER_STRIDE-th shader_test in sorted path order (a stable, spread-out sample of all
 * four shader_test folders) — chosen to fit CI's ~10 minutes on 2 cores.
 */
export const CI_SHADER_STRIDE = 8;
export const SUBSETS = ['all', 'ci', 'parser', 'shader'] as const;
export type Subset = (typeof SUBSETS)[number];

export function selectSubset(paths: string[], subset: Subset): string[] {
  const isShader = (p: string): boolean => p.endsWith('.shader_test');
  switch (subset) {
    case 'all': return paths;
    case 'parser': return paths.filter((p) => !isShader(p));
    case 'shader': return paths.filter(isShader);
    case 'ci': {
      const shaders = paths.filter(isShader).sort();
      const keep = new Set(shaders.filter((_, i) => i % CI_SHADER_STRIDE === 0));
      return paths.filter((p) => !isShader(p) || keep.has(p));
    }
  }
}
