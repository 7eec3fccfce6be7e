/** Writes a WebGL context's drawing buffer as a PNG (image order: top row first). */
import { encodePng, writePng } from '../apps/png.js';
import type { AkariWebGLRenderingContext } from './context.js';

export function drawingBufferToPng(gl: AkariWebGLRenderingContext): Buffer {
  return encodePng(gl.readDrawingBuffer(), gl.drawingBufferWidth, gl.drawingBufferHeight);
}

export function writeDrawingBufferPng(gl: AkariWebGLRenderingContext, file: string): void {
  writePng(file, gl.readDrawingBuffer(), gl.drawingBufferWidth, gl.drawingBufferHeight);
}
