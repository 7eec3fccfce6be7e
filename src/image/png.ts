/** Writes RGBA8 pixels (row 0 at the top) as a PNG, with pngjs. */
import { PNG } from 'pngjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function encodePng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, width * height * 4);
  return PNG.sync.write(png);
}

export function writePng(file: string, pixels: Uint8Array, width: number, height: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(pixels, width, height));
}
