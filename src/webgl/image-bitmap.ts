/**
 * ImageBitmap and createImageBitmap (HTML § 8.10, "ImageBitmap and animation frames") for
 * Node: a bitmap is RGBA8 pixels, top row first, cut from a source (ImageData's shape
 * {width, height, data}, an image already decoded, another ImageBitmap, or a Blob holding a PNG
 * or JPEG) with the orientation and alpha the options ask for, fixed when it is made.
 *
 * WebGL uploads a bitmap as it is: UNPACK_FLIP_Y_WEBGL, UNPACK_PREMULTIPLY_ALPHA_WEBGL and
 * UNPACK_COLORSPACE_CONVERSION_WEBGL do not apply to it (WebGL 1.0 § 5.14.8), and a closed
 * bitmap is INVALID_VALUE — textures.ts asks `isImageBitmap`.
 */
import { decodeImage } from '../image/decode.js';

type Orientation = 'from-image' | 'flipY';
type Premultiply = 'none' | 'premultiply' | 'default';

export interface ImageBitmapOptions {
  /** 'from-image' (its older name 'none', which the 2.0.0 conformance pages pass, is accepted too) or 'flipY' */
  imageOrientation?: string;
  premultiplyAlpha?: string;
  colorSpaceConversion?: string;
  resizeWidth?: number;
  resizeHeight?: number;
  resizeQuality?: string;
}

const ORIENTATIONS: Record<string, Orientation> = { 'from-image': 'from-image', none: 'from-image', flipY: 'flipY' };
const PREMULTIPLY = new Set(['none', 'premultiply', 'default']);
const COLORSPACE = new Set(['none', 'default']);
const QUALITY = new Set(['pixelated', 'low', 'medium', 'high']);

/** A DOMException where Node has one (it does from 17), with the name HTML's algorithm gives. */
function domError(name: string, message: string): Error {
  const D = (globalThis as { DOMException?: new (m: string, n: string) => Error }).DOMException;
  return D ? new D(message, name) : Object.assign(new Error(message), { name });
}

export class AkImageBitmap {
  #width: number;
  #height: number;
  #pixels: Uint8ClampedArray;
  #closed = false;
  /** whether the colour channels hold colour × alpha (premultiplyAlpha: 'premultiply') */
  readonly premultiplied: boolean;
  constructor(token: symbol, width: number, height: number, pixels: Uint8ClampedArray, premultiplied: boolean) {
    if (token !== MAKE) throw new TypeError('Illegal constructor');
    this.#width = width;
    this.#height = height;
    this.#pixels = pixels;
    this.premultiplied = premultiplied;
  }
  get width(): number { return this.#width; }
  get height(): number { return this.#height; }
  /** the bitmap's RGBA8 pixels, top row first (ImageData's layout: this makes a bitmap a TexImageSource here); empty once closed */
  get data(): Uint8ClampedArray { return this.#pixels; }
  /** whether close() has released it (HTML: its [[Detached]]) */
  get closed(): boolean { return this.#closed; }
  close(): void {
    this.#closed = true;
    this.#width = 0;
    this.#height = 0;
    this.#pixels = new Uint8ClampedArray(0);
  }
  get [Symbol.toStringTag](): string { return 'ImageBitmap'; }
}

const MAKE = Symbol('AkImageBitmap');

/** The w × h region of a bitmap at (x, y) (rows top first), as a bitmap with the same alpha: what a WebGL 2 upload with UNPACK_SKIP_* reads. */
export function bitmapRegion(b: AkImageBitmap, x: number, y: number, w: number, h: number): AkImageBitmap {
  return new AkImageBitmap(MAKE, w, h, rgbaRegion(b.data, b.width, x, y, w, h), b.premultiplied);
}

/** The w × h region at (x, y) of RGBA8 rows `width` pixels wide, tightly packed (the region lies inside). */
export function rgbaRegion(data: Uint8Array | Uint8ClampedArray, width: number, x: number, y: number, w: number, h: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++) out.set(data.subarray(((y + r) * width + x) * 4, ((y + r) * width + x + w) * 4), r * w * 4);
  return out;
}

/** colour × alpha / 255, rounded: the one premultiplication rule of createImageBitmap and UNPACK_PREMULTIPLY_ALPHA_WEBGL */
export const premultiply8 = (c: number, a: number): number => Math.round((c * a) / 255);

export const isImageBitmap = (x: unknown): x is AkImageBitmap => x instanceof AkImageBitmap;

interface Pixels { width: number; height: number; data: Uint8ClampedArray | Uint8Array }
const isPixels = (x: unknown): x is Pixels => {
  const p = x as Partial<Pixels> | null;
  return !!p && typeof p === 'object' && Number.isInteger(p.width) && Number.isInteger(p.height) && (p.data instanceof Uint8ClampedArray || p.data instanceof Uint8Array) && p.data.length >= p.width! * p.height! * 4;
};
const isBlob = (x: unknown): x is Blob => typeof Blob !== 'undefined' && x instanceof Blob;

/** createImageBitmap(source[, sx, sy, sw, sh][, options]): resolves to the bitmap, or rejects with the error HTML's algorithm names. */
export function createImageBitmap(source: unknown, ...rest: unknown[]): Promise<AkImageBitmap> {
  try {
    let rect: [number, number, number, number] | null = null;
    let options: ImageBitmapOptions = {};
    if (rest.length >= 4) {
      const r = rest.slice(0, 4).map((v) => Math.trunc(Number(v)));
      if (r.some((v) => !Number.isFinite(v))) throw new TypeError('createImageBitmap: the source rectangle is not finite');
      rect = r as [number, number, number, number];
      options = (rest[4] ?? {}) as ImageBitmapOptions;
    } else if (rest.length >= 1) {
      if (typeof rest[0] === 'number') throw new TypeError('createImageBitmap: a source rectangle needs sx, sy, sw and sh');
      options = (rest[0] ?? {}) as ImageBitmapOptions;
    }
    if (typeof options !== 'object') throw new TypeError('createImageBitmap: options is not an object');
    // the dictionary's enums (WebIDL: a value outside one is a TypeError, as the promise's rejection)
    const orientation = ORIENTATIONS[String(options.imageOrientation ?? 'from-image')];
    if (!orientation) throw new TypeError(`createImageBitmap: '${String(options.imageOrientation)}' is not a valid ImageOrientation`);
    const premultiply = String(options.premultiplyAlpha ?? 'default') as Premultiply;
    if (!PREMULTIPLY.has(premultiply)) throw new TypeError(`createImageBitmap: '${premultiply}' is not a valid PremultiplyAlpha`);
    if (!COLORSPACE.has(String(options.colorSpaceConversion ?? 'default'))) throw new TypeError(`createImageBitmap: '${String(options.colorSpaceConversion)}' is not a valid ColorSpaceConversion`);
    if (!QUALITY.has(String(options.resizeQuality ?? 'low'))) throw new TypeError(`createImageBitmap: '${String(options.resizeQuality)}' is not a valid ResizeQuality`);
    // HTML: "If either sw or sh is given and is 0, return a promise rejected with a RangeError"
    if (rect && (rect[2] === 0 || rect[3] === 0)) throw new RangeError(`createImageBitmap: the source ${rect[2] === 0 ? 'width' : 'height'} is 0`);
    const resizeW = options.resizeWidth === undefined ? undefined : Number(options.resizeWidth) >>> 0;
    const resizeH = options.resizeHeight === undefined ? undefined : Number(options.resizeHeight) >>> 0;
    if (resizeW === 0 || resizeH === 0) throw domError('InvalidStateError', 'createImageBitmap: resizeWidth or resizeHeight is 0');
    const make = (src: Pixels, srcPremultiplied: boolean): AkImageBitmap => cut(src, srcPremultiplied, rect, orientation, premultiply, resizeW, resizeH);
    if (isBlob(source)) {
      return source.arrayBuffer().then((buf) => {
        let img: Pixels;
        try { img = decodeImage(new Uint8Array(buf)); } catch { throw domError('InvalidStateError', 'createImageBitmap: the Blob is not an image this decoder reads (PNG, JPEG)'); }
        return make(img, false);
      });
    }
    if (isImageBitmap(source)) {
      if (source.closed) throw domError('InvalidStateError', 'createImageBitmap: the ImageBitmap is closed');
      return Promise.resolve(make(source, source.premultiplied));
    }
    if (!isPixels(source)) {
      const s = source as { width?: unknown } | null;
      // an image or video that has not loaded, or a broken one, has no pixels: HTML's "usability" check
      if (s && typeof s === 'object' && 'width' in s) throw domError('InvalidStateError', 'createImageBitmap: the source has no image data (not loaded, broken, or 0×0)');
      throw new TypeError("createImageBitmap: the source is not of type '(HTMLImageElement or SVGImageElement or HTMLVideoElement or HTMLCanvasElement or ImageBitmap or OffscreenCanvas or VideoFrame or Blob or ImageData)'");
    }
    if (source.width === 0 || source.height === 0) throw domError('InvalidStateError', 'createImageBitmap: the source is 0×0');
    return Promise.resolve(make(source, false));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The bitmap HTML's "crop and resize" makes: the source rectangle (a negative width or height
 * extends it the other way; what lies outside the source is transparent black), resized with
 * nearest sampling, flipped for 'flipY', with alpha as asked.
 */
function cut(src: Pixels, srcPremultiplied: boolean, rect: [number, number, number, number] | null, orientation: Orientation, premultiply: Premultiply, resizeW: number | undefined, resizeH: number | undefined): AkImageBitmap {
  let [sx, sy, sw, sh] = rect ?? [0, 0, src.width, src.height];
  if (sw < 0) { sx += sw; sw = -sw; }
  if (sh < 0) { sy += sh; sh = -sh; }
  // one given resize dimension keeps the rectangle's aspect (HTML: rounded up)
  const w = resizeW ?? (resizeH !== undefined ? Math.ceil((sw * resizeH) / sh) : sw);
  const h = resizeH ?? (resizeW !== undefined ? Math.ceil((sh * resizeW) / sw) : sh);
  const out = new Uint8ClampedArray(w * h * 4);
  const wantPremultiplied = premultiply === 'premultiply';
  for (let y = 0; y < h; y++) {
    const ty = orientation === 'flipY' ? h - 1 - y : y;
    const py = sy + Math.floor(((y + 0.5) * sh) / h);
    if (py < 0 || py >= src.height) continue;
    for (let x = 0; x < w; x++) {
      const px = sx + Math.floor(((x + 0.5) * sw) / w);
      if (px < 0 || px >= src.width) continue;
      const i = (py * src.width + px) * 4, o = (ty * w + x) * 4;
      let r = src.data[i]!, g = src.data[i + 1]!, b = src.data[i + 2]!;
      const a = src.data[i + 3]!;
      if (wantPremultiplied && !srcPremultiplied) {
        r = premultiply8(r, a); g = premultiply8(g, a); b = premultiply8(b, a);
      } else if (!wantPremultiplied && srcPremultiplied && premultiply === 'none') {
        if (a) { r = Math.round((r * 255) / a); g = Math.round((g * 255) / a); b = Math.round((b * 255) / a); }
      }
      out[o] = r; out[o + 1] = g; out[o + 2] = b; out[o + 3] = a;
    }
  }
  // 'default' keeps the source's representation
  const premultiplied = premultiply === 'premultiply' || (premultiply === 'default' && srcPremultiplied);
  return new AkImageBitmap(MAKE, w, h, out, premultiplied);
}
