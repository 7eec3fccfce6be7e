/**
 * Conformance worker process (child_process.fork): runs one test per message, in isolation
 * from the parent, and answers with its result. The parent kills it on timeout and counts
 * its death as a crash of the test it was running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyAsync, type TestResult } from './outcome.js';
import { runParserTest } from './run-parser-test.js';
import { runShaderTest } from './run-shader-test.js';
import { parseShaderTest } from './shader-test.js';

export interface WorkRequest {
  id: number;
  root: string;
  path: string;
}

export interface WorkReply {
  id: number;
  result: TestResult;
}

export async function runOne(root: string, path: string): Promise<TestResult> {
  return classifyAsync(async () => {
    const text = readFileSync(join(root, path), 'utf8');
    if (path.endsWith('.shader_test')) return runShaderTest(parseShaderTest(text));
    return runParserTest(text, path);
  });
}

if (process.send) {
  process.on('message', (m: WorkRequest) => {
    void runOne(m.root, m.path).then((result) => {
      const reply: WorkReply = { id: m.id, result };
      process.send!(reply);
    });
  });
}
