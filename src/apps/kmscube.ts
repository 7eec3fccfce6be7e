/**
 * kmscube: the spinning, shaded cube of Rob Clark's kmscube, rendered by the
 * GPU through WebGL and the UMD into buffers that are exported as dma-bufs,
 * imported on the card node as framebuffers and flipped at vblank.
 *
 * Atomic mode (as kmscube's drm-atomic.c): each frame is a NONBLOCK commit
 * with PAGE_FLIP_EVENT whose plane carries the render fence as IN_FENCE_FD,
 * and whose CRTC returns an OUT_FENCE_PTR sync file that the GPU waits on
 * (eglWaitSyncKHR) before rendering into the buffer that flip releases.
 * Legacy mode: SETCRTC, then PAGE_FLIP with events, the CPU waiting for the
 * render fence first. One process holds both nodes, as kmscube with GBM does.
 *
 * Frames are counted at the flip events: a flip that lands more than one
 * vblank after the previous one missed the vblanks in between.
 */
import { Machine } from '../machine/machine.js';
import { DrmDevice } from '../libdrm/libdrm.js';
import { ModeCard, type ModeInfo } from '../libdrm/kms.js';
import { AkariWebGLRenderingContext } from '../webgl/context.js';
import { DRM_CLIENT_CAP_ATOMIC } from '../uapi/drm.js';
import {
  CONNECTOR_TYPE_NAMES, DRM_FORMAT_XBGR8888, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_CONNECTED,
  DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE, DRM_MODE_PAGE_FLIP_EVENT, encodeModeInfo,
} from '../uapi/drm-mode.js';
import type { Syscalls } from '../uapi/syscalls.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

export interface KmscubeOptions {
  frames: number;
  atomic: boolean;
  /** 2: double buffering, 3: triple */
  buffers?: number;
  /** connector index (default: the first connected one) */
  connector?: number;
  /** "WxH" (default: the connector's preferred mode) */
  mode?: string;
  deterministic?: boolean;
  firmware?: FwVersion;
  /** run on an existing machine (the monitor does) */
  machine?: Machine;
  /** keep the CRTC lit at the end (the process stays) */
  keep?: boolean;
  log?: (line: string) => void;
  /** called after each flip completes, with the flip's vblank sequence */
  onFlip?: (frame: number, sequence: number) => void;
}

export interface KmscubeResult {
  connector: string;
  mode: string;
  refreshHz: number;
  frames: number;
  flips: number;
  missed: number;
  /** flips per second of display time (vblank timestamps) */
  fps: number;
  /** frames per second of wall-clock time */
  wallFps: number;
  sequences: number[];
  sys: Syscalls;
  machine: Machine;
}

const VS = `
uniform mat4 modelviewMatrix;
uniform mat4 modelviewprojectionMatrix;
uniform mat3 normalMatrix;
attribute vec4 in_position;
attribute vec3 in_normal;
attribute vec4 in_color;
varying vec4 vVaryingColor;
void main() {
  vec4 lightSource = vec4(2.0, 2.0, 20.0, 0.0);
  gl_Position = modelviewprojectionMatrix * in_position;
  vec3 vEyeNormal = normalMatrix * in_normal;
  vec4 vPosition4 = modelviewMatrix * in_position;
  vec3 vPosition3 = vPosition4.xyz / vPosition4.w;
  vec3 vLightDir = normalize(lightSource.xyz - vPosition3);
  float diff = max(0.0, dot(vEyeNormal, vLightDir));
  vVaryingColor = vec4(diff * in_color.rgb, 1.0);
}`;
const FS = `
precision mediump float;
varying vec4 vVaryingColor;
void main() { gl_FragColor = vVaryingColor; }`;

/** 6 faces x 4 vertices (triangle strips): position, normal, colour. */
function cubeData(): { pos: Float32Array; nrm: Float32Array; col: Float32Array } {
  const faces: Array<{ n: [number, number, number]; c: [number, number, number]; v: number[] }> = [
    { n: [0, 0, 1], c: [0, 0, 1], v: [-1, -1, 1, 1, -1, 1, -1, 1, 1, 1, 1, 1] },       // front
    { n: [0, 0, -1], c: [1, 0, 1], v: [1, -1, -1, -1, -1, -1, 1, 1, -1, -1, 1, -1] },   // back
    { n: [1, 0, 0], c: [1, 0, 0], v: [1, -1, 1, 1, -1, -1, 1, 1, 1, 1, 1, -1] },        // right
    { n: [-1, 0, 0], c: [1, 1, 0], v: [-1, -1, -1, -1, -1, 1, -1, 1, -1, -1, 1, 1] },   // left
    { n: [0, 1, 0], c: [0, 1, 0], v: [-1, 1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1] },        // top
    { n: [0, -1, 0], c: [0, 1, 1], v: [-1, -1, -1, 1, -1, -1, -1, -1, 1, 1, -1, 1] },   // bottom
  ];
  const pos = new Float32Array(faces.flatMap((f) => f.v));
  const nrm = new Float32Array(faces.flatMap((f) => [...f.n, ...f.n, ...f.n, ...f.n]));
  const col = new Float32Array(faces.flatMap((f) => [...f.c, ...f.c, ...f.c, ...f.c]));
  return { pos, nrm, col };
}

// column-major 4x4 matrices, as GL takes them
type M4 = Float32Array;
const ident = (): M4 => new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
function mul(a: M4, b: M4): M4 {
  const r = new Float32Array(16);
  for (let c = 0; c < 4; c++) for (let rr = 0; rr < 4; rr++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + rr]! * b[c * 4 + k]!;
    r[c * 4 + rr] = s;
  }
  return r;
}
function translate(m: M4, x: number, y: number, z: number): M4 { const t = ident(); t[12] = x; t[13] = y; t[14] = z; return mul(m, t); }
/** esRotate: angle in degrees about (x, y, z) */
function rotate(m: M4, deg: number, x: number, y: number, z: number): M4 {
  const len = Math.hypot(x, y, z); x /= len; y /= len; z /= len;
  const s = Math.sin((deg * Math.PI) / 180), c = Math.cos((deg * Math.PI) / 180), t = 1 - c;
  const r = new Float32Array([
    t * x * x + c, t * x * y + s * z, t * x * z - s * y, 0,
    t * x * y - s * z, t * y * y + c, t * y * z + s * x, 0,
    t * x * z + s * y, t * y * z - s * x, t * z * z + c, 0,
    0, 0, 0, 1,
  ]);
  return mul(m, r);
}
function frustum(l: number, r: number, b: number, t: number, n: number, f: number): M4 {
  return new Float32Array([2 * n / (r - l), 0, 0, 0, 0, 2 * n / (t - b), 0, 0, (r + l) / (r - l), (t + b) / (t - b), -(f + n) / (f - n), -1, 0, 0, -2 * f * n / (f - n), 0]);
}

export interface Kmscube { step(): void; finish(): KmscubeResult; readonly frame: number; readonly crtcIndex: number }

/** Sets up kmscube (display, GL, buffers); each step() is one frame. */
export function createKmscube(o: KmscubeOptions): Kmscube {
  const log = o.log ?? ((s: string) => console.log(s));
  const machine = o.machine ?? new Machine({ deterministic: o.deterministic ?? false, firmware: o.firmware });
  const sys = machine.spawn();
  const drm = DrmDevice.open(sys, '/dev/dri/card0');
  const card = new ModeCard(drm);
  if (o.atomic) drm.setClientCap(DRM_CLIENT_CAP_ATOMIC, 1);
  const res = card.getResources();
  const conns = res.connectors.map((id) => card.getConnector(id));
  const conn = o.connector !== undefined ? conns[o.connector] : conns.find((c) => c.connection === DRM_MODE_CONNECTED);
  if (!conn || conn.connection !== DRM_MODE_CONNECTED) throw new Error('no connected connector');
  const mode: ModeInfo | undefined = o.mode ? conn.modes.find((m) => m.name === o.mode) : conn.modes[0];
  if (!mode) throw new Error(`no mode ${o.mode ?? ''} on the connector`);
  const enc = card.getEncoder(conn.encoders[0]!);
  // CRTC k drives connector k when its encoder can; otherwise the first CRTC the encoder can use
  const connIndex = conns.indexOf(conn);
  const crtcIdx = connIndex < res.crtcs.length && enc.possibleCrtcs & (1 << connIndex) ? connIndex : Math.max(0, res.crtcs.findIndex((_, i) => enc.possibleCrtcs & (1 << i)));
  const crtcId = res.crtcs[crtcIdx]!;
  const connName = `${CONNECTOR_TYPE_NAMES[conn.connectorType] ?? '?'}-${conn.connectorTypeId}`;
  const W = mode.hdisplay, H = mode.vdisplay;
  const refresh = (mode.clock * 1000) / (mode.htotal * mode.vtotal);
  log(`kmscube: ${connName} ${mode.name}@${refresh.toFixed(2)}Hz on CRTC ${crtcId}, ${o.atomic ? 'atomic' : 'legacy'}, ${o.buffers ?? 3} buffers`);

  // EGL on GBM: the same process renders through its render node
  const gl = new AkariWebGLRenderingContext(W, H, { alpha: false, depth: true, antialias: false }, { sys, release: () => {} });
  const prog = gl.createProgram()!;
  for (const [type, src] of [[gl.VERTEX_SHADER, VS], [gl.FRAGMENT_SHADER, FS]] as const) {
    const sh = gl.createShader(type)!;
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(sh) ?? 'compile failed');
    gl.attachShader(prog, sh);
  }
  gl.bindAttribLocation(prog, 0, 'in_position');
  gl.bindAttribLocation(prog, 1, 'in_normal');
  gl.bindAttribLocation(prog, 2, 'in_color');
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(prog) ?? 'link failed');
  gl.useProgram(prog);
  const data = cubeData();
  [data.pos, data.nrm, data.col].forEach((arr, i) => {
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, arr, gl.STATIC_DRAW);
    gl.vertexAttribPointer(i, 3, gl.FLOAT, false, 0, 0);
    gl.enableVertexAttribArray(i);
  });
  const uMv = gl.getUniformLocation(prog, 'modelviewMatrix');
  const uMvp = gl.getUniformLocation(prog, 'modelviewprojectionMatrix');
  const uN = gl.getUniformLocation(prog, 'normalMatrix');
  const aspect = H / W;
  // scan-out reads row 0 first; GL puts its bottom row there: flip y (and so the winding)
  const projection = mul(new Float32Array([1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), frustum(-2.8, 2.8, -2.8 * aspect, 2.8 * aspect, 6, 10));
  gl.enable(gl.CULL_FACE);
  gl.frontFace(gl.CW);
  gl.enable(gl.DEPTH_TEST);
  gl.viewport(0, 0, W, H);

  const draw = (i: number) => {
    gl.clearColor(0.5, 0.5, 0.5, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    let mv = translate(ident(), 0, 0, -8);
    mv = rotate(mv, 45 + 0.25 * i, 1, 0, 0);
    mv = rotate(mv, 45 - 0.5 * i, 0, 1, 0);
    mv = rotate(mv, 10 + 0.15 * i, 0, 0, 1);
    const nm = new Float32Array([mv[0]!, mv[1]!, mv[2]!, mv[4]!, mv[5]!, mv[6]!, mv[8]!, mv[9]!, mv[10]!]);
    gl.uniformMatrix4fv(uMv, false, mv);
    gl.uniformMatrix4fv(uMvp, false, mul(projection, mv));
    gl.uniformMatrix3fv(uN, false, nm);
    for (let f = 0; f < 6; f++) gl.drawArrays(gl.TRIANGLE_STRIP, f * 4, 4);
  };

  const buffers = o.buffers ?? 3;
  const fbOf = new Map<number, number>();
  const importFb = (dmabufFd: number, stride: number): number => {
    const handle = drm.primeFdToHandle(dmabufFd);
    let fb = fbOf.get(handle);
    if (fb === undefined) fbOf.set(handle, (fb = card.addFB2(W, H, DRM_FORMAT_XBGR8888, [handle], [stride], [0])));
    return fb;
  };
  const plane = card.getPlaneResources().find((p) => card.getPlane(p).possibleCrtcs & (1 << crtcIdx) && card.findProperty(p, DRM_MODE_OBJECT_PLANE, 'type')?.value === 1n);
  const P = (obj: number, type: number, name: string) => card.propId(obj, type, name);
  const outPtr = drm.heap.alloc(8);

  const sequences: number[] = [];
  const times: number[] = [];
  let pending = false;
  const waitFlip = () => {
    let got = false;
    while (!got) card.handleEvent({ pageFlip: (e) => { got = true; sequences.push(e.sequence); times.push(e.timeNs); o.onFlip?.(sequences.length, e.sequence); } });
    pending = false;
  };
  const outFences: number[] = [];
  const t0 = Date.now();
  let i = 0;
  /** One frame: render, swap, wait for the previous flip, commit this one. */
  const step = () => {
    // the buffer this frame renders into was released by the flip `buffers - 1` commits ago: the GPU waits for it
    if (outFences.length >= buffers - 1) { const fd = outFences.shift()!; gl.akariWaitSync(fd); sys.close(fd); }
    draw(i);
    const sw = gl.akariSwapBuffers(buffers);
    const fb = importFb(sw.dmabufFd, sw.stride);
    if (pending) waitFlip();
    if (o.atomic) {
      const req = card.atomicAlloc();
      req.add(plane!, P(plane!, DRM_MODE_OBJECT_PLANE, 'FB_ID'), fb);
      req.add(plane!, P(plane!, DRM_MODE_OBJECT_PLANE, 'CRTC_ID'), crtcId);
      req.add(plane!, P(plane!, DRM_MODE_OBJECT_PLANE, 'IN_FENCE_FD'), sw.fenceFd);
      req.add(crtcId, P(crtcId, DRM_MODE_OBJECT_CRTC, 'OUT_FENCE_PTR'), outPtr);
      let flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
      if (i === 0) {
        const blob = card.createPropertyBlob(encodeModeInfo(mode));
        req.add(conn.connectorId, P(conn.connectorId, DRM_MODE_OBJECT_CONNECTOR, 'CRTC_ID'), crtcId);
        req.add(crtcId, P(crtcId, DRM_MODE_OBJECT_CRTC, 'MODE_ID'), blob);
        req.add(crtcId, P(crtcId, DRM_MODE_OBJECT_CRTC, 'ACTIVE'), 1);
        for (const [k, v] of [['SRC_X', 0], ['SRC_Y', 0], ['SRC_W', W * 65536], ['SRC_H', H * 65536], ['CRTC_X', 0], ['CRTC_Y', 0], ['CRTC_W', W], ['CRTC_H', H]] as const) {
          req.add(plane!, P(plane!, DRM_MODE_OBJECT_PLANE, k), v);
        }
        flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
      }
      card.atomicCommit(req, flags, i);
      const b = new Uint8Array(4);
      sys.load(outPtr, b);
      outFences.push(new DataView(b.buffer).getInt32(0, true));
    } else {
      // legacy flips carry no fence: the CPU waits for the render first (the CPU side of an implicit sync)
      const s = drm.syncobjCreate();
      drm.syncobjImportSyncFile(s, sw.fenceFd);
      drm.syncobjWait([s], Number(process.hrtime.bigint()) + 60e9);
      drm.syncobjDestroy(s);
      if (i === 0) card.setCrtc(crtcId, fb, 0, 0, [conn.connectorId], mode);
      card.pageFlip(crtcId, fb, DRM_MODE_PAGE_FLIP_EVENT, i);
    }
    sys.close(sw.fenceFd);
    pending = true;
    i++;
  };
  const finish = (): KmscubeResult => {
    if (pending) waitFlip();
    const wallMs = Date.now() - t0;
    let missed = 0;
    for (let k = 1; k < sequences.length; k++) missed += Math.max(0, sequences[k]! - sequences[k - 1]! - 1);
    const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1e9 : 0;
    const result: KmscubeResult = {
      connector: connName, mode: mode.name, refreshHz: refresh, frames: i, flips: sequences.length, missed,
      fps: span > 0 ? (sequences.length - 1) / span : 0, wallFps: (i * 1000) / Math.max(1, wallMs), sequences, sys, machine,
    };
    log(`kmscube: ${result.flips} flips in ${span.toFixed(3)} s of display time: ${result.fps.toFixed(2)} fps, ${missed} missed flips; wall clock ${result.wallFps.toFixed(2)} fps`);
    for (const fd of outFences.splice(0)) sys.close(fd);
    if (!o.keep) {
      sys.exit();
      if (!o.machine) machine.shutdown();
    }
    return result;
  };
  return { step, finish, get frame() { return i; }, crtcIndex: crtcIdx };
}

/** Runs `frames` frames and reports. */
export function runKmscube(o: KmscubeOptions): KmscubeResult {
  const cube = createKmscube(o);
  for (let k = 0; k < o.frames; k++) cube.step();
  return cube.finish();
}
