/**
 * WebIDL bindings for the WebGL context, derived from the IDL table
 * (idl.ts) as browsers generate theirs: every entry point first converts its
 * arguments as WebIDL § 3.2 says for their declared types — ToInt32 for
 * `long`, ToUint32 for `unsigned long` (GLenum, GLuint, GLbitfield), `long
 * long` for GLintptr/GLsizeiptr, `unrestricted float` through
 * Math.fround, `boolean` by truthiness, DOMString by ToString — checks
 * interface types (a non-WebGLShader where a WebGLShader is declared is a
 * TypeError; `T?` also takes null and undefined), converts Float32List and
 * Int32List sequences to typed arrays, turns a WebGL object's handle into
 * the driver's object behind it and a returned object into its handle
 * (objects.ts), picks among overloads by argument
 * count and then by the distinguishing argument (bufferData's size or
 * data), and throws a TypeError when required arguments are missing. Only
 * then does the state tracker see the call: it can rely on integers being
 * integers (NaN became 0, 2.5 became 2, "3" became 3), so nothing invalid
 * reaches the hardware packers.
 */
import { parseIdl, type IdlOperation } from './idl.js';
import { AkBuffer, AkFramebuffer, AkProgram, AkRenderbuffer, AkSampler, AkShader, AkSync, AkTexture, AkTransformFeedback, AkUniformLocation, AkVertexArray, stateOf, toPage } from './objects.js';
import { AkQuery } from './queries.js';

/** Each interface type's state class: an argument must be the handle of one of its objects (objects.ts), and is passed on as that object. */
const INTERFACES: Record<string, abstract new (...a: never[]) => object> = {
  WebGLBuffer: AkBuffer, WebGLFramebuffer: AkFramebuffer, WebGLProgram: AkProgram, WebGLRenderbuffer: AkRenderbuffer,
  WebGLShader: AkShader, WebGLTexture: AkTexture, WebGLUniformLocation: AkUniformLocation, WebGLVertexArrayObjectOES: AkVertexArray, WebGLTimerQueryEXT: AkQuery,
  // WebGL 2.0
  WebGLVertexArrayObject: AkVertexArray, WebGLQuery: AkQuery, WebGLSampler: AkSampler, WebGLSync: AkSync, WebGLTransformFeedback: AkTransformFeedback,
};

/** A value the declared type does not take; the binding turns it into WebIDL's TypeError, naming the argument. */
class ConversionFailure { constructor(readonly what: string) {} }
const fail = (what: string): never => { throw new ConversionFailure(what); };
type Convert = (v: unknown, f: (what: string) => never) => unknown;

/** WebIDL ToNumber: a BigInt or a Symbol is a TypeError; objects go through valueOf/toString. */
function toNumber(v: unknown, fail: (what: string) => never): number {
  if (typeof v === 'bigint' || typeof v === 'symbol') fail('is not a number');
  return Number(v);
}
const toLong: Convert = (v, f) => toNumber(v, f) | 0;
const toUnsignedLong: Convert = (v, f) => toNumber(v, f) >>> 0;
const toLongLong: Convert = (v, f) => {
  const n = toNumber(v, f);
  if (!Number.isFinite(n)) return 0;
  const t = Math.trunc(n);
  return Math.abs(t) < 2 ** 63 ? t : Number(BigInt.asIntN(64, BigInt(t)));
};
/** unsigned long long: ToNumber, truncated, modulo 2^64 (a negative value becomes a huge one, as WebIDL says) */
const toUnsignedLongLong: Convert = (v, f) => {
  const n = toNumber(v, f);
  if (!Number.isFinite(n)) return 0;
  const t = Math.trunc(n);
  return t >= 0 && t < 2 ** 64 ? t : Number(BigInt.asUintN(64, BigInt(t)));
};
const toFloat: Convert = (v, f) => Math.fround(toNumber(v, f));
const isIterable = (v: unknown): v is Iterable<unknown> => typeof v === 'object' && v !== null && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';

const CONVERTERS: Record<string, Convert> = {
  GLenum: toUnsignedLong, GLuint: toUnsignedLong, GLbitfield: toUnsignedLong,
  GLint: toLong, GLsizei: toLong,
  GLintptr: toLongLong, GLsizeiptr: toLongLong, GLint64: toLongLong, 'long long': toLongLong,
  GLuint64: toUnsignedLongLong, 'unsigned long long': toUnsignedLongLong,
  GLfloat: toFloat, GLclampf: toFloat,
  GLboolean: (v) => !!v,
  DOMString: (v, f) => { if (typeof v === 'symbol') f('is a Symbol'); return String(v); },
  Float32List: (v, f) => v instanceof Float32Array ? v : isIterable(v) ? Float32Array.from(v, (x) => toFloat(x, f) as number) : f("is not of type '(Float32Array or sequence<unrestricted float>)'"),
  Int32List: (v, f) => v instanceof Int32Array ? v : isIterable(v) ? Int32Array.from(v, (x) => toLong(x, f) as number) : f("is not of type '(Int32Array or sequence<long>)'"),
  Uint32List: (v, f) => v instanceof Uint32Array ? v : isIterable(v) ? Uint32Array.from(v, (x) => toUnsignedLong(x, f) as number) : f("is not of type '(Uint32Array or sequence<unsigned long>)'"),
  'sequence<GLenum>': (v, f) => isIterable(v) && typeof v !== 'string' ? Array.from(v, (x) => toUnsignedLong(x, f)) : f("is not of type 'sequence<GLenum>'"),
  'sequence<GLuint>': (v, f) => isIterable(v) && typeof v !== 'string' ? Array.from(v, (x) => toUnsignedLong(x, f)) : f("is not of type 'sequence<GLuint>'"),
  'sequence<DOMString>': (v, f) => isIterable(v) && typeof v !== 'string' ? Array.from(v, (x) => { if (typeof x === 'symbol') f('is a Symbol'); return String(x); }) : f("is not of type 'sequence<DOMString>'"),
  BufferSource: (v, f) => v instanceof ArrayBuffer || v instanceof SharedArrayBuffer || ArrayBuffer.isView(v) ? v : f("is not of type '(ArrayBuffer or ArrayBufferView)'"),
  ArrayBufferView: (v, f) => ArrayBuffer.isView(v) ? v : f("is not of type 'ArrayBufferView'"),
  /** Node has no DOM images: ImageData's shape (and anything that has it, e.g. readImage's result) is the TexImageSource */
  TexImageSource: (v, f) => {
    const s = v as { width?: unknown; height?: unknown; data?: unknown } | null;
    const ok = typeof s === 'object' && s !== null && typeof s.width === 'number' && typeof s.height === 'number' && (s.data instanceof Uint8ClampedArray || s.data instanceof Uint8Array);
    return ok ? v : f("is not of type '(ImageBitmap or ImageData or HTMLImageElement or HTMLCanvasElement or HTMLVideoElement or OffscreenCanvas)'");
  },
};
for (const [name, cls] of Object.entries(INTERFACES)) {
  // a state object comes only from the implementation itself (WebGL 2's overrides calling WebGL 1's bound
  // method): the page never holds one, so it is taken as it is
  CONVERTERS[name] = (v, f) => (v instanceof cls ? v : stateOf(v, cls)) ?? f(`is not of type '${name}'`);
}

interface ArgPlan { type: string; nullable: boolean; convert: Convert; optional: boolean; default: number }
interface Overload { args: ArgPlan[] }

function plan(op: IdlOperation): Overload {
  return {
    args: op.args.map((a) => {
      const convert = CONVERTERS[a.type];
      if (!convert) throw new Error(`bindings: no conversion for IDL type ${a.type} (${op.name})`);
      return { type: a.type, nullable: a.nullable, convert, optional: !!a.optional, default: a.default ?? 0 };
    }),
  };
}

/** The types a value can match when it distinguishes overloads of equal length (WebIDL § 3.6 overload resolution). */
function matches(a: ArgPlan, v: unknown): boolean {
  if (v === null || v === undefined) return a.nullable;
  if (a.type === 'BufferSource') return v instanceof ArrayBuffer || v instanceof SharedArrayBuffer || ArrayBuffer.isView(v);
  if (a.type === 'ArrayBufferView') return ArrayBuffer.isView(v);
  if (a.type === 'TexImageSource') return typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
  if (a.type in INTERFACES) return v instanceof INTERFACES[a.type]! || stateOf(v, INTERFACES[a.type]!) !== undefined;
  return false;
}
const isObjectType = (a: ArgPlan) => a.type === 'BufferSource' || a.type === 'ArrayBufferView' || a.type === 'TexImageSource' || a.type in INTERFACES;
/** the arguments an overload needs (its non-optional ones) */
const required = (o: Overload) => o.args.filter((a) => !a.optional).length;

/** The implementation behind each binding, so a subclass's IDL (WebGL 2's) can bind the same implementation again with its own overloads. */
const IMPLEMENTATION = new WeakMap<object, (...a: unknown[]) => unknown>();

/** One wrapped entry point: converts per the chosen overload, then calls the implementation with exactly its arguments. */
export function bindOperation(iface: string, name: string, overloads: Overload[], impl: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  const minArgs = Math.min(...overloads.map(required));
  const maxArgs = Math.max(...overloads.map((o) => o.args.length));
  const single = overloads.length === 1 ? overloads[0]! : null;
  const prefix = `Failed to execute '${name}' on '${iface}': `;
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    if (args.length < minArgs) throw new TypeError(`${prefix}${minArgs} argument${minArgs === 1 ? '' : 's'} required, but only ${args.length} present.`);
    let o = single;
    if (!o) {
      // WebIDL § 3.6's effective overload set: an overload with optional arguments takes every count between
      const n = Math.min(args.length, maxArgs);
      const same = overloads.filter((x) => required(x) <= n && n <= x.args.length);
      if (!same.length) throw new TypeError(`${prefix}no overload takes ${args.length} arguments.`);
      if (same.length === 1) o = same[0]!;
      else {
        // the distinguishing argument: an object type (BufferSource?) takes what it matches, the numeric one everything else
        const d = same[0]!.args.findIndex((a, i) => i < n && same.some((x) => x.args[i]!.type !== a.type || x.args[i]!.nullable !== a.nullable));
        o = same.find((x) => isObjectType(x.args[d]!) && matches(x.args[d]!, args[d])) ?? same.find((x) => !isObjectType(x.args[d]!)) ?? same[0]!;
      }
    }
    const out = new Array<unknown>(o.args.length);
    for (let i = 0; i < o.args.length; i++) {
      const a = o.args[i]!, v = args[i];
      if (a.optional && v === undefined) { out[i] = a.default; continue; }
      if (a.nullable && (v === null || v === undefined)) { out[i] = null; continue; }
      try {
        out[i] = a.convert(v, fail);
      } catch (e) {
        if (e instanceof ConversionFailure) throw new TypeError(`${prefix}parameter ${i + 1} ${e.what}.`);
        throw e; // the caller's own valueOf/toString threw: WebIDL lets it through
      }
    }
    // the page receives handles, never the driver's objects
    return toPage(impl.apply(this, out));
  };
  Object.defineProperty(bound, 'name', { value: name });
  IMPLEMENTATION.set(bound, impl);
  return bound;
}

/** Groups an IDL text's operations by name (overloads together). */
function operations(idl: string): Map<string, Overload[]> {
  const m = new Map<string, Overload[]>();
  for (const op of parseIdl(idl)) (m.get(op.name) ?? m.set(op.name, []).get(op.name)!).push(plan(op));
  return m;
}

/** Replaces each operation of `idl` on `target` with its binding; an operation `target` lacks is an error (the table and the class must agree). */
export function installBindings(target: Record<string, unknown>, iface: string, idl: string): void {
  for (const [name, overloads] of operations(idl)) {
    const own = target[name];
    const impl = (typeof own === 'function' && IMPLEMENTATION.get(own)) || own;
    if (typeof impl !== 'function') throw new Error(`bindings: ${iface}.${name} is in the IDL but not implemented`);
    // WebIDL § 3.7.6 (operations): a writable, enumerable, configurable data property on the prototype —
    // `for (k in gl)` lists every entry point, as pages that wrap a context rely on
    Object.defineProperty(target, name, { value: bindOperation(iface, name, overloads, impl as (...a: unknown[]) => unknown), writable: true, enumerable: true, configurable: true });
  }
}
