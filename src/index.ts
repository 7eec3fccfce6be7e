/** Public entry points of the akari package. */
export { Machine, type MachineOptions } from './machine/machine.js';
export { UmdDevice } from './umd/device.js';
export { DrmDevice as LibDrm, DrmError } from './libdrm/libdrm.js';
export { drawTriangle } from './umd/triangle.js';
export { createWebGLContext, AkariWebGLRenderingContext, type AkariContextOptions } from './webgl/context.js';
export { drawingBufferToPng, writeDrawingBufferPng } from './webgl/png.js';
