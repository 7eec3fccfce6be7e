/**
 * The canvas a context hangs from, without a DOM: enough of
 * HTMLCanvasElement for the libraries that take one (three.js, regl, twgl).
 *
 * Why an EventTarget with setters: in a browser, assigning `canvas.width` or
 * `canvas.height` — even to the value it already has — replaces the WebGL
 * drawing buffer with a new one of the new size, cleared to its initial
 * values (HTML § 4.12.5, "When the canvas element's width or height
 * attributes are set ... the rendering context ... must be reset";
 * WebGL 1.0 § 2.2 "The Drawing Buffer"). three.js's `setSize` and regl's
 * resize rely on exactly that. Context-loss events (`webglcontextlost`,
 * `webglcontextrestored`) are dispatched on it, as on a browser's canvas.
 *
 * The width and height attributes are WebIDL `unsigned long`s reflecting
 * content attributes with defaults 300 and 150: a value above 2^31 − 1
 * becomes the default (HTML § 2.6.1 "Reflecting content attributes").
 */

/** What the canvas asks of its context: replace the drawing buffer. */
export interface CanvasOwner {
  resizeDrawingBuffer(width: number, height: number): void;
}

const DEFAULT_WIDTH = 300, DEFAULT_HEIGHT = 150;

/** WebIDL `unsigned long` as a reflected non-negative integer attribute sets it. */
function reflectUnsignedLong(v: unknown, dflt: number): number {
  const n = Number(v);
  const u = Number.isFinite(n) ? Math.trunc(n) >>> 0 : 0;
  return u > 0x7fffffff ? dflt : u;
}

export class AkariCanvas extends EventTarget {
  private w: number;
  private h: number;
  private ctx: (CanvasOwner & object) | null = null;
  /** Inline style, for libraries that set `canvas.style.width` (three.js `setSize(w, h, true)`). */
  readonly style: Record<string, string> = {};

  constructor(width: number, height: number) {
    super();
    this.w = width;
    this.h = height;
  }

  /** @internal the context this canvas belongs to (set once, by the context) */
  /** the WebGL version of the context (getContext answers 'webgl2' for 2, 'webgl' for 1) */
  private version = 1;
  attach(ctx: CanvasOwner & object, version = 1): void { this.ctx = ctx; this.version = version; }

  get width(): number { return this.w; }
  set width(v: number) { this.resize(reflectUnsignedLong(v, DEFAULT_WIDTH), this.h); }
  get height(): number { return this.h; }
  set height(v: number) { this.resize(this.w, reflectUnsignedLong(v, DEFAULT_HEIGHT)); }

  /** Both sizes at once (one new drawing buffer); when the buffer cannot be allocated, throws and nothing changes. */
  resize(width: number, height: number): void {
    this.ctx?.resizeDrawingBuffer(width, height);
    this.w = width;
    this.h = height;
  }

  /** No layout engine: the CSS box is the canvas's own size. */
  get clientWidth(): number { return this.w; }
  get clientHeight(): number { return this.h; }
  getBoundingClientRect(): { x: number; y: number; left: number; top: number; right: number; bottom: number; width: number; height: number } {
    return { x: 0, y: 0, left: 0, top: 0, right: this.w, bottom: this.h, width: this.w, height: this.h };
  }

  /**
   * The canvas's context for its kind: 'webgl' and 'experimental-webgl' for a WebGL 1 context, 'webgl2'
   * for a WebGL 2 one (as a browser's canvas answers for the kind it was first asked); other kinds (2d) none.
   */
  getContext(kind: string): object | null {
    const v2 = this.version === 2;
    return (kind === 'webgl2' ? v2 : (kind === 'webgl' || kind === 'experimental-webgl') && !v2) ? this.ctx : null;
  }
}

/** WebGLContextEvent (WebGL 1.0 §5.15.1): `webglcontextlost`, `webglcontextrestored`, `webglcontextcreationerror`. */
export class WebGLContextEvent extends Event {
  readonly statusMessage: string;
  constructor(type: string, init: EventInit & { statusMessage?: string } = {}) {
    super(type, init);
    this.statusMessage = init.statusMessage ?? '';
  }
}
