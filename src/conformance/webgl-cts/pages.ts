/**
 * Which of the suite's pages the harness runs, and why the others are skipped: pages that need
 * what a DOM shim cannot honestly give (video decoding, iframes, Web Workers, SVG rasterisation).
 * Skips are counted apart from failures; each carries its reason into the report.
 */
import { listPages, type ListedPage } from './list.js';

/** Pages skipped on purpose, with the reason (paths relative to the suite's folder). */
export const SKIPPED: Readonly<Record<string, string>> = {
  'conformance/context/context-release-upon-reload.html': 'needs iframes reloading a page',
  'conformance/context/context-release-with-workers.html': 'needs Web Workers inside the page',
  'conformance/typedarrays/typed-arrays-in-workers.html': 'needs Web Workers inside the page',
  'conformance/extensions/oes-texture-float-with-video.html': 'needs <video> decoding',
  'conformance/extensions/oes-texture-half-float-with-video.html': 'needs <video> decoding',
  'conformance/textures/texture-npot-video.html': 'needs <video> decoding',
  'conformance/textures/texture-upload-size.html': 'needs <video> decoding',
  'conformance/textures/tex-image-and-sub-image-2d-with-video.html': 'needs <video> decoding',
  'conformance/textures/tex-image-and-sub-image-2d-with-video-rgb565.html': 'needs <video> decoding',
  'conformance/textures/tex-image-and-sub-image-2d-with-video-rgba4444.html': 'needs <video> decoding',
  'conformance/textures/tex-image-and-sub-image-2d-with-video-rgba5551.html': 'needs <video> decoding',
  'conformance/textures/origin-clean-conformance.html': 'needs cross-origin images and the origin-clean flag (the page loads from a second origin)',
};

export interface PlannedPage extends ListedPage {
  /** why the page is not run, or undefined when it is */
  skip?: string;
}

/** The suite's pages for its version, each marked run or skipped. */
export function planPages(suiteDir: string, version?: string): PlannedPage[] {
  return listPages(suiteDir, version).map((p) => (SKIPPED[p.path] ? { ...p, skip: SKIPPED[p.path] } : p));
}

/** The reporting directory of a page: conformance/<area>, and conformance/more/<area>. */
export function directoryOfPage(path: string): string {
  const parts = path.split('/').slice(0, -1);
  return parts.slice(0, parts[1] === 'more' ? 3 : 2).join('/') || '.';
}
