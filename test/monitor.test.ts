/**
 * `akari monitor` in a real browser (Debian's Chromium through
 * playwright-core): the page shows the kmscube frames changing, its canvas
 * holds exactly the display engine's output for the frame it names, and
 * its hotplug button unplugs the monitor as the kernel sees it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startMonitor } from '../src/apps/monitor.js';
import { DrmDevice } from '../src/libdrm/libdrm.js';
import { ModeCard } from '../src/libdrm/kms.js';
import { DRM_MODE_CONNECTED, DRM_MODE_DISCONNECTED } from '../src/uapi/drm-mode.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

test('akari monitor: Chromium shows kmscube\'s frames changing, pixel for pixel, and its hotplug button works', { timeout: 240_000 }, async () => {
  const mon = await startMonitor({ port: 0, program: 'kmscube', connector: 1, mode: '1024x768', scale: 2, deterministic: true, intervalMs: 100, log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(mon.url);
    const frameOf = async () => page.evaluate(() => {
      const el = document.querySelector('.mon[data-connector="1"]') as HTMLElement | null;
      return el?.dataset.frame ? Number(el.dataset.frame) : -1;
    });
    // wait until the page has shown two different frames of the connector kmscube drives
    let first = -1, second = -1;
    for (let i = 0; i < 600 && second < 0; i++) {
      const f = await frameOf();
      if (f >= 0 && first < 0) first = f;
      else if (f > first && first >= 0) second = f;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(first >= 0 && second > first, `frames ${first} then ${second}`);
    // the canvas holds exactly what the monitor received for the frame the page names
    const shown = await page.evaluate(() => {
      const el = document.querySelector('.mon[data-connector="1"]') as HTMLElement;
      const c = el.querySelector('canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      return { frame: Number(el.dataset.frame), crtc: Number(el.dataset.crtc), w: c.width, h: c.height, data: Array.from(d.data) };
    });
    const sent = mon.sent.get(shown.crtc)!.find((s) => s.frame === shown.frame)!;
    assert.ok(sent, `frame ${shown.frame} crtc ${shown.crtc} was sent: ${JSON.stringify([...mon.sent].map(([k, v]) => [k, v.map((x) => x.frame)]))}`);
    assert.equal(shown.w, 512);
    assert.equal(shown.h, 384);
    assert.deepEqual(Uint8Array.from(shown.data), sent.rgba);
    // and the frames differ: the cube turned
    const earlier = mon.sent.get(shown.crtc)!.find((s) => s.frame === first);
    if (earlier) assert.notDeepEqual(earlier.rgba, sent.rgba);
    const info = await page.evaluate(() => document.querySelector('.mon[data-connector="1"] .info')?.textContent);
    assert.match(info ?? '', /1024x768 @ 60\.00 Hz/);
    // the hotplug button: unplug the 24" monitor on HDMI-A-1
    const click = () => page.evaluate(() => (document.querySelector('.mon[data-connector="0"] button') as HTMLButtonElement).click());
    await click();
    await page.waitForFunction(() => document.querySelector('.mon[data-connector="0"] .state')?.textContent === 'disconnected', undefined, { polling: 100, timeout: 120_000 });
    const probe = new ModeCard(DrmDevice.open(mon.machine.spawn(), '/dev/dri/card0'));
    const ids = probe.getResources().connectors;
    assert.equal(probe.getConnector(ids[0]!).connection, DRM_MODE_DISCONNECTED);
    await click();
    await page.waitForFunction(() => document.querySelector('.mon[data-connector="0"] .state')?.textContent === 'connected', undefined, { polling: 100, timeout: 120_000 });
    assert.equal(probe.getConnector(ids[0]!).connection, DRM_MODE_CONNECTED);
  } finally {
    await browser.close();
    await mon.close();
  }
});
