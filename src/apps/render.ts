/**
 * `akari render`: a fragment shader in Shadertoy's conventions, or a WebGL
 * scene module, rendered to PNG frames through the whole stack — the same
 * WebGL context a user's program gets.
 *
 * Shadertoy's contract (https://www.shadertoy.com/howto): the shader defines
 * `void mainImage(out vec4 fragColor, in vec2 fragCoord)` and reads the
 * uniforms iResolution (vec3: width, height, pixel aspect 1), iTime and
 * iTimeDelta (seconds), iFrame (int), iFrameRate, iMouse (vec4: xy while the
 * button is down, zw where it was pressed; pixels from the bottom left),
 * iDate (year, month − 1, day, seconds of the day), iChannel0..3 (sampler2D)
 * and iChannelResolution[4]. Shadertoy compiles GLSL ES 3.00; Akari is
 * WebGL 1, so the prelude also gives `texture(sampler2D, vec2)`, and shaders
 * that need ES 3.00 syntax (in/out, integer operators) are refused by the
 * compiler with its diagnostic. Diagnostics are reported at the line of the
 * user's file, not of the prelude.
 *
 * A scene module (.js/.mjs) has the shape of bench/scenes: `setup(gl, w, h)`
 * returning its state and `frame(gl, state, index)`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWebGLContext } from '../platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../webgl/context.js';
import { writeDrawingBufferPng } from '../webgl/png.js';
import { readImage } from '../image/decode.js';

export interface RenderOptions {
  width: number;
  height: number;
  frames: number;
  /** first frame's time in seconds, and frames per second of the shader clock */
  time: number;
  fps: number;
  /** iMouse: x, y, press x, press y (pixels, bottom-left origin) */
  mouse: [number, number, number, number];
  /** image files for iChannel0..3 (PNG or JPEG) */
  channels: (string | undefined)[];
  /** output path; `%d` or `%04d` is replaced by the frame number, else one frame's file is numbered before the extension */
  out: string;
  deterministic: boolean;
  /** progress and results (stderr by default) */
  log?: (line: string) => void;
}

/** The declarations Shadertoy puts before every image shader, in GLSL ES 1.00. */
export const SHADERTOY_PRELUDE = `precision highp float;
precision highp int;
uniform vec3 iResolution;
uniform float iTime;
uniform float iTimeDelta;
uniform float iFrameRate;
uniform int iFrame;
uniform vec4 iMouse;
uniform vec4 iDate;
uniform float iSampleRate;
uniform vec3 iChannelResolution[4];
uniform float iChannelTime[4];
uniform sampler2D iChannel0;
uniform sampler2D iChannel1;
uniform sampler2D iChannel2;
uniform sampler2D iChannel3;
vec4 texture(sampler2D s, vec2 uv) { return texture2D(s, uv); }
vec4 texture(sampler2D s, vec2 uv, float bias) { return texture2D(s, uv, bias); }
`;

const EPILOGUE = `
void main() {
  vec4 color = vec4(0.0, 0.0, 0.0, 1.0);
  mainImage(color, gl_FragCoord.xy);
  gl_FragColor = vec4(color.rgb, 1.0);
}
`;

const VERTEX = `attribute vec2 position;
void main() { gl_Position = vec4(position, 0.0, 1.0); }`;

const PRELUDE_LINES = SHADERTOY_PRELUDE.split('\n').length - 1;

/** A compiler's log with its line numbers moved from the wrapped source back to the user's file. */
export function userLineLog(log: string, offset: number): string {
  // Akari's diagnostics read "ERROR: 0:LINE:COL: ..." (the GLSL ES convention: source string 0).
  return log.replace(/\b0:(\d+):(\d+)/g, (_m, l: string, c: string) => `0:${Math.max(1, Number(l) - offset)}:${c}`);
}

export class RenderError extends Error {}

/** The path of frame `i`: printf-style %d / %0Nd, or `name-0001.png` when there are several frames and no pattern. */
export function framePath(out: string, i: number, frames: number): string {
  if (/%0?\d*d/.test(out)) return out.replace(/%(0?)(\d*)d/, (_m, zero: string, width: string) => String(i).padStart(Number(width) || 0, zero ? '0' : ' '));
  if (frames === 1) return out;
  const dot = out.lastIndexOf('.');
  const n = String(i).padStart(4, '0');
  return dot > out.lastIndexOf('/') ? `${out.slice(0, dot)}-${n}${out.slice(dot)}` : `${out}-${n}`;
}

function compileShadertoy(gl: AkariWebGLRenderingContext, source: string): WebGLProgram {
  const shader = (type: number, src: string, what: string, offset: number) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new RenderError(`${what} does not compile:\n${userLineLog(gl.getShaderInfoLog(s) ?? '', offset).trim()}`);
    return s;
  };
  const vs = shader(gl.VERTEX_SHADER, VERTEX, 'the vertex shader', 0);
  const fs = shader(gl.FRAGMENT_SHADER, SHADERTOY_PRELUDE + source + EPILOGUE, 'the shader', PRELUDE_LINES);
  const p = gl.createProgram()!;
  gl.attachShader(p, vs); gl.attachShader(p, fs);
  gl.bindAttribLocation(p, 0, 'position');
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new RenderError(`the shader does not link:\n${(gl.getProgramInfoLog(p) ?? '').trim()}`);
  return p;
}

interface Scene { setup(gl: AkariWebGLRenderingContext, w: number, h: number): unknown; frame(gl: AkariWebGLRenderingContext, state: unknown, i: number): void }

/** Renders `file` (a .frag/.glsl Shadertoy shader, or a .js/.mjs scene module); returns the files written. */
export async function render(file: string, o: RenderOptions): Promise<string[]> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const isScene = /\.(m?js)$/.test(file);
  let scene: Scene | null = null;
  if (isScene) {
    const mod = await import(pathToFileURL(resolve(file)).href) as Partial<Scene> & { default?: Partial<Scene> };
    const s = typeof mod.setup === 'function' ? mod : mod.default;
    if (!s || typeof s.setup !== 'function' || typeof s.frame !== 'function') throw new RenderError(`${file}: a scene module exports setup(gl, width, height) and frame(gl, state, index)`);
    scene = s as Scene;
  }
  const source = isScene ? '' : (await import('node:fs')).readFileSync(file, 'utf8');
  const gl = createWebGLContext(o.width, o.height, { preserveDrawingBuffer: true, antialias: false, deterministic: o.deterministic });
  const written: string[] = [];
  try {
    let draw: (i: number) => void;
    if (scene) {
      const state = scene.setup(gl, o.width, o.height);
      draw = (i) => scene.frame(gl, state, i);
    } else {
      const p = compileShadertoy(gl, source);
      gl.useProgram(p);
      const buf = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      // one triangle covering the viewport: fewer edges than two, every pixel once
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.viewport(0, 0, o.width, o.height);
      const u = (n: string) => gl.getUniformLocation(p, n);
      const res: number[] = [];
      o.channels.forEach((path, c) => {
        if (!path) { res.push(0, 0, 0); return; }
        const img = readImage(path);
        const tex = gl.createTexture();
        gl.activeTexture(gl.TEXTURE0 + c);
        gl.bindTexture(gl.TEXTURE_2D, tex);
        gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true); // Shadertoy's textures have v = 0 at the bottom
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, img);
        const pot = (n: number) => (n & (n - 1)) === 0;
        const mip = pot(img.width) && pot(img.height);
        if (mip) gl.generateMipmap(gl.TEXTURE_2D);
        // WebGL 1 samples non-power-of-two textures only with clamping and no mipmaps
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, mip ? gl.LINEAR_MIPMAP_LINEAR : gl.LINEAR);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, mip ? gl.REPEAT : gl.CLAMP_TO_EDGE);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, mip ? gl.REPEAT : gl.CLAMP_TO_EDGE);
        gl.uniform1i(u(`iChannel${c}`), c);
        res.push(img.width, img.height, 1);
      });
      while (res.length < 12) res.push(0);
      gl.uniform3fv(u('iChannelResolution'), new Float32Array(res));
      gl.uniform3f(u('iResolution'), o.width, o.height, 1);
      gl.uniform4f(u('iMouse'), ...o.mouse);
      gl.uniform1f(u('iTimeDelta'), 1 / o.fps);
      gl.uniform1f(u('iFrameRate'), o.fps);
      gl.uniform1f(u('iSampleRate'), 44100);
      const now = new Date();
      gl.uniform4f(u('iDate'), now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() * 3600 + now.getMinutes() * 60 + now.getSeconds());
      draw = (i) => {
        gl.uniform1f(u('iTime'), o.time + i / o.fps);
        gl.uniform1i(u('iFrame'), i);
        gl.drawArrays(gl.TRIANGLES, 0, 3);
      };
    }
    const t0 = performance.now();
    for (let i = 0; i < o.frames; i++) {
      const f0 = performance.now();
      draw(i);
      const err = gl.getError();
      if (err !== gl.NO_ERROR) throw new RenderError(`frame ${i}: GL error 0x${err.toString(16)}`);
      const path = framePath(o.out, i, o.frames);
      mkdirSync(dirname(resolve(path)), { recursive: true });
      writeDrawingBufferPng(gl, path);
      if (gl.isContextLost()) throw new RenderError(`frame ${i}: the context was lost (the GPU stopped the job: it ran past its time limit or faulted)`);
      written.push(path);
      log(`render: frame ${i + 1}/${o.frames} -> ${path} (${(performance.now() - f0).toFixed(0)} ms)`);
    }
    const s = (performance.now() - t0) / 1000;
    log(`render: ${o.frames} frame${o.frames === 1 ? '' : 's'} of ${o.width}x${o.height} in ${s.toFixed(2)} s (${(o.frames / s).toFixed(2)} fps, PNG writing included)`);
    return written;
  } finally {
    gl.destroy();
  }
}
