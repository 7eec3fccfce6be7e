/**
 * The little of a browser the suite's pages touch, for running them in Node — this belongs to
 * the harness, not to the library: a document tree built from the page's HTML (elements by id,
 * script text for shaders, the console and description divs), canvases whose `getContext('webgl')`
 * gives an Akari context, a small 2D canvas (fill/clear rectangles, image data, drawImage), images
 * decoded from the suite's files with src/image, XMLHttpRequest over the suite's folder, timers,
 * requestAnimationFrame, and window's load event.
 *
 * What is not here — layout, CSS, iframes, video, real compositing — is why some pages are
 * skipped (pages.ts lists them with the reason).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isNativeError } from 'node:util/types';
import { constants as vmConstants, createContext, runInContext, type Context } from 'node:vm';
import { createWebGLContext, type AkariContextOptions } from '../../platform/webgl.js';
import { decodeImage } from '../../image/decode.js';
import { encodePng } from '../../image/png.js';
import { AkariWebGLRenderingContext } from '../../webgl/context.js';
import { AkariWebGL2RenderingContext } from '../../webgl/context2.js';
import { WebGLContextEvent } from '../../webgl/canvas.js';
import { AkImageBitmap, createImageBitmap } from '../../webgl/image-bitmap.js';
import { AkActiveInfo, AkPrecisionFormat, HANDLE_CLASSES, WebGLObjectHandle } from '../../webgl/objects.js';
import type { HtmlElement, HtmlNode } from './html.js';
import { decodeEntities, parseHtml } from './html.js';

/** Where the page and its files come from: a fake http origin mapped onto the suite's folder. */
export const ORIGIN = 'http://localhost:8080';

export interface PageHooks {
  /** the suite's folder on disk (URLs under ORIGIN map into it) */
  suiteDir: string;
  /** options for every WebGL context the page creates */
  contextOptions: AkariContextOptions;
  /** an exception no script caught (a browser would print it and go on) */
  onError(message: string): void;
  /** every file of the suite the page reads (scripts, images, shader files), for vendoring subsets */
  onFile?(file: string): void;
}

let hooks: PageHooks;

/** Maps a URL under ORIGIN (or a file: URL) to a file in the suite's folder, or null outside it. */
function urlToFile(url: string): string | null {
  let u: URL;
  try { u = new URL(url); } catch { return null; }
  if (u.protocol === 'file:') return fileURLToPath(u);
  if (u.origin !== ORIGIN) return null;
  const path = decodeURIComponent(u.pathname);
  const file = `${hooks.suiteDir.replace(/\/$/, '')}${path}`;
  hooks.onFile?.(file);
  return file;
}

function resolveUrl(href: string): string {
  try { return new URL(href, documentUrl).href; } catch { return href; }
}

let documentUrl = `${ORIGIN}/`;

// ----------------------------------------------------------------------------------------------
// Nodes

export class ShimNode extends EventTarget {
  parentNode: ShimNode | null = null;
  readonly childNodes: ShimNode[] = [];
  constructor(readonly nodeType: number, readonly nodeName: string) { super(); }
  get parentElement(): ShimNode | null { return this.parentNode; }
  get firstChild(): ShimNode | null { return this.childNodes[0] ?? null; }
  get lastChild(): ShimNode | null { return this.childNodes[this.childNodes.length - 1] ?? null; }
  get children(): ShimElement[] { return this.childNodes.filter((c): c is ShimElement => c instanceof ShimElement); }
  get nextSibling(): ShimNode | null {
    const p = this.parentNode;
    return p ? p.childNodes[p.childNodes.indexOf(this) + 1] ?? null : null;
  }
  get ownerDocument(): ShimDocument { return doc; }
  hasChildNodes(): boolean { return this.childNodes.length > 0; }
  appendChild<T extends ShimNode>(c: T): T { return this.insertBefore(c, null); }
  insertBefore<T extends ShimNode>(c: T, ref: ShimNode | null): T {
    if (c.parentNode) c.parentNode.removeChild(c);
    const i = ref ? this.childNodes.indexOf(ref) : -1;
    if (i < 0) this.childNodes.push(c);
    else this.childNodes.splice(i, 0, c);
    c.parentNode = this;
    if (c instanceof ShimElement && this.isConnected) c.connected();
    return c;
  }
  removeChild<T extends ShimNode>(c: T): T {
    const i = this.childNodes.indexOf(c);
    if (i >= 0) this.childNodes.splice(i, 1);
    c.parentNode = null;
    return c;
  }
  replaceChild<T extends ShimNode>(c: ShimNode, old: T): T {
    this.insertBefore(c, old);
    return this.removeChild(old);
  }
  remove(): void { this.parentNode?.removeChild(this); }
  get isConnected(): boolean {
    let n: ShimNode | null = this;
    while (n && !(n instanceof ShimDocument)) n = n.parentNode;
    return !!n;
  }
  get textContent(): string { return this.childNodes.map((c) => c.textContent).join(''); }
  set textContent(v: string) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes.length = 0;
    if (v !== '' && v != null) this.appendChild(new ShimText(String(v)));
  }
  cloneNode(): ShimNode { return new ShimNode(this.nodeType, this.nodeName); }
}

export class ShimText extends ShimNode {
  constructor(public data: string) { super(3, '#text'); }
  override get textContent(): string { return this.data; }
  override set textContent(v: string) { this.data = String(v); }
  get nodeValue(): string { return this.data; }
}

type Style = Record<string, string>;

export class ShimElement extends ShimNode {
  readonly attributes = new Map<string, string>();
  readonly style: Style = {};
  constructor(readonly localName: string) { super(1, localName.toUpperCase()); }
  get tagName(): string { return this.nodeName; }
  getAttribute(n: string): string | null { return this.attributes.get(n.toLowerCase()) ?? null; }
  setAttribute(n: string, v: unknown): void { this.attributes.set(n.toLowerCase(), String(v)); }
  hasAttribute(n: string): boolean { return this.attributes.has(n.toLowerCase()); }
  removeAttribute(n: string): void { this.attributes.delete(n.toLowerCase()); }
  get id(): string { return this.getAttribute('id') ?? ''; }
  set id(v: string) { this.setAttribute('id', v); }
  get className(): string { return this.getAttribute('class') ?? ''; }
  set className(v: string) { this.setAttribute('class', v); }
  get title(): string { return this.getAttribute('title') ?? ''; }
  /**
   * innerHTML: markup becomes child elements (the dEQP log writes `<canvas id=logImageN>` this way and
   * draws into it at once: tcuLogImage.js); its scripts do not run (HTML § 8.4: innerHTML marks them
   * already started). Text without markup (most of the other pages' log lines) becomes one text node
   * without going through the parser. The getter gives the children's text (no page reads markup back).
   */
  get innerHTML(): string { return this.textContent; }
  set innerHTML(v: string) {
    const html = String(v);
    if (!html.includes('<')) { this.textContent = decodeEntities(html); return; }
    this.textContent = '';
    const frag = parseHtml(html);
    for (const part of frag.children) if (part.kind === 'element') for (const c of part.children) this.appendChild(build(c));
  }
  get innerText(): string { return this.textContent; }
  set innerText(v: string) { this.textContent = v; }
  get text(): string { return this.textContent; }
  set text(v: string) { this.textContent = v; }
  /** called when the element joins the document (scripts run then) */
  connected(): void {}
  getElementsByTagName(tag: string): ShimElement[] {
    const t = tag.toLowerCase();
    return [...descendants(this)].filter((e) => t === '*' || e.localName === t);
  }
  getElementsByClassName(c: string): ShimElement[] {
    return [...descendants(this)].filter((e) => e.className.split(/\s+/).includes(c));
  }
  querySelector(sel: string): ShimElement | null { return this.querySelectorAll(sel)[0] ?? null; }
  querySelectorAll(sel: string): ShimElement[] { return [...descendants(this)].filter((e) => matches(e, sel)); }
  getBoundingClientRect(): { x: number; y: number; left: number; top: number; right: number; bottom: number; width: number; height: number } {
    const w = this.clientWidth, h = this.clientHeight;
    return { x: 0, y: 0, left: 0, top: 0, right: w, bottom: h, width: w, height: h };
  }
  get clientWidth(): number { return 0; }
  get clientHeight(): number { return 0; }
  get offsetWidth(): number { return this.clientWidth; }
  get offsetHeight(): number { return this.clientHeight; }
  focus(): void {}
  blur(): void {}
  click(): void { this.dispatchEvent(new Event('click')); }
  override cloneNode(): ShimElement {
    const e = doc.createElement(this.localName);
    for (const [k, v] of this.attributes) e.attributes.set(k, v);
    return e;
  }
}

function* descendants(root: ShimNode): Generator<ShimElement> {
  for (const c of root.childNodes) {
    if (c instanceof ShimElement) {
      yield c;
      yield* descendants(c);
    }
  }
}

/** Selectors as the suite writes them: `#id`, `tag`, `.class`, `tag#id`, `tag.class`, `[attr]`. */
function matches(e: ShimElement, sel: string): boolean {
  return sel.split(',').some((one) => {
    const m = /^\s*([a-zA-Z0-9*]*)(?:#([\w-]+))?(?:\.([\w-]+))?(?:\[([\w-]+)\])?\s*$/.exec(one);
    if (!m) return false;
    const [, tag, id, cls, attr] = m;
    if (tag && tag !== '*' && e.localName !== tag.toLowerCase()) return false;
    if (id && e.id !== id) return false;
    if (cls && !e.className.split(/\s+/).includes(cls)) return false;
    if (attr && !e.hasAttribute(attr)) return false;
    return !!(tag || id || cls || attr);
  });
}

// ----------------------------------------------------------------------------------------------
// Scripts

const JS_TYPES = new Set(['', 'text/javascript', 'application/javascript', 'application/x-javascript', 'text/ecmascript', 'module']);

export class ShimScript extends ShimElement {
  /** set when the parser created it (run in document order), or once run */
  started = false;
  constructor() { super('script'); }
  get src(): string { const s = this.getAttribute('src'); return s ? resolveUrl(s) : ''; }
  set src(v: string) { this.setAttribute('src', v); }
  get type(): string { return this.getAttribute('type') ?? ''; }
  set type(v: string) { this.setAttribute('type', v); }
  get isJavaScript(): boolean {
    // HTML's "prepare the script element": no type but a language attribute means text/<language>
    const lang = this.getAttribute('language');
    if (this.getAttribute('type') === null && lang) return /^(javascript|jscript|ecmascript|livescript)[\d.]*$/i.test(lang);
    return JS_TYPES.has(this.type.trim().toLowerCase());
  }
  override connected(): void {
    // a script the page inserts (js-test-pre's finishTest adds js-test-post.js) runs once loaded
    if (this.started) return;
    this.started = true;
    setImmediate(() => runScript(this));
  }
}

/** The parser-run script now executing: where document.write inserts, and the scripts it wrote. */
let writing: { script: ShimScript; after: ShimNode; scripts: ShimScript[] } | null = null;

/**
 * Runs the parser's scripts in document order; the scripts a script document.write()s run
 * right after it, before the rest (and theirs right after them, and so on).
 */
export function runParserScripts(scripts: readonly ShimScript[]): void {
  const queue = [...scripts];
  while (queue.length) {
    const s = queue.shift()!;
    const outer = writing;
    writing = { script: s, after: s, scripts: [] };
    try {
      runScript(s);
    } finally {
      queue.unshift(...writing.scripts);
      writing = outer;
    }
  }
}

/** Runs a script element as a browser would: an exception is reported and the page goes on. */
export function runScript(s: ShimScript): void {
  s.started = true;
  if (!s.isJavaScript) return;
  let code: string, filename: string;
  if (s.getAttribute('src')) {
    const file = urlToFile(s.src);
    if (!file || !existsSync(file)) {
      // a browser fires error at the element and goes on: nothing is thrown on the page
      s.dispatchEvent(new Event('error'));
      return;
    }
    code = readFileSync(file, 'utf8');
    filename = file;
  } else {
    code = s.textContent;
    filename = `${urlToFile(documentUrl) ?? documentUrl}#inline`;
  }
  try {
    runInPage(code, filename);
  } catch (e) {
    hooks.onError(describeError(e));
  }
  s.dispatchEvent(new Event('load'));
}

export function describeError(e: unknown): string {
  // isNativeError, not instanceof: the page's errors are its realm's
  if (isNativeError(e)) {
    const where = /\n\s+at .*?\(?([^()\s]+:\d+:\d+)\)?/.exec(e.stack ?? '');
    return `${e.name}: ${e.message}${where ? ` (${where[1]!.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')})` : ''}`;
  }
  return `uncaught ${String(e)}`;
}

// ----------------------------------------------------------------------------------------------
// Images: ImageData's shape ({width, height, data}), which Akari's texImage2D takes

export interface Pixels { width: number; height: number; data: Uint8ClampedArray }

export class ShimImageData implements Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
  readonly colorSpace = 'srgb';
  constructor(a: number | Uint8ClampedArray, b: number, c?: number) {
    if (typeof a === 'number') {
      this.width = a; this.height = b; this.data = new Uint8ClampedArray(a * b * 4);
    } else {
      this.data = a; this.width = b; this.height = c ?? a.length / 4 / b;
    }
  }
}

let pendingLoads = 0;
let loadWaiters: (() => void)[] = [];
function loadStarted(): void { pendingLoads++; }
function loadEnded(): void {
  if (--pendingLoads === 0) {
    const w = loadWaiters;
    loadWaiters = [];
    for (const f of w) f();
  }
}

function readUrlBytes(url: string): Uint8Array | null {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    if (comma < 0) return null;
    const meta = url.slice(5, comma);
    const body = url.slice(comma + 1);
    return meta.endsWith(';base64') ? new Uint8Array(Buffer.from(body, 'base64')) : new Uint8Array(Buffer.from(decodeURIComponent(body)));
  }
  const file = urlToFile(url);
  if (!file || !existsSync(file)) return null;
  return new Uint8Array(readFileSync(file));
}

/** An SVG document (after an optional BOM, XML declaration, doctype or comment). */
function isSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 512));
  return /^\uFEFF?\s*</.test(head) && /<svg[\s>]/.test(head);
}

let svgRenderer: Promise<typeof import('@resvg/resvg-wasm') | null> | undefined;

/**
 * Rasterises an SVG image at its intrinsic size, as a browser draws an <img> of it, with resvg
 * (WebAssembly, a development dependency: the harness is a tool, not part of the package's
 * runtime). Resolves null — the image fails to load — when resvg is not installed or the
 * document does not parse.
 */
async function rasteriseSvg(bytes: Uint8Array): Promise<Pixels | null> {
  svgRenderer ??= (async () => {
    try {
      const resvg = await import('@resvg/resvg-wasm');
      const wasm = createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm');
      await resvg.initWasm(readFileSync(wasm));
      return resvg;
    } catch {
      return null;
    }
  })();
  const resvg = await svgRenderer;
  if (!resvg) return null;
  try {
    const image = new resvg.Resvg(new TextDecoder().decode(bytes)).render();
    // resvg gives straight (not premultiplied) RGBA rows, top row first: what an <img> holds
    return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.pixels) };
  } catch {
    return null;
  }
}

export class ShimImage extends ShimElement {
  private decoded: Pixels | null = null;
  complete = true;
  crossOrigin: string | null = null;
  constructor(width?: number, height?: number) {
    super('img');
    if (width !== undefined) this.setAttribute('width', width);
    if (height !== undefined) this.setAttribute('height', height);
  }
  get src(): string { const s = this.getAttribute('src'); return s ? resolveUrl(s) : ''; }
  set src(v: string) {
    this.setAttribute('src', v);
    this.complete = false;
    this.decoded = null;
    const url = this.src;
    loadStarted();
    setImmediate(() => {
      const done = (decoded: Pixels | null): void => {
        this.decoded = decoded;
        this.complete = true;
        try { this.fire(decoded ? 'load' : 'error'); } finally { loadEnded(); }
      };
      let bytes: Uint8Array | null = null;
      try { bytes = readUrlBytes(url); } catch { /* a malformed data: URL fails to load */ }
      if (bytes && isSvg(bytes)) { void rasteriseSvg(bytes).then(done); return; }
      let decoded: Pixels | null = null;
      try { if (bytes) decoded = decodeImage(bytes); } catch { /* not a PNG or JPEG (a broken file): the image fails to load */ }
      done(decoded);
    });
  }
  private fire(type: string): void {
    const handler = (this as unknown as Record<string, unknown>)[`on${type}`];
    const ev = new Event(type);
    if (typeof handler === 'function') {
      try { handler.call(this, ev); } catch (e) { hooks.onError(describeError(e)); }
    }
    this.dispatchEvent(ev);
  }
  get naturalWidth(): number { return this.decoded?.width ?? 0; }
  get naturalHeight(): number { return this.decoded?.height ?? 0; }
  get width(): number { return this.decoded ? Number(this.getAttribute('width') ?? this.naturalWidth) : 0; }
  set width(v: number) { this.setAttribute('width', v); }
  get height(): number { return this.decoded ? Number(this.getAttribute('height') ?? this.naturalHeight) : 0; }
  set height(v: number) { this.setAttribute('height', v); }
  /** HTMLImageElement.decode(): settles when the image has loaded or failed */
  decode(): Promise<void> {
    if (this.complete) return this.decoded ? Promise.resolve() : Promise.reject(new Error('EncodingError'));
    return new Promise((res, rej) => {
      this.addEventListener('load', () => res(), { once: true });
      this.addEventListener('error', () => rej(new Error('EncodingError')), { once: true });
    });
  }
  /** the pixels, scaled to width × height when those attributes differ (as drawing an <img> does); none (0×0) before it loads */
  get data(): Uint8ClampedArray {
    if (!this.decoded) return new Uint8ClampedArray(0);
    const w = this.width, h = this.height;
    return w === this.decoded.width && h === this.decoded.height ? this.decoded.data : scaleNearest(this.decoded, w, h).data;
  }
}

function scaleNearest(src: Pixels, w: number, h: number): Pixels {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / w));
      out.set(src.data.subarray((sy * src.width + sx) * 4, (sy * src.width + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data: out };
}

/** The pixels of anything drawable (image, canvas, ImageData), or null. */
function pixelsOf(x: unknown): Pixels | null {
  if (x instanceof ShimCanvas) return x.snapshot();
  const p = x as Partial<Pixels> | null;
  if (p && typeof p.width === 'number' && typeof p.height === 'number' && p.data instanceof Uint8ClampedArray) return p as Pixels;
  return null;
}

/** <video>: no decoder here, so it never loads and plays nothing; as a TexImageSource it is 0×0. */
export class ShimVideo extends ShimElement {
  readonly videoWidth = 0;
  readonly videoHeight = 0;
  readonly width = 0;
  readonly height = 0;
  readonly data = new Uint8ClampedArray(0);
  constructor() { super('video'); }
  canPlayType(): string { return ''; }
  play(): Promise<void> { return Promise.reject(new Error('NotSupportedError')); }
  pause(): void {}
  load(): void {}
}

// ----------------------------------------------------------------------------------------------
// Canvas

interface AkariCanvasLike extends EventTarget { width: number; height: number }
interface WebGLLike {
  canvas: AkariCanvasLike;
  readDrawingBuffer(): Uint8Array;
  getContextAttributes(): { premultipliedAlpha?: boolean } | null;
  isContextLost(): boolean;
  drawingBufferWidth: number;
  drawingBufferHeight: number;
}


export class ShimCanvas extends ShimElement {
  private gl: WebGLLike | null = null;
  private akari: AkariCanvasLike | null = null;
  private ctx2d: Context2D | null = null;
  constructor() { super('canvas'); }
  private attr(name: string, dflt: number): number {
    const v = this.getAttribute(name);
    if (v === null) return dflt;
    const n = parseInt(v, 10);
    return Number.isFinite(n) && n >= 0 ? n : dflt;
  }
  get width(): number { return this.akari ? this.akari.width : this.attr('width', 300); }
  set width(v: number) { this.setSize('width', v); }
  get height(): number { return this.akari ? this.akari.height : this.attr('height', 150); }
  set height(v: number) { this.setSize('height', v); }
  private setSize(which: 'width' | 'height', v: number): void {
    const n = Number(v);
    const u = Number.isFinite(n) ? Math.trunc(n) >>> 0 : 0;
    this.attributes.set(which, String(u > 0x7fffffff ? (which === 'width' ? 300 : 150) : u));
    if (this.akari) this.akari[which] = v; // a new drawing buffer, as a browser's canvas makes
    if (this.ctx2d) this.ctx2d.reset(this.width, this.height);
  }
  /** what the context calls on its canvas (canvas.ts): passed to the Akari canvas behind this element */
  attach(ctx: object): void { (this.akari as unknown as { attach(c: object): void } | null)?.attach(ctx); }
  resize(width: number, height: number): void {
    (this.akari as unknown as { resize(w: number, h: number): void }).resize(width, height);
    this.attributes.set('width', String(width));
    this.attributes.set('height', String(height));
  }
  override get clientWidth(): number { return parseInt(this.style.width ?? '', 10) || this.width; }
  override get clientHeight(): number { return parseInt(this.style.height ?? '', 10) || this.height; }

  getContext(kind: string, attributes?: Record<string, unknown>): unknown {
    if (kind === 'webgl' || kind === 'experimental-webgl' || kind === 'webgl2') {
      // a canvas keeps the kind of context it first gave (HTML's getContext): another WebGL version is null
      const version = kind === 'webgl2' ? 2 : 1;
      if (this.ctx2d || (this.gl && this.glVersion !== version)) return null;
      if (!this.gl) { this.gl = this.createWebGL(attributes ?? {}, version); this.glVersion = version; }
      return this.gl;
    }
    if (kind === '2d') {
      if (this.gl) return null;
      if (!this.ctx2d) this.ctx2d = new Context2D(this);
      return this.ctx2d;
    }
    return null;
  }

  private glVersion = 0;
  private createWebGL(attributes: Record<string, unknown>, version: 1 | 2): WebGLLike | null {
    const w = this.width, h = this.height;
    let gl: WebGLLike;
    try {
      gl = createWebGLContext(Math.max(1, w), Math.max(1, h), { ...(attributes as AkariContextOptions), ...hooks.contextOptions, version }) as unknown as WebGLLike;
    } catch {
      return null;
    }
    const akari = gl.canvas;
    if (w !== akari.width || h !== akari.height) { akari.width = w; akari.height = h; }
    this.akari = akari;
    // the page's canvas element is the context's canvas; context-loss events reach its listeners
    Object.defineProperty(gl, 'canvas', { value: this, configurable: true });
    returnSequencesInPageRealm(gl);
    return gl;
  }

  /** The canvas's pixels as a TexImageSource or drawImage reads them: ImageData's shape, top row first. */
  snapshot(): Pixels {
    if (this.ctx2d) return this.ctx2d.image;
    const w = this.width, h = this.height;
    const data = new Uint8ClampedArray(w * h * 4);
    const gl = this.gl;
    if (gl && !gl.isContextLost()) {
      const bw = gl.drawingBufferWidth, bh = gl.drawingBufferHeight;
      const px = gl.readDrawingBuffer(); // top row first
      for (let y = 0; y < Math.min(h, bh); y++) data.set(px.subarray(y * bw * 4, y * bw * 4 + Math.min(w, bw) * 4), y * w * 4);
      // a premultiplied drawing buffer is read back un-premultiplied, as getImageData gives it
      if (gl.getContextAttributes()?.premultipliedAlpha !== false) {
        for (let i = 0; i < data.length; i += 4) {
          const a = data[i + 3]!;
          if (a === 0 || a === 255) continue;
          for (let c = 0; c < 3; c++) data[i + c] = Math.round((data[i + c]! * 255) / a);
        }
      }
    }
    return { width: w, height: h, data };
  }
  /** ImageData's shape, so texImage2D(..., canvas) uploads the canvas's pixels */
  get data(): Uint8ClampedArray { return this.snapshot().data; }

  toDataURL(): string {
    const p = this.snapshot();
    return `data:image/png;base64,${Buffer.from(encodePng(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength), p.width, p.height)).toString('base64')}`;
  }
}

const NAMED_COLOURS: Record<string, [number, number, number]> = {
  black: [0, 0, 0], white: [255, 255, 255], red: [255, 0, 0], lime: [0, 255, 0], green: [0, 128, 0], blue: [0, 0, 255],
  yellow: [255, 255, 0], cyan: [0, 255, 255], aqua: [0, 255, 255], magenta: [255, 0, 255], fuchsia: [255, 0, 255],
  gray: [128, 128, 128], grey: [128, 128, 128], purple: [128, 0, 128], orange: [255, 165, 0],
};

/** A CSS colour as canvas's fillStyle takes it: #rgb, #rrggbb, rgb(), rgba(), a few names. */
export function parseCssColour(s: string): [number, number, number, number] | null {
  const t = s.trim().toLowerCase();
  if (t === 'transparent') return [0, 0, 0, 0];
  if (NAMED_COLOURS[t]) return [...NAMED_COLOURS[t]!, 255];
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(t);
  if (m) {
    const h = m[1]!;
    if (h.length === 3) return [...[...h].map((c) => parseInt(c + c, 16)), 255] as [number, number, number, number];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), 255];
  }
  m = /^rgba?\(([^)]*)\)$/.exec(t);
  if (m) {
    const parts = m[1]!.split(',').map((p) => p.trim());
    if (parts.length < 3) return null;
    const ch = (p: string) => Math.round(Math.min(255, Math.max(0, p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p))));
    const a = parts[3] === undefined ? 1 : Math.min(1, Math.max(0, parseFloat(parts[3])));
    return [ch(parts[0]!), ch(parts[1]!), ch(parts[2]!), Math.round(a * 255)];
  }
  return null;
}

/**
 * A 2D context reduced to what the suite draws with: solid rectangles, image data in and out, and
 * drawImage with nearest sampling. Pixels are kept unpremultiplied (a browser keeps them
 * premultiplied, so translucent round trips can differ by rounding); text draws nothing.
 */
export class Context2D {
  image: Pixels;
  fillStyle = '#000000';
  strokeStyle = '#000000';
  globalAlpha = 1;
  globalCompositeOperation = 'source-over';
  font = '10px sans-serif';
  textAlign = 'start';
  textBaseline = 'alphabetic';
  lineWidth = 1;
  constructor(readonly canvas: ShimCanvas) {
    this.image = { width: canvas.width, height: canvas.height, data: new Uint8ClampedArray(canvas.width * canvas.height * 4) };
  }
  reset(w: number, h: number): void { this.image = { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }; }
  private eachPixel(x: number, y: number, w: number, h: number, paint: (i: number) => void): void {
    if (w < 0) { x += w; w = -w; }
    if (h < 0) { y += h; h = -h; }
    const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.image.width, Math.round(x + w)), y1 = Math.min(this.image.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) paint((yy * this.image.width + xx) * 4);
  }
  private blend(i: number, r: number, g: number, b: number, a: number): void {
    const d = this.image.data;
    const sa = (a / 255) * this.globalAlpha;
    if (this.globalCompositeOperation === 'copy' || sa >= 1) { d[i] = r; d[i + 1] = g; d[i + 2] = b; d[i + 3] = Math.round(sa * 255); return; }
    const da = d[i + 3]! / 255;
    const oa = sa + da * (1 - sa);
    if (oa === 0) { d[i] = d[i + 1] = d[i + 2] = d[i + 3] = 0; return; }
    d[i] = (r * sa + d[i]! * da * (1 - sa)) / oa;
    d[i + 1] = (g * sa + d[i + 1]! * da * (1 - sa)) / oa;
    d[i + 2] = (b * sa + d[i + 2]! * da * (1 - sa)) / oa;
    d[i + 3] = oa * 255;
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    const c = parseCssColour(String(this.fillStyle));
    if (!c) return;
    this.eachPixel(x, y, w, h, (i) => this.blend(i, c[0], c[1], c[2], c[3]));
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    this.eachPixel(x, y, w, h, (i) => this.image.data.fill(0, i, i + 4));
  }
  getImageData(x: number, y: number, w: number, h: number): ShimImageData {
    const out = new ShimImageData(w, h);
    for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
      const sx = x + xx, sy = y + yy;
      if (sx < 0 || sy < 0 || sx >= this.image.width || sy >= this.image.height) continue;
      const s = (sy * this.image.width + sx) * 4;
      out.data.set(this.image.data.subarray(s, s + 4), (yy * w + xx) * 4);
    }
    return out;
  }
  putImageData(img: Pixels, x: number, y: number): void {
    for (let yy = 0; yy < img.height; yy++) for (let xx = 0; xx < img.width; xx++) {
      const dx = x + xx, dy = y + yy;
      if (dx < 0 || dy < 0 || dx >= this.image.width || dy >= this.image.height) continue;
      const s = (yy * img.width + xx) * 4;
      this.image.data.set(img.data.subarray(s, s + 4), (dy * this.image.width + dx) * 4);
    }
  }
  createImageData(a: number | Pixels, h?: number): ShimImageData {
    return typeof a === 'number' ? new ShimImageData(Math.abs(a), Math.abs(h ?? 0)) : new ShimImageData(a.width, a.height);
  }
  drawImage(src: unknown, ...n: number[]): void {
    const p = pixelsOf(src);
    if (!p) throw new TypeError('drawImage: not an image');
    let [sx, sy, sw, sh] = [0, 0, p.width, p.height];
    let dx: number, dy: number, dw: number, dh: number;
    if (n.length >= 8) [sx, sy, sw, sh, dx, dy, dw, dh] = n as [number, number, number, number, number, number, number, number];
    else if (n.length >= 4) [dx, dy, dw, dh] = n as [number, number, number, number];
    else { [dx, dy] = n as [number, number]; dw = p.width; dh = p.height; }
    if (!sw || !sh || !dw || !dh) return;
    this.eachPixel(dx, dy, dw, dh, (i) => {
      const px = (i / 4) % this.image.width, py = Math.floor(i / 4 / this.image.width);
      const u = Math.floor(sx + ((px + 0.5 - dx) * sw) / dw), v = Math.floor(sy + ((py + 0.5 - dy) * sh) / dh);
      if (u < 0 || v < 0 || u >= p.width || v >= p.height) return;
      const s = (v * p.width + u) * 4;
      this.blend(i, p.data[s]!, p.data[s + 1]!, p.data[s + 2]!, p.data[s + 3]!);
    });
  }
  // state and paths: nothing the suite checks draws through them
  save(): void {}
  restore(): void {}
  scale(): void {}
  translate(): void {}
  rotate(): void {}
  setTransform(): void {}
  beginPath(): void {}
  closePath(): void {}
  moveTo(): void {}
  lineTo(): void {}
  arc(): void {}
  rect(): void {}
  fill(): void {}
  stroke(): void {}
  /** No fonts: each character is a block 0.6 em wide, 0.7 em tall (text is drawn, not legible). */
  fillText(text: string, x: number, y: number): void {
    const em = parseFloat(/(\d+(?:\.\d+)?)(px|pt)/.exec(this.font)?.[1] ?? '10') * (/pt/.test(this.font) ? 4 / 3 : 1);
    const w = String(text).length * em * 0.6;
    const x0 = this.textAlign === 'center' ? x - w / 2 : this.textAlign === 'right' || this.textAlign === 'end' ? x - w : x;
    const y0 = this.textBaseline === 'middle' ? y - em * 0.35 : this.textBaseline === 'top' ? y : y - em * 0.7;
    for (let i = 0; i < String(text).length; i++) this.fillRect(x0 + i * em * 0.6 + em * 0.05, y0, em * 0.5, em * 0.7);
  }
  strokeText(): void {}
  measureText(t: string): { width: number } { return { width: String(t).length * 6 }; }
}

// ----------------------------------------------------------------------------------------------
// Document

export class ShimDocument extends ShimNode {
  readonly documentElement: ShimElement;
  head: ShimElement;
  body: ShimElement;
  readyState = 'loading';
  readonly hidden = false;
  readonly visibilityState = 'visible';
  constructor() {
    super(9, '#document');
    this.documentElement = new ShimElement('html');
    this.head = new ShimElement('head');
    this.body = new ShimElement('body');
  }
  get title(): string { return this.documentElement.getElementsByTagName('title')[0]?.textContent ?? ''; }
  get location(): URL { return new URL(documentUrl); }
  get URL(): string { return documentUrl; }
  get defaultView(): Record<string, unknown> { return win; }
  createElement(tag: string): ShimElement {
    const t = String(tag).toLowerCase();
    if (t === 'canvas') return new ShimCanvas();
    if (t === 'img') return new ShimImage();
    if (t === 'script') return new ShimScript();
    if (t === 'video') return new ShimVideo();
    return new ShimElement(t);
  }
  createElementNS(_ns: string, tag: string): ShimElement { return this.createElement(tag); }
  /**
   * document.write while the parser runs a script (HTML § 8.4.3): the markup enters the input
   * stream right after that script's end tag — its elements join the document there and its
   * scripts run when the parser reaches them, i.e. after the writing script, before the next
   * script of the page. Closure's base.js (the dEQP pages) loads every module this way. After the
   * document has loaded, a write would replace the page; no page of the suite means to, so it is
   * dropped.
   */
  write(...markup: string[]): void {
    if (this.readyState !== 'loading' || !writing) return;
    const frag = parseHtml(markup.join(''));
    const parent = writing.script.parentNode as ShimElement | null;
    for (const part of [frag.children[0], frag.children[1]]) {
      if (part?.kind !== 'element') continue;
      for (const c of part.children) {
        const n = Object.assign(build(c), { parentNode: parent });
        if (parent) {
          const at = parent.childNodes.indexOf(writing.after) + 1;
          parent.childNodes.splice(at, 0, n);
          writing.after = n;
        }
        if (n instanceof ShimElement) for (const e of [n, ...descendants(n)]) if (e instanceof ShimScript) writing.scripts.push(e);
      }
    }
  }
  writeln(...markup: string[]): void { this.write(...markup, '\n'); }
  createTextNode(text: string): ShimText { return new ShimText(String(text)); }
  createDocumentFragment(): ShimElement { return new ShimElement('#fragment'); }
  createEvent(): Event { return new Event(''); }
  getElementById(id: string): ShimElement | null {
    for (const e of descendants(this)) if (e.id === id) return e;
    return null;
  }
  getElementsByTagName(tag: string): ShimElement[] { return this.documentElement.getElementsByTagName(tag).concat(tag === 'html' ? [this.documentElement] : []); }
  getElementsByClassName(c: string): ShimElement[] { return this.documentElement.getElementsByClassName(c); }
  querySelector(sel: string): ShimElement | null { return this.documentElement.querySelector(sel); }
  querySelectorAll(sel: string): ShimElement[] { return this.documentElement.querySelectorAll(sel); }
}

let doc: ShimDocument;

function build(node: HtmlNode): ShimNode {
  if (node.kind === 'text') return new ShimText(node.text);
  const e = node.tag === 'html' ? doc.documentElement : node.tag === 'head' ? doc.head : node.tag === 'body' ? doc.body : doc.createElement(node.tag);
  for (const [k, v] of node.attrs) e.attributes.set(k, v);
  if (e instanceof ShimScript) e.started = true; // the parser runs it, in document order
  for (const c of node.children) e.childNodes.push(Object.assign(build(c), { parentNode: e }));
  return e;
}

// ----------------------------------------------------------------------------------------------
// XMLHttpRequest over the suite's folder

class ShimXhr extends EventTarget {
  readyState = 0;
  status = 0;
  statusText = '';
  responseText = '';
  response: unknown = '';
  responseType = '';
  onreadystatechange: ((e: Event) => void) | null = null;
  onload: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  private url = '';
  private async = true;
  open(_method: string, url: string, async = true): void {
    this.url = resolveUrl(url);
    this.async = async !== false;
    this.readyState = 1;
  }
  overrideMimeType(): void {}
  setRequestHeader(): void {}
  getResponseHeader(): string | null { return null; }
  getAllResponseHeaders(): string { return ''; }
  abort(): void {}
  send(): void {
    const finish = (): void => {
      const bytes = readUrlBytes(this.url);
      this.readyState = 4;
      if (bytes) {
        this.status = 200;
        this.statusText = 'OK';
        this.responseText = Buffer.from(bytes).toString('utf8');
        this.response = this.responseType === 'arraybuffer' ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : this.responseType === 'blob' ? new Blob([Uint8Array.from(bytes)]) : this.responseText;
      } else {
        this.status = 404;
        this.statusText = 'Not Found';
      }
      const fire = (type: string, handler: ((e: Event) => void) | null): void => {
        const ev = new Event(type);
        if (handler) handler.call(this, ev);
        this.dispatchEvent(ev);
      };
      fire('readystatechange', this.onreadystatechange);
      fire(bytes ? 'load' : 'error', bytes ? this.onload : this.onerror);
    };
    if (!this.async) return finish();
    setImmediate(() => {
      try { finish(); } catch (e) { hooks.onError(describeError(e)); }
    });
  }
}

// ----------------------------------------------------------------------------------------------
// Window

const windowEvents = new EventTarget();

/**
 * The page's realm. Its scripts run in a context of their own, as a browser runs a page's scripts
 * in the window's realm and its engine in none: a page that replaces `Array.from` or adds
 * enumerable properties to `Array.prototype` (conformance/more's quickCheckAPI.js does both)
 * changes its own intrinsics, not the ones Akari's driver and kernel run on.
 */
let realm: Context;
/** The page realm's global object: its `window`. */
let win: Record<string, unknown>;

/** The page realm's window (for the harness hooks the page calls). */
export function pageWindow(): Record<string, unknown> { return win; }

/** Runs script text in the page's realm. */
export function runInPage(code: string, filename?: string): unknown {
  return runInContext(code, realm, filename ? { filename } : undefined);
}

/**
 * Host objects the window shares with Akari's realm. The typed arrays, their buffers and the
 * error constructors are Akari's own, so that the arrays a page makes and the ones Akari returns
 * (getParameter's Float32Array), and the TypeErrors WebIDL throws, are instances of the
 * constructors the page sees (`shouldBeType(x, "Float32Array")` is an `instanceof`), as they are in
 * a browser, where the bindings make them in the page's realm. `Object` is Akari's too: the
 * interface prototypes (WebGLRenderingContext.prototype, %TypedArray%.prototype) end at Akari's
 * Object.prototype, and pages check that they end at `Object.prototype`. `Array` stays the page's
 * own: that is the intrinsic pages replace.
 */
const SHARED_GLOBALS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Object', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError',
  'console', 'Event', 'EventTarget', 'CustomEvent', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
  'atob', 'btoa', 'performance', 'queueMicrotask', 'structuredClone', 'Blob', 'clearTimeout', 'clearInterval',
  'crypto', 'AbortController', 'MessageChannel', 'MessagePort', 'DOMException',
] as const;

/** Copies an array of Akari's realm into a new array of the page's (set up before the page's scripts run). */
let toPageArray: (a: readonly unknown[]) => unknown[];

/**
 * WebIDL makes a returned sequence (getAttachedShaders, getSupportedExtensions, getUniformIndices…)
 * a new array of the current realm: the page's. Akari returns arrays of its own realm, so each
 * context method gets an own-property wrapper that copies them (quickCheckAPI.js calls
 * `.has()`, which it added to the page's Array.prototype, on getAttachedShaders' result).
 */
function returnSequencesInPageRealm(gl: object): void {
  const target = gl as Record<string, ((...a: unknown[]) => unknown) | undefined>;
  for (const k of SEQUENCE_RETURNING) {
    const method = target[k];
    if (typeof method !== 'function') continue;
    Object.defineProperty(gl, k, {
      value: function (this: unknown, ...args: unknown[]): unknown {
        const r = method.apply(this, args);
        return Array.isArray(r) && Object.getPrototypeOf(r) === Array.prototype ? toPageArray(r) : r;
      },
      // enumerable like the operation it shadows (`for (var i in gl)` copies a context: util.js's wrapGLContext)
      writable: true, configurable: true, enumerable: true,
    });
  }
}

/** The operations of WebGL 1 and 2 whose IDL return type is (or may be, for `any`) a sequence. */
const SEQUENCE_RETURNING = ['getAttachedShaders', 'getSupportedExtensions', 'getParameter', 'getUniform', 'getUniformIndices', 'getActiveUniforms', 'getIndexedParameter'];

function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(win, name, { value, writable: true, configurable: true, enumerable: true });
}

/** Fires a window event through addEventListener listeners and the on<type> property. */
function fireWindowEvent(type: string, ev: Event = new Event(type)): void {
  const handler = win[`on${type}`];
  if (typeof handler === 'function') {
    try { handler.call(win, ev); } catch (e) { hooks.onError(describeError(e)); }
  }
  windowEvents.dispatchEvent(ev);
}

/**
 * Makes this process's global object the page's window, with `document` built from the page's
 * HTML, and returns the page's scripts in document order (not yet run).
 */
export function installWindow(pageFile: string, pageUrl: string, h: PageHooks): ShimScript[] {
  hooks = h;
  documentUrl = pageUrl;
  doc = new ShimDocument();
  const tree: HtmlElement = parseHtml(readFileSync(pageFile, 'utf8'));
  build(tree);
  doc.childNodes.push(Object.assign(doc.documentElement, { parentNode: doc }));

  // A vanilla context (Node >= 20.18): its global is an ordinary object. A contextified sandbox puts
  // interceptors on the global, so every global read in the page (`Math`, `deMath`) is a call into C++:
  // dEQP's framework ran about 300 times slower (deMath.clamp alone was half of a page's time).
  const vanilla = (vmConstants as unknown as { DONT_CONTEXTIFY?: symbol } | undefined)?.DONT_CONTEXTIFY;
  realm = createContext((vanilla ?? {}) as Context, { name: pageUrl });
  win = runInContext('globalThis', realm) as Record<string, unknown>;
  const g = win;
  const host = globalThis as Record<string, unknown>;
  for (const name of SHARED_GLOBALS) if (name in host) defineGlobal(name, host[name]);
  toPageArray = runInPage('(function (a) { var r = []; for (var i = 0; i < a.length; i++) r[i] = a[i]; return r; })') as typeof toPageArray;
  defineGlobal('window', win);
  defineGlobal('self', win);
  defineGlobal('parent', win);
  defineGlobal('top', win);
  defineGlobal('document', doc);
  defineGlobal('location', Object.assign(new URL(pageUrl), { reload() {}, assign() {}, replace() {} }));
  defineGlobal('navigator', { userAgent: 'Mozilla/5.0 (akari webgl-cts harness)', platform: 'Linux', language: 'en-US', hardwareConcurrency: 1 });
  defineGlobal('devicePixelRatio', 1);
  defineGlobal('name', '');
  defineGlobal('screen', { width: 1024, height: 768, availWidth: 1024, availHeight: 768, colorDepth: 24 });
  // named access on the window (HTML § 7.2.2.3): an element's id is a global unless something else has the name
  for (const e of descendants(doc)) {
    if (e.id && !(e.id in win)) Object.defineProperty(win, e.id, { value: e, writable: true, configurable: true });
  }
  defineGlobal('innerWidth', 1024);
  defineGlobal('innerHeight', 768);
  defineGlobal('Image', ShimImage);
  defineGlobal('HTMLImageElement', ShimImage);
  defineGlobal('HTMLCanvasElement', ShimCanvas);
  defineGlobal('HTMLVideoElement', ShimVideo);
  defineGlobal('HTMLElement', ShimElement);
  defineGlobal('Element', ShimElement);
  defineGlobal('Node', ShimNode);
  defineGlobal('ImageData', ShimImageData);
  defineGlobal('CanvasRenderingContext2D', Context2D);
  defineGlobal('XMLHttpRequest', ShimXhr);
  // WebGL's interface objects: Akari's classes behind browser names (instanceof, constants on the interface)
  const iface = (cls: { prototype: object }, constants?: object): unknown => {
    const f = function (): never { throw new TypeError('Illegal constructor'); };
    f.prototype = cls.prototype;
    if (constants) for (const [k, v] of Object.entries(constants)) if (/^[A-Z0-9_]+$/.test(k) && typeof v === 'number') Object.defineProperty(f, k, { value: v, enumerable: true });
    return f;
  };
  const glProto = AkariWebGLRenderingContext.prototype as unknown as Record<string, unknown>;
  defineGlobal('WebGLRenderingContext', iface(AkariWebGLRenderingContext, Object.fromEntries(Object.keys(glProto).map((k) => [k, glProto[k]]))));
  const gl2Proto = AkariWebGL2RenderingContext.prototype as unknown as Record<string, unknown>;
  const gl2Names = new Set<string>();
  for (let p: object | null = gl2Proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) for (const k of Object.keys(p)) gl2Names.add(k);
  defineGlobal('WebGL2RenderingContext', iface(AkariWebGL2RenderingContext, Object.fromEntries([...gl2Names].map((k) => [k, gl2Proto[k]]))));
  // the handles a page holds (objects.ts); WebGL 1's WebGLTimerQueryEXT and WebGLVertexArrayObjectOES are the same objects
  for (const [name, cls] of Object.entries(HANDLE_CLASSES)) defineGlobal(name, iface(cls));
  defineGlobal('WebGLObject', iface(WebGLObjectHandle));
  defineGlobal('WebGLActiveInfo', iface(AkActiveInfo));
  defineGlobal('WebGLShaderPrecisionFormat', iface(AkPrecisionFormat));
  defineGlobal('WebGLContextEvent', WebGLContextEvent);
  defineGlobal('ImageBitmap', iface(AkImageBitmap));
  // a canvas is drawn as its current pixels; images, ImageData, Blobs and bitmaps as they are
  defineGlobal('createImageBitmap', (source: unknown, ...rest: unknown[]) => createImageBitmap(source instanceof ShimCanvas ? source.snapshot() : source, ...rest));
  defineGlobal('addEventListener', (t: string, f: EventListenerOrEventListenerObject | null, o?: unknown) => windowEvents.addEventListener(t, f, o as AddEventListenerOptions));
  defineGlobal('removeEventListener', (t: string, f: EventListenerOrEventListenerObject | null) => windowEvents.removeEventListener(t, f));
  defineGlobal('dispatchEvent', (e: Event) => windowEvents.dispatchEvent(e));
  defineGlobal('postMessage', (data: unknown) => {
    setImmediate(() => fireWindowEvent('message', Object.assign(new Event('message'), { data, source: win, origin: ORIGIN })));
  });
  defineGlobal('getComputedStyle', (e: ShimElement) => ({ ...e.style, getPropertyValue: (p: string) => e.style[p] ?? '' }));
  defineGlobal('alert', () => {});
  defineGlobal('scrollTo', () => {});
  // Timers accept code strings, as browsers' do (some pages pass them); exceptions are reported.
  const wrap = (f: unknown, args: unknown[]): (() => void) => () => {
    try {
      if (typeof f === 'function') f(...args);
      else runInPage(String(f));
    } catch (e) { hooks.onError(describeError(e)); }
  };
  const nodeSetTimeout = setTimeout, nodeSetInterval = setInterval;
  defineGlobal('setTimeout', (f: unknown, ms?: number, ...args: unknown[]) => nodeSetTimeout(wrap(f, args), Math.max(0, Number(ms) || 0)));
  defineGlobal('setInterval', (f: unknown, ms?: number, ...args: unknown[]) => nodeSetInterval(wrap(f, args), Math.max(1, Number(ms) || 0)));
  let frame = 0;
  const frames = new Map<number, NodeJS.Timeout>();
  defineGlobal('requestAnimationFrame', (f: (t: number) => void) => {
    const id = ++frame;
    frames.set(id, nodeSetTimeout(() => { frames.delete(id); wrap(f, [performance.now()])(); }, 4));
    return id;
  });
  defineGlobal('cancelAnimationFrame', (id: number) => { clearTimeout(frames.get(id)); frames.delete(id); });
  g.webkitRequestAnimationFrame = undefined;
  g.mozRequestAnimationFrame = undefined;
  return [...descendants(doc)].filter((e): e is ShimScript => e instanceof ShimScript);
}

/** After the parser's scripts: DOMContentLoaded, then load once the document's images are in. */
export function fireLoad(): void {
  doc.readyState = 'interactive';
  doc.dispatchEvent(new Event('DOMContentLoaded'));
  const load = (): void => {
    doc.readyState = 'complete';
    const bodyOnload = doc.body.getAttribute('onload');
    if (bodyOnload !== null && typeof win.onload !== 'function') {
      try { win.onload = runInPage(`(function onload(event) {\n${bodyOnload}\n})`); } catch (e) { hooks.onError(describeError(e)); }
    }
    fireWindowEvent('load');
  };
  setImmediate(() => (pendingLoads ? loadWaiters.push(load) : load()));
}

/** Starts loading the images the page's markup holds (their load holds back window's load). */
export function loadMarkupImages(): void {
  for (const img of doc.getElementsByTagName('img')) {
    if (img instanceof ShimImage && img.getAttribute('src')) img.src = img.getAttribute('src')!;
  }
}

export { pathToFileURL };
