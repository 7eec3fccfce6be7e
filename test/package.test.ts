/**
 * The package as a user meets it: `npm pack` the repository, install the
 * tarball into an empty project and use it from there the three ways users do — an ES
 * module, a CommonJS program (`require('akari')`, as headless-gl's users
 * write `require('gl')`) and a TypeScript type check against the shipped
 * declarations. Also pins what the tarball holds: the built library, its
 * declarations, the CLI, README and LICENSE, and nothing else.
 *
 * The install is offline: the runtime dependencies (the `npm ls --omit=dev`
 * closure of the repository's own node_modules) are packed beside it and
 * installed from those tarballs, so the test needs no registry.
 *
 * The programs clear a 4×4 drawing buffer to (255, 0, 0, 255) — glClear
 * writes the clear colour to every pixel, so any pixel read back must be it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

const USE = `
  const gl = createWebGLContext(4, 4, { deterministic: true });
  gl.clearColor(1, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  const px = new Uint8Array(4 * 4 * 4);
  gl.readPixels(0, 0, 4, 4, gl.RGBA, gl.UNSIGNED_BYTE, px);
  console.log(JSON.stringify({ first: Array.from(px.subarray(0, 4)), last: Array.from(px.subarray(60, 64)), error: gl.getError() }));
  gl.destroy();
`;
const EXPECTED = { first: [255, 0, 0, 255], last: [255, 0, 0, 255], error: 0 };

test('npm pack → install into an empty project → ESM, CommonJS and tsc all work', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'akari-pack-'));
  try {
    const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT).trim().split('\n').pop()!;
    const files = run('tar', ['-tzf', join(dir, tarball)], dir).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const must of ['package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli.js', 'dist/src/machine/gpu-worker.js']) {
      assert.ok(files.includes(must), `tarball lacks ${must}`);
    }
    const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/src\/.*\.(js|d\.ts))$/.test(f));
    assert.deepEqual(stray, [], 'the tarball ships only the built library, its declarations, README and LICENSE');

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const deps = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], ROOT).trim().split('\n').filter((p) => p !== ROOT);
    const depTarballs = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir, ...deps], ROOT).trim().split('\n');
    run('npm', ['install', '--offline', '--no-save', '--no-package-lock', '--ignore-scripts', ...[tarball, ...depTarballs].map((t) => join(dir, t))], app);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/akari/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(!('@types/cli-progress' in installed.dependencies), 'no type packages among runtime dependencies');

    writeFileSync(join(app, 'esm.mjs'), `import { createWebGLContext } from 'akari';\n${USE}`);
    assert.deepEqual(JSON.parse(run('node', ['esm.mjs'], app)), EXPECTED);

    writeFileSync(join(app, 'cjs.cjs'), `'use strict';\nconst { createWebGLContext } = require('akari');\n${USE}`);
    assert.deepEqual(JSON.parse(run('node', ['cjs.cjs'], app)), EXPECTED);

    // headless-gl's shape: require('akari/gl') is the function itself, as require('gl') is.
    writeFileSync(join(app, 'headless.cjs'), `'use strict';\nconst createContext = require('akari/gl');\nconst createWebGLContext = (w, h, a) => createContext(w, h, a);\n` +
      `if (createContext(0, 4) !== null) throw new Error('size 0 must give null');\n${USE}`);
    assert.deepEqual(JSON.parse(run('node', ['headless.cjs'], app)), EXPECTED);

    // The CLI: installed as node_modules/.bin/akari, it finds its package.json from dist/src/cli.js.
    const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(run(join(app, 'node_modules/.bin/akari'), ['--version'], app).trim(), pkgVersion);

    // Type check: the declarations themselves are checked too (skipLibCheck off).
    writeFileSync(join(app, 'use.mts'), `import { createWebGLContext, type AkariContextOptions } from 'akari';
import createContext from 'akari/gl';
const maybe: WebGLRenderingContext | null = createContext(1, 1);
const opts: AkariContextOptions = { deterministic: true, antialias: false };
const gl: WebGLRenderingContext = createWebGLContext(4, 4, opts);
const n: number = gl.drawingBufferWidth;
export { n };
`);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], skipLibCheck: false, types: [] },
      files: ['use.mts'],
    }));
    try { run('node', [TSC, '-p', 'tsconfig.json'], app); } catch (e) { assert.fail(`tsc --noEmit failed:\n${(e as { stdout?: string }).stdout}`); }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
