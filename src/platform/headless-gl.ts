/**
 * A drop-in for headless-gl (`require('gl')`): the same call shape,
 * `gl(width, height, attributes)` → a WebGLRenderingContext, or null when the
 * size is not a positive integer (headless-gl truncates with `| 0` and
 * returns null unless both are > 0). Its two extensions are there:
 * STACKGL_resize_drawingbuffer (`resize(w, h)`) and STACKGL_destroy_context
 * (`destroy()`). Moving from headless-gl is the one line
 * `require('gl')` → `require('akari/gl')`.
 *
 * Beyond headless-gl (which has no WebGL 2): `gl(w, h, { version: 2 })` gives a
 * WebGL2RenderingContext.
 *
 * One difference on purpose: when GPU memory cannot hold the drawing buffer,
 * this throws a RangeError naming the limit and the option that raises it
 * (`machine.memoryBytes`) rather than returning a null that says nothing.
 */
import { createWebGLContext, type AkariContextOptions } from './webgl.js';
import type { AkariWebGLRenderingContext } from '../webgl/context.js';
import type { AkariWebGL2RenderingContext } from '../webgl/context2.js';

export function gl(width: number, height: number, attributes: AkariContextOptions & { version: 2 }): AkariWebGL2RenderingContext | null;
export function gl(width: number, height: number, attributes?: AkariContextOptions): AkariWebGLRenderingContext | null;
export function gl(width: number, height: number, attributes: AkariContextOptions = {}): AkariWebGLRenderingContext | null {
  const w = width | 0, h = height | 0;
  if (!(w > 0 && h > 0)) return null;
  return createWebGLContext(w, h, attributes);
}

export default gl;
// What CommonJS's require('akari/gl') returns: the function itself, as require('gl') does.
export { gl as 'module.exports' };
