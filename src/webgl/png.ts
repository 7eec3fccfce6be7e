/** Writes a WebGL context's drawing buffer as a PNG (image order: top row first). */
import { encodePng, writePng } from '../image/png.js';
import type { AkariWebGLRenderingContext } from './context.js';

/** The PNG file's bytes (a Node Buffer at run time; declared as Uint8Array so users' types need no @types/node). */
export function drawingBufferToPng(gl: AkariWebGLRenderingContext): Uint8Array {
  return encodePng(gl.readDrawingBuffer(), gl.drawingBufferWidth, gl.drawingBufferHeight);
}

export function writeDrawingBufferPng(gl: AkariWebGLRenderingContext, file: string): void {
  writePng(file, gl.readDrawingBuffer(), gl.drawingBufferWidth, gl.drawingBufferHeight);
}
