/**
 * `akari monitor`: a virtual monitor you can watch. It serves a local page
 * that shows, for each connector, what the display controller sends down
 * the cable at each vblank (its composed output, not a framebuffer read
 * behind the kernel's back), with the mode, the rates, and a button that
 * unplugs or plugs the monitor (a hotplug the kernel sees). A client runs
 * on the machine meanwhile (kmscube by default), one frame per event-loop
 * turn so the page stays live.
 *
 * Frames travel over a WebSocket (ws): a JSON header, then the pixels as
 * RGBA bytes, downscaled by an integer factor.
 */
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { Machine } from '../machine/machine.js';
import { MONITORS, type MonitorDesc } from '../hwdesc/display.js';
import { createKmscube, type Kmscube } from './kmscube.js';
import { runModetest } from './modetest.js';
import { encodePng } from '../image/png.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

/** What a monitor received (the display controller's output for one CRTC). */
type ScanoutFrame = NonNullable<ReturnType<NonNullable<Machine['display']>['output']>>;

export interface MonitorOptions {
  port?: number;
  host?: string;
  program?: 'kmscube' | 'modetest' | 'none';
  /** kmscube: the connector index and mode to use */
  connector?: number;
  mode?: string;
  /** kmscube: stop after this many frames (default: run until closed) */
  frames?: number;
  /** send every n-th pixel of every n-th row */
  scale?: number;
  /** how often the page is updated, ms */
  intervalMs?: number;
  deterministic?: boolean;
  firmware?: FwVersion;
  log?: (s: string) => void;
}

export interface MonitorServer {
  url: string;
  machine: Machine;
  /** frames sent, by crtc, the last few kept with the pixels as sent (RGBA), for checking what a page shows */
  sent: Map<number, Array<{ frame: number; width: number; height: number; rgba: Uint8Array }>>;
  stats: { flips: number; framesSent: number; clients: number };
  close(): Promise<void>;
}

const CONNECTOR_MONITORS: MonitorDesc[] = [MONITORS.akari24, MONITORS.akari19];
const CONNECTOR_NAMES = ['HDMI-A-1', 'DP-1'];

function page(scale: number): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Akari virtual monitors</title>
<style>
body { background: #1b1d22; color: #d8dee9; font: 14px system-ui, sans-serif; margin: 16px; }
h1 { font-size: 18px; font-weight: 600; }
.mon { display: inline-block; vertical-align: top; margin: 0 16px 16px 0; padding: 12px; background: #262a31; border-radius: 8px; }
.bezel { background: #000; padding: 10px; border-radius: 4px; }
canvas { display: block; background: #000; image-rendering: pixelated; }
.info { margin: 8px 0; font-variant-numeric: tabular-nums; }
.off { color: #bf616a; } .on { color: #a3be8c; }
button { font: inherit; padding: 4px 12px; }
</style></head>
<body>
<h1>Akari virtual monitors</h1>
<div id="mons"></div>
<script>
const scale = ${scale};
const mons = {};
function mon(conn, name) {
  if (mons[conn]) return mons[conn];
  const d = document.createElement('div');
  d.className = 'mon';
  d.innerHTML = '<div><b></b> <span class="state"></span></div><div class="bezel"><canvas width="320" height="180"></canvas></div>' +
    '<div class="info"></div><button></button>';
  d.querySelector('b').textContent = name;
  d.dataset.connector = conn;
  document.getElementById('mons').appendChild(d);
  const m = { el: d, canvas: d.querySelector('canvas'), info: d.querySelector('.info'), state: d.querySelector('.state'), button: d.querySelector('button'), frame: -1, frames: 0, connected: true };
  m.button.onclick = () => ws.send(JSON.stringify({ type: 'hotplug', connector: conn, connected: !m.connected }));
  mons[conn] = m;
  return m;
}
const ws = new WebSocket('ws://' + location.host + '/ws');
ws.binaryType = 'arraybuffer';
let header = null;
ws.onmessage = (ev) => {
  if (typeof ev.data === 'string') {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'status') {
      for (const c of msg.connectors) {
        const m = mon(c.index, c.name);
        m.connected = c.connected;
        m.state.textContent = c.connected ? 'connected' : 'disconnected';
        m.state.className = 'state ' + (c.connected ? 'on' : 'off');
        m.button.textContent = c.connected ? 'Unplug' : 'Plug in';
        if (!c.lit) { m.info.textContent = c.connected ? 'no signal' : 'no monitor'; m.canvas.getContext('2d').clearRect(0, 0, m.canvas.width, m.canvas.height); m.el.dataset.frame = ''; }
      }
    } else if (msg.type === 'frame') header = msg;
    return;
  }
  if (!header) return;
  const h = header; header = null;
  const m = mon(h.connector, h.name);
  if (m.canvas.width !== h.width || m.canvas.height !== h.height) { m.canvas.width = h.width; m.canvas.height = h.height; }
  m.canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(ev.data), h.width, h.height), 0, 0);
  m.frame = h.frame; m.frames++;
  m.el.dataset.frame = String(h.frame);
  m.el.dataset.crtc = String(h.crtc);
  m.info.textContent = h.mode + ' @ ' + h.refresh.toFixed(2) + ' Hz — vblank ' + h.frame + ' — ' + h.fps.toFixed(1) + ' new frames/s — shown at 1/' + scale;
};
</script></body></html>`;
}

export async function startMonitor(o: MonitorOptions = {}): Promise<MonitorServer> {
  const log = o.log ?? ((s: string) => console.log(s));
  const scale = Math.max(1, Math.floor(o.scale ?? 2));
  const machine = new Machine({ deterministic: o.deterministic ?? false, firmware: o.firmware });
  const dc = machine.display!;
  const sent = new Map<number, Array<{ frame: number; width: number; height: number; rgba: Uint8Array }>>();
  const stats = { flips: 0, framesSent: 0, clients: 0 };
  const flipTimes: number[] = [];
  let cube: Kmscube | null = null;
  let stopped = false;
  const program = o.program ?? 'kmscube';
  if (program === 'kmscube') {
    cube = createKmscube({
      frames: o.frames ?? Infinity, atomic: true, machine, keep: true, connector: o.connector, mode: o.mode, log,
      onFlip: () => { stats.flips++; flipTimes.push(Date.now()); if (flipTimes.length > 30) flipTimes.shift(); },
    });
  } else if (program === 'modetest') {
    runModetest({ set: `${machine.driver.kms!.connectors[o.connector ?? 0]!.id}:${o.mode ?? (o.connector ? '1280x1024' : '1920x1080')}`, machine, keep: true, log });
  }
  // the client: one frame per event-loop turn, with a breath between frames so the page and its sockets stay served
  const tick = () => {
    if (stopped || !cube) return;
    if (cube.frame >= (o.frames ?? Infinity)) return;
    cube.step();
    setTimeout(tick, 10);
  };
  setTimeout(tick, 10);

  const server: Server = createServer((req, res) => {
    const m = /^\/frame\/(\d+)\.png$/.exec(req.url ?? '');
    if (m) {
      const f = dc.output(Number(m[1]));
      if (!f) { res.writeHead(404).end('no signal'); return; }
      res.writeHead(200, { 'content-type': 'image/png', 'x-akari-frame': String(f.frame) }).end(encodePng(toRgba(f, 1), f.width, f.height));
      return;
    }
    if (req.url === '/' || req.url === '/index.html') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(scale)); return; }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  const clients = new Set<WebSocket>();
  const lastSent = new Map<number, number>();
  const status = () => JSON.stringify({
    type: 'status',
    connectors: CONNECTOR_NAMES.map((name, index) => ({ index, name, connected: !!dc.monitors[index], lit: [0, 1].some((c) => dc.output(c)?.connector === index) })),
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    stats.clients = clients.size;
    lastSent.clear();
    ws.send(status());
    ws.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { type: string; connector: number; connected: boolean };
        if (msg.type === 'hotplug' && (msg.connector === 0 || msg.connector === 1)) {
          dc.plug(msg.connector, msg.connected ? CONNECTOR_MONITORS[msg.connector]! : null);
          log(`monitor: connector ${CONNECTOR_NAMES[msg.connector]} ${msg.connected ? 'plugged in' : 'unplugged'}`);
          for (const c of clients) c.send(status());
        }
      } catch { /* not a message of ours */ }
    });
    ws.on('close', () => { clients.delete(ws); stats.clients = clients.size; });
  });
  const timer = setInterval(() => {
    if (!clients.size) return;
    for (const crtc of [0, 1]) {
      const f = dc.output(crtc);
      if (!f || lastSent.get(crtc) === f.frame) continue;
      lastSent.set(crtc, f.frame);
      if (!dc.monitors[f.connector]) continue; // the cable has no monitor at its end
      const rgba = toRgba(f, scale);
      const w = Math.ceil(f.width / scale), h = Math.ceil(f.height / scale);
      const list = sent.get(crtc) ?? sent.set(crtc, []).get(crtc)!;
      list.push({ frame: f.frame, width: w, height: h, rgba });
      if (list.length > 50) list.shift();
      const fps = flipTimes.length > 1 ? ((flipTimes.length - 1) * 1000) / (flipTimes[flipTimes.length - 1]! - flipTimes[0]!) : 0;
      const mode = machine.driver.kms!.state.crtcs[crtc]!.mode;
      const header = JSON.stringify({
        type: 'frame', crtc, connector: f.connector, name: CONNECTOR_NAMES[f.connector], frame: f.frame, width: w, height: h,
        mode: mode?.name ?? `${f.width}x${f.height}`, refresh: mode ? (mode.clock * 1000) / (mode.htotal * mode.vtotal) : 0, fps,
      });
      for (const c of clients) { c.send(header); c.send(rgba); }
      stats.framesSent++;
    }
  }, o.intervalMs ?? 100);
  await new Promise<void>((resolve) => server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', resolve));
  const addr = server.address();
  const url = `http://${o.host ?? '127.0.0.1'}:${typeof addr === 'object' && addr ? addr.port : o.port}/`;
  log(`monitor: ${url}`);
  return {
    url, machine, sent, stats,
    close: async () => {
      stopped = true;
      clearInterval(timer);
      for (const c of clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      machine.shutdown();
    },
  };
}

/** 0x00RRGGBB scan-out pixels as RGBA bytes, every `scale`-th pixel of every `scale`-th row. */
export function toRgba(f: ScanoutFrame, scale: number): Uint8Array {
  const w = Math.ceil(f.width / scale), h = Math.ceil(f.height / scale);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = f.pixels[y * scale * f.width + x * scale]!;
    const o = (y * w + x) * 4;
    out[o] = (v >>> 16) & 255; out[o + 1] = (v >>> 8) & 255; out[o + 2] = v & 255; out[o + 3] = 255;
  }
  return out;
}
