/**
 * Images in without a DOM: PNG (pngjs) and JPEG (jpeg-js) bytes decoded to
 * what a browser's ImageData holds — width, height, and RGBA8 pixels in a
 * Uint8ClampedArray, top row first, not premultiplied, sRGB. WebGL's
 * `texImage2D(target, level, internalformat, format, type, source)` and
 * `texSubImage2D(..., source)` take the result as they take an ImageData
 * (converting to the requested format and type), and so does three.js's
 * `new Texture(image)`.
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

/** The shape of ImageData (HTML § 4.12.5.1.15), which texImage2D accepts as a TexImageSource. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA8, row-major, top row first, straight (not premultiplied) alpha */
  readonly data: Uint8ClampedArray;
  readonly colorSpace: 'srgb';
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const startsWith = (b: Uint8Array, m: number[]) => b.length >= m.length && m.every((x, i) => b[i] === x);

const image = (width: number, height: number, px: Uint8Array): DecodedImage =>
  ({ width, height, data: new Uint8ClampedArray(px.buffer, px.byteOffset, width * height * 4), colorSpace: 'srgb' });

/** Decodes a PNG (any bit depth or colour type; 16-bit channels are scaled to 8). */
export function decodePng(bytes: Uint8Array): DecodedImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return image(png.width, png.height, png.data);
}

/** Decodes a baseline or progressive JPEG (greyscale, YCbCr or CMYK) to RGBA with alpha 255. */
export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return image(j.width, j.height, j.data);
}

/** Decodes PNG or JPEG bytes, told apart by their signatures; anything else is a TypeError. */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (startsWith(bytes, PNG_MAGIC)) return decodePng(bytes);
  if (startsWith(bytes, JPEG_MAGIC)) return decodeJpeg(bytes);
  throw new TypeError('akari: not a PNG or JPEG image (unknown signature)');
}

/** Reads and decodes a PNG or JPEG file. */
export function readImage(file: string): DecodedImage {
  return decodeImage(readFileSync(file));
}
