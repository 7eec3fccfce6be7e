/** Public entry points of the akari package. */
export { Machine, type MachineOptions } from './machine/machine.js';
export { UmdDevice } from './umd/device.js';
export { DrmDevice as LibDrm, DrmError } from './libdrm/libdrm.js';
export { drawTriangle } from './umd/triangle.js';
export { createWebGLContext, createWebGL2Context, type AkariContextOptions } from './platform/webgl.js';
export { gl as createContext } from './platform/headless-gl.js';
export { AkariWebGL2RenderingContext } from './webgl/context2.js';
export { AkariWebGLRenderingContext, MAX_DRAWING_BUFFER_SIZE, DEFAULT_JOB_TIMEOUT_MS, type WebGLContextOptions } from './webgl/context.js';
export { AkariCanvas, WebGLContextEvent } from './webgl/canvas.js';
export { drawingBufferToPng, writeDrawingBufferPng } from './webgl/png.js';
export { createImageBitmap, AkImageBitmap as ImageBitmap, type ImageBitmapOptions } from './webgl/image-bitmap.js';
export { decodeImage, decodeJpeg, decodePng, readImage, type DecodedImage } from './image/decode.js';
export { encodePng } from './image/png.js';
