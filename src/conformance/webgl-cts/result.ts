/** What a page run yields, and the messages between the runner and its page workers. */
import type { TestResult } from '../outcome.js';

export interface CtsResult extends TestResult {
  /** assertions the page reported passing / failing */
  passed?: number;
  failed?: number;
  /** exceptions no script caught */
  errors?: number;
  /** wall time of the page in its worker */
  ms?: number;
  /** the first failure messages and uncaught exceptions, for grouping by cause */
  messages?: string[];
  /** the suite files the page read, relative to the suite (when the request asked for them) */
  files?: string[];
}

export interface CtsRequest {
  id: number;
  /** the suite's folder */
  root: string;
  /** the page, relative to it */
  path: string;
  /** the worker answers with what it has after this long */
  softTimeoutMs: number;
  /** contexts run the GPU in the page's thread (bit-identical to the concurrent mode) */
  deterministic: boolean;
  /** report the files the page read */
  traceFiles?: boolean;
  /**
   * the WebGL major version the suite's own harness selects for its version (webgl-conformance-tests.html:
   * getMajorVersion(DEFAULT_CONFORMANCE_TEST_VERSION)) and passes every page as `?webglVersion=N`, which
   * webgl-test-utils.js's create3DContext reads; absent for 1
   */
  webglVersion?: number;
}

export interface CtsReply {
  id: number;
  result: CtsResult;
}

export const MAX_MESSAGES = 20;
