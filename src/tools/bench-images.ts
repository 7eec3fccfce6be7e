/**
 * Frame comparison for `npm run bench`: frame i of Akari against frame i of
 * the reference, pixel by pixel, and PNGs a person can look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';

export interface FrameDifference {
  /** pixels whose largest channel difference exceeds the tolerance */
  differing: number;
  total: number;
  /** differing / total */
  fraction: number;
  /** the largest channel difference anywhere (0..255) */
  maxDifference: number;
}

/** Compares two RGBA8 frames of the same size; a pixel differs when any channel is off by more than `tolerance`. */
export function compareFrames(a: Uint8Array, b: Uint8Array, tolerance: number): FrameDifference {
  if (a.length !== b.length || a.length % 4 !== 0) throw new Error(`frames differ in size (${a.length} vs ${b.length} bytes)`);
  let differing = 0, maxDifference = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.max(Math.abs(a[i]! - b[i]!), Math.abs(a[i + 1]! - b[i + 1]!), Math.abs(a[i + 2]! - b[i + 2]!), Math.abs(a[i + 3]! - b[i + 3]!));
    if (d > maxDifference) maxDifference = d;
    if (d > tolerance) differing++;
  }
  const total = a.length / 4;
  return { differing, total, fraction: total ? differing / total : 0, maxDifference };
}

/**
 * One PNG with three panels side by side: Akari, the reference, and their
 * difference. Frames are readPixels order (bottom row first) and are flipped
 * upright. In the difference panel a pixel within tolerance is dark grey and
 * one beyond it shows its per-channel difference scaled up (x4, at least 64)
 * so small errors are visible.
 */
export function sideBySide(akari: Uint8Array, reference: Uint8Array, width: number, height: number, tolerance: number): PNG {
  const png = new PNG({ width: width * 3, height });
  const out = png.data;
  for (let y = 0; y < height; y++) {
    const src = (height - 1 - y) * width * 4;
    for (let x = 0; x < width; x++) {
      const s = src + x * 4;
      const row = y * width * 3 * 4;
      const pa = row + x * 4, pr = row + (width + x) * 4, pd = row + (2 * width + x) * 4;
      let d = 0;
      for (let c = 0; c < 4; c++) {
        out[pa + c] = c === 3 ? 255 : akari[s + c]!;
        out[pr + c] = c === 3 ? 255 : reference[s + c]!;
        d = Math.max(d, Math.abs(akari[s + c]! - reference[s + c]!));
      }
      for (let c = 0; c < 3; c++) {
        const dc = Math.abs(akari[s + c]! - reference[s + c]!);
        out[pd + c] = d > tolerance ? Math.min(255, Math.max(dc ? 64 : 0, dc * 4)) : 24;
      }
      // an alpha-only difference shows as white
      if (d > tolerance && out[pd]! + out[pd + 1]! + out[pd + 2]! === 0) out[pd] = out[pd + 1] = out[pd + 2] = 255;
      out[pd + 3] = 255;
    }
  }
  return png;
}

export function writePng(path: string, png: PNG): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
}
