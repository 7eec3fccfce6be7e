/**
 * `akari render`: Shadertoy's uniforms reach the shader with the values
 * Shadertoy defines, iChannel images come out as they went in, compiler
 * diagnostics name the user's lines, a scene module renders its frames.
 * Golden values are reasoned in each test from Shadertoy's definitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { render, framePath, RenderError } from '../../src/apps/render.js';
import { decodePng } from '../../src/image/decode.js';
import { encodePng } from '../../src/image/png.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'akari-render-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => undefined;
const base = { frames: 1, time: 0, fps: 60, mouse: [0, 0, 0, 0] as [number, number, number, number], channels: [], deterministic: true, log: quiet };
const png = (path: string) => decodePng(readFileSync(path));
/** PNG rows are top first; Shadertoy's fragCoord.y counts from the bottom */
const at = (img: { width: number; height: number; data: Uint8ClampedArray }, x: number, yFromBottom: number) => {
  const i = ((img.height - 1 - yFromBottom) * img.width + x) * 4;
  return [...img.data.subarray(i, i + 4)];
};

test('fragCoord and iResolution: pixel centres over the size, as Shadertoy defines them', async () => {
  const f = join(dir, 'coord.frag');
  writeFileSync(f, 'void mainImage(out vec4 c, in vec2 p) { c = vec4(p / iResolution.xy, iResolution.z, 1.0); }\n');
  const [out] = await render(f, { ...base, width: 4, height: 2, out: join(dir, 'coord.png') });
  const img = png(out!);
  assert.equal(img.width, 4); assert.equal(img.height, 2);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 4; x++) {
      // r = (x + 0.5) / 4, g = (y + 0.5) / 2, b = iResolution.z = 1 (square pixels); unorm8 rounds v * 255
      assert.deepEqual(at(img, x, y), [Math.round((x + 0.5) / 4 * 255), Math.round((y + 0.5) / 2 * 255), 255, 255], `pixel ${x},${y}`);
    }
  }
});

test('iTime, iFrame and iMouse per frame: time + frame / fps', async () => {
  const f = join(dir, 'clock.frag');
  // iTime / 4: frames 0, 1, 2 at 2 fps from t = 1 give 1, 1.5, 2 s -> 0.25, 0.375, 0.5
  writeFileSync(f, 'void mainImage(out vec4 c, in vec2 p) { c = vec4(iTime / 4.0, float(iFrame) / 4.0, iMouse.x / 100.0, 1.0); }\n');
  const files = await render(f, { ...base, width: 2, height: 2, frames: 3, time: 1, fps: 2, mouse: [51, 0, 0, 0], out: join(dir, 'clock-%02d.png') });
  assert.deepEqual(files, ['00', '01', '02'].map((n) => join(dir, `clock-${n}.png`)));
  files.forEach((file, i) => {
    const t = 1 + i / 2;
    assert.deepEqual(at(png(file), 0, 0), [Math.round(t / 4 * 255), Math.round(i / 4 * 255), Math.round(0.51 * 255), 255], `frame ${i}`);
  });
});

test('iChannel0: an image sampled at its texel centres comes out as it went in, top row on top', async () => {
  // 2x2 RGBA, top row first as PNG stores it: red, green / blue, white
  const src = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  const imgPath = join(dir, 'in.png');
  writeFileSync(imgPath, encodePng(src, 2, 2));
  const f = join(dir, 'copy.frag');
  writeFileSync(f, 'void mainImage(out vec4 c, in vec2 p) { c = texture(iChannel0, p / iResolution.xy); }\n');
  const [out] = await render(f, { ...base, width: 2, height: 2, channels: [imgPath], out: join(dir, 'copy.png') });
  assert.deepEqual([...png(out!).data], [...src]);
});

test('a shader that does not compile: the diagnostics name the lines of the user\'s file', async () => {
  const f = join(dir, 'bad.frag');
  writeFileSync(f, 'void mainImage(out vec4 c, in vec2 p) {\n  c = vec4(1.0);\n  c += missing;\n}\n');
  await assert.rejects(render(f, { ...base, width: 2, height: 2, out: join(dir, 'bad.png') }), (e: Error) => {
    assert.ok(e instanceof RenderError);
    assert.match(e.message, /0:3:\d+: .*missing/);
    return true;
  });
});

test('a scene module renders through setup and frame, as bench/scenes do', async () => {
  const f = join(dir, 'scene.mjs');
  writeFileSync(f, `export function setup(gl) { return 0.5; }
export function frame(gl, v, i) { gl.clearColor(v, i / 2, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT); }\n`);
  const files = await render(f, { ...base, width: 3, height: 3, frames: 2, out: join(dir, 'scene.png') });
  assert.deepEqual(files, [join(dir, 'scene-0000.png'), join(dir, 'scene-0001.png')]);
  assert.deepEqual(at(png(files[1]!), 1, 1), [128, 128, 0, 255]); // 0.5 * 255 = 127.5 rounds to 128
});

test('frame paths: printf patterns, or a number before the extension when there are several frames', () => {
  assert.equal(framePath('out/f-%04d.png', 7, 10), 'out/f-0007.png');
  assert.equal(framePath('out/f%d.png', 12, 20), 'out/f12.png');
  assert.equal(framePath('out/a.png', 0, 1), 'out/a.png');
  assert.equal(framePath('out/a.png', 3, 5), 'out/a-0003.png');
});

test('the command: bad options are one line and exit 1', () => {
  const cli = resolve(ROOT, 'dist/src/cli.js');
  const r = spawnSync(process.execPath, [cli, 'render', 'x.frag', '--size', '12'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'error: --size must be WIDTHxHEIGHT, got 12');
});
