/**
 * modetest, as libdrm's tests/modetest: lists encoders, connectors (modes
 * and properties), CRTCs, planes and framebuffers; `-s` sets a mode with a
 * test pattern in a dumb buffer; `-v` flips continuously between two
 * buffers and prints the refresh rate measured from the flip events.
 * Everything goes through libdrm's modesetting API.
 */
import { Machine } from '../machine/machine.js';
import { DrmDevice } from '../libdrm/libdrm.js';
import { ModeCard, type ModeInfo, type ModeProperty } from '../libdrm/kms.js';
import { DRM_CLIENT_CAP_ATOMIC, DRM_CLIENT_CAP_UNIVERSAL_PLANES } from '../uapi/drm.js';
import {
  CONNECTOR_TYPE_NAMES, DRM_FORMAT_XRGB8888, DRM_MODE_CONNECTED, DRM_MODE_DISCONNECTED, DRM_MODE_FLAG_NHSYNC,
  DRM_MODE_FLAG_NVSYNC, DRM_MODE_FLAG_PHSYNC, DRM_MODE_FLAG_PVSYNC, DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_CRTC,
  DRM_MODE_OBJECT_PLANE, DRM_MODE_PAGE_FLIP_EVENT, DRM_MODE_PROP_ATOMIC, DRM_MODE_PROP_BLOB, DRM_MODE_PROP_ENUM,
  DRM_MODE_PROP_IMMUTABLE, DRM_MODE_PROP_OBJECT, DRM_MODE_PROP_RANGE, DRM_MODE_PROP_SIGNED_RANGE, DRM_MODE_TYPE_DRIVER,
  DRM_MODE_TYPE_PREFERRED, fourccName,
} from '../uapi/drm-mode.js';
import type { Syscalls } from '../uapi/syscalls.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

const ENCODER_TYPES: Record<number, string> = { 0: 'none', 1: 'DAC', 2: 'TMDS', 3: 'LVDS', 4: 'TVDAC', 5: 'Virtual', 6: 'DSI', 7: 'DPMST', 8: 'DPI' };

export interface ModetestOptions {
  /** `<connector_id>[@<crtc_id>]:<mode>` as modetest -s takes it */
  set?: string;
  /** with set: flip continuously for `frames` flips and report the measured refresh */
  vsync?: boolean;
  frames?: number;
  deterministic?: boolean;
  firmware?: FwVersion;
  machine?: Machine;
  /** keep the mode set when done (the process stays) */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface ModetestResult { sys: Syscalls; machine: Machine; crtcIndex: number; measuredHz: number; flips: number }

function modeLine(i: number, m: ModeInfo): string {
  const flags = [[DRM_MODE_FLAG_PHSYNC, 'phsync'], [DRM_MODE_FLAG_NHSYNC, 'nhsync'], [DRM_MODE_FLAG_PVSYNC, 'pvsync'], [DRM_MODE_FLAG_NVSYNC, 'nvsync']]
    .filter(([b]) => m.flags & (b as number)).map(([, n]) => n).join(', ');
  const type = [[DRM_MODE_TYPE_PREFERRED, 'preferred'], [DRM_MODE_TYPE_DRIVER, 'driver']].filter(([b]) => m.type & (b as number)).map(([, n]) => n).join(', ');
  const hz = (m.clock * 1000) / (m.htotal * m.vtotal);
  return `  #${i} ${m.name} ${hz.toFixed(2)} ${m.hdisplay} ${m.hsync_start} ${m.hsync_end} ${m.htotal} ${m.vdisplay} ${m.vsync_start} ${m.vsync_end} ${m.vtotal} ${m.clock} flags: ${flags}; type: ${type}`;
}

function propLines(card: ModeCard, obj: number, type: number): string[] {
  const out = ['  props:'];
  const p = card.objectGetProperties(obj, type);
  p.props.forEach((id, i) => {
    const prop: ModeProperty = card.getProperty(id);
    const v = p.propValues[i]!;
    out.push(`\t${id} ${prop.name}:`);
    const f = prop.flags;
    const kind = f & DRM_MODE_PROP_BLOB ? 'blob' : f & DRM_MODE_PROP_ENUM ? 'enum' : (f & 0xffc0) === DRM_MODE_PROP_OBJECT ? 'object'
      : (f & 0xffc0) === DRM_MODE_PROP_SIGNED_RANGE ? 'signed range' : f & DRM_MODE_PROP_RANGE ? 'range' : 'unknown';
    out.push(`\t\tflags:${f & DRM_MODE_PROP_IMMUTABLE ? ' immutable' : ''}${f & DRM_MODE_PROP_ATOMIC ? ' atomic' : ''} ${kind}`);
    if (kind === 'range') out.push(`\t\tvalues: ${prop.values.join(' ')}`);
    if (kind === 'signed range') out.push(`\t\tvalues: ${prop.values.map((x) => BigInt.asIntN(64, x)).join(' ')}`);
    if (kind === 'enum') out.push(`\t\tenums: ${prop.enums.map((e) => `${e.name}=${e.value}`).join(' ')}`);
    if (kind === 'object') out.push(`\t\tobject type: 0x${prop.values[0]?.toString(16) ?? '0'}`);
    if (kind === 'blob') {
      out.push('\t\tblobs:', '');
      out.push('\t\tvalue:');
      if (v) {
        const b = card.getPropertyBlob(Number(v));
        for (let o = 0; o < b.length; o += 32) out.push(`\t\t\t${Array.from(b.subarray(o, o + 32), (x) => x.toString(16).padStart(2, '0')).join('')}`);
      }
    } else {
      out.push(`\t\tvalue: ${kind === 'signed range' ? BigInt.asIntN(64, v) : v}`);
    }
  });
  return out;
}

/** The listing modetest prints without arguments. */
export function listResources(card: ModeCard): string[] {
  const res = card.getResources();
  const out: string[] = ['Encoders:', 'id\tcrtc\ttype\tpossible crtcs\tpossible clones\t'];
  for (const id of res.encoders) {
    const e = card.getEncoder(id);
    out.push(`${e.encoderId}\t${e.crtcId}\t${ENCODER_TYPES[e.encoderType] ?? e.encoderType}\t0x${e.possibleCrtcs.toString(16).padStart(8, '0')}\t0x${e.possibleClones.toString(16).padStart(8, '0')}`);
  }
  out.push('', 'Connectors:', 'id\tencoder\tstatus\t\tname\t\tsize (mm)\tmodes\tencoders');
  for (const id of res.connectors) {
    const c = card.getConnector(id);
    const status = c.connection === DRM_MODE_CONNECTED ? 'connected' : c.connection === DRM_MODE_DISCONNECTED ? 'disconnected' : 'unknown';
    out.push(`${c.connectorId}\t${c.encoderId}\t${status}\t${(CONNECTOR_TYPE_NAMES[c.connectorType] ?? '?') + '-' + c.connectorTypeId}\t\t${c.mmWidth}x${c.mmHeight}\t\t${c.modes.length}\t${c.encoders.join(', ')}`);
    if (c.modes.length) {
      out.push('  modes:', '\tindex name refresh (Hz) hdisp hss hse htot vdisp vss vse vtot');
      c.modes.forEach((m, i) => out.push(modeLine(i, m)));
    }
    out.push(...propLines(card, id, DRM_MODE_OBJECT_CONNECTOR));
  }
  out.push('', 'CRTCs:', 'id\tfb\tpos\tsize');
  for (const id of res.crtcs) {
    const c = card.getCrtc(id);
    out.push(`${c.crtcId}\t${c.bufferId}\t(${c.x},${c.y})\t(${c.width}x${c.height})`);
    if (c.mode) out.push(modeLine(0, c.mode));
    out.push(...propLines(card, id, DRM_MODE_OBJECT_CRTC));
  }
  out.push('', 'Planes:', 'id\tcrtc\tfb\tCRTC x,y\tx,y\tgamma size\tpossible crtcs');
  for (const id of card.getPlaneResources()) {
    const p = card.getPlane(id);
    out.push(`${p.planeId}\t${p.crtcId}\t${p.fbId}\t0,0\t\t0,0\t${p.gammaSize}       \t0x${p.possibleCrtcs.toString(16).padStart(8, '0')}`);
    out.push(`  formats: ${p.formats.map(fourccName).join(' ')}`);
    out.push(...propLines(card, id, DRM_MODE_OBJECT_PLANE));
  }
  out.push('', 'Frame buffers:', 'id\tsize\tpitch');
  for (const id of res.fbs) {
    const f = card.getFB(id);
    out.push(`${id}\t(${f.width}x${f.height})\t${f.pitch}`);
  }
  return out;
}

/**
 * SMPTE colour bars as modetest's default pattern: seven 75% bars, the
 * reverse-blue strip, then -I, white, +Q, black and the PLUGE steps.
 */
export function smptePixel(x: number, y: number, w: number, h: number): number {
  const rgb = (r: number, g: number, b: number) => (r << 16) | (g << 8) | b;
  const top = [rgb(192, 192, 192), rgb(192, 192, 0), rgb(0, 192, 192), rgb(0, 192, 0), rgb(192, 0, 192), rgb(192, 0, 0), rgb(0, 0, 192)];
  const middle = [rgb(0, 0, 192), rgb(19, 19, 19), rgb(192, 0, 192), rgb(19, 19, 19), rgb(0, 192, 192), rgb(19, 19, 19), rgb(192, 192, 192)];
  const bar = Math.min(6, Math.floor((x * 7) / w));
  if (y < (h * 6) / 9) return top[bar]!;
  if (y < (h * 7) / 9) return middle[bar]!;
  const bottom = [rgb(0, 33, 76), rgb(255, 255, 255), rgb(50, 0, 106), rgb(19, 19, 19), rgb(9, 9, 9), rgb(19, 19, 19), rgb(29, 29, 29), rgb(19, 19, 19)];
  const x4 = Math.floor((x * 4) / w);
  if (x4 < 3) return bottom[Math.min(3, Math.floor((x * 21) / (w * 5)))]!;
  return bottom[4 + Math.min(3, Math.floor(((x - (w * 3) / 4) * 12) / w))]!;
}

export function runModetest(o: ModetestOptions): ModetestResult {
  const log = o.log ?? ((s: string) => console.log(s));
  const machine = o.machine ?? new Machine({ deterministic: o.deterministic ?? false, firmware: o.firmware });
  const sys = machine.spawn();
  const drm = DrmDevice.open(sys, '/dev/dri/card0');
  const card = new ModeCard(drm);
  drm.setClientCap(DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
  drm.setClientCap(DRM_CLIENT_CAP_ATOMIC, 1);
  const result: ModetestResult = { sys, machine, crtcIndex: -1, measuredHz: 0, flips: 0 };
  if (!o.set) {
    for (const line of listResources(card)) log(line);
  } else {
    const m = /^(\d+)(?:@(\d+))?:(\d+x\d+)(?:-([\d.]+))?$/.exec(o.set);
    if (!m) throw new Error(`-s ${o.set}: expected <connector_id>[@<crtc_id>]:<mode>[-<vrefresh>]`);
    const res = card.getResources();
    const connId = Number(m[1]);
    const conn = card.getConnector(connId);
    const mode = conn.modes.find((x) => x.name === m[3] && (!m[4] || Math.abs(x.vrefresh - Number(m[4])) < 0.5));
    if (!mode) throw new Error(`connector ${connId} has no mode ${m[3]}`);
    const enc = card.getEncoder(conn.encoders[0]!);
    const crtcId = m[2] ? Number(m[2]) : res.crtcs[Math.max(0, res.connectors.indexOf(connId) < res.crtcs.length && enc.possibleCrtcs & (1 << res.connectors.indexOf(connId)) ? res.connectors.indexOf(connId) : 0)]!;
    result.crtcIndex = res.crtcs.indexOf(crtcId);
    const W = mode.hdisplay, H = mode.vdisplay;
    const bufs = [0, 1].slice(0, o.vsync ? 2 : 1).map((k) => {
      const d = card.createDumb(W, H, 32);
      const addr = drm.mmap(card.mapDumb(d.handle), d.size);
      const px = new Uint32Array(d.size / 4);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        // the second buffer is the pattern's negative, so flips are visible
        const v = smptePixel(x, y, W, H);
        px[(y * d.pitch) / 4 + x] = k ? ~v & 0xffffff : v;
      }
      sys.store(addr, px);
      return card.addFB2(W, H, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0]);
    });
    log(`setting mode ${mode.name}-${((mode.clock * 1000) / (mode.htotal * mode.vtotal)).toFixed(2)}Hz on connectors ${connId}, crtc ${crtcId}`);
    card.setCrtc(crtcId, bufs[0]!, 0, 0, [connId], mode);
    if (o.vsync) {
      const n = o.frames ?? 120;
      let last = 0, first = 0, count = 0;
      let windowStart = 0, windowCount = 0;
      for (let k = 0; k < n; k++) {
        card.pageFlip(crtcId, bufs[(k + 1) % 2]!, DRM_MODE_PAGE_FLIP_EVENT, k);
        let got = false;
        while (!got) card.handleEvent({ pageFlip: (e) => {
          got = true;
          if (!count) { first = e.timeNs; windowStart = e.timeNs; }
          last = e.timeNs; count++; windowCount++;
          // modetest prints the rate once a second
          if (e.timeNs - windowStart >= 1e9) {
            log(`freq: ${((windowCount - 1) / ((e.timeNs - windowStart) / 1e9)).toFixed(2)}Hz`);
            windowStart = e.timeNs; windowCount = 1;
          }
        } });
      }
      result.flips = count;
      result.measuredHz = count > 1 ? (count - 1) / ((last - first) / 1e9) : 0;
      log(`${count} flips: ${result.measuredHz.toFixed(2)}Hz measured`);
    }
  }
  if (!o.keep) {
    sys.exit();
    if (!o.machine) machine.shutdown();
  }
  return result;
}
