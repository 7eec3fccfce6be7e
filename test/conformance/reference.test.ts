/**
 * The comparison with a reference pass list: counts reasoned by hand from a five-test run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithReference, formatReference } from '../../src/conformance/reference.js';
import type { TestResult } from '../../src/conformance/outcome.js';

test('reference comparison: both, missing by outcome, ahead, uncovered directories ignored', () => {
  const r = (outcome: TestResult['outcome']): TestResult => ({ outcome, detail: '' });
  const results: Record<string, TestResult> = {
    'tests/spec/glsl-1.10/execution/a.shader_test': r('pass'),   // both
    'tests/spec/glsl-1.10/execution/b.shader_test': r('fail'),   // missing (fail)
    'tests/spec/glsl-1.10/execution/c.shader_test': r('skip'),   // missing (skip)
    'tests/spec/glsl-1.10/execution/d.shader_test': r('pass'),   // ahead: the reference fails it
    'tests/spec/glsl-1.10/compiler/e.vert': r('pass'),           // the reference does not cover compiler/
  };
  const reference = new Set(['tests/spec/glsl-1.10/execution/a.shader_test', 'tests/spec/glsl-1.10/execution/b.shader_test', 'tests/spec/glsl-1.10/execution/c.shader_test']);
  const rows = compareWithReference(results, reference);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row!.directory, 'tests/spec/glsl-1.10/execution');
  assert.equal(row!.total, 4);
  assert.equal(row!.reference, 3);
  assert.equal(row!.both, 1);
  assert.deepEqual(row!.missing, { fail: 1, skip: 1, crash: 0, timeout: 0 });
  assert.equal(row!.ahead, 1);
  const text = formatReference(rows, 'llvmpipe');
  assert.match(text, /^total\s+4\s+3\s+1\s+2\s+1\s+1\s+0\s+0\s+1$/m);
  assert.match(text, /ahead of llvmpipe:\n {2}tests\/spec\/glsl-1.10\/execution\/d.shader_test/);
});
