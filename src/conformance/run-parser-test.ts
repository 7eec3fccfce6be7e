/** Run one glslparsertest file against Akari's GLSL front end (and linker when check_link). */
import { compileFrontEnd, SUPPORTED_EXTENSIONS } from '../umd/compiler/glsl/index.js';
import { parseParserTestConfig } from './parser-test.js';
import { SkipTest, type TestResult } from './outcome.js';

const VERSIONS: Record<string, 100 | 110 | 120 | 300> = { '1.00': 100, '1.10': 110, '1.20': 120, '3.00': 300, '3.00 es': 300 };

export function runParserTest(source: string, fileName: string): TestResult {
  let cfg;
  try {
    cfg = parseParserTestConfig(source, fileName);
  } catch (err) {
    throw new SkipTest(`runner gap: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cfg.stage !== 'vertex' && cfg.stage !== 'fragment') throw new SkipTest(`missing feature: ${cfg.stage} shaders`);
  const version = VERSIONS[cfg.glslVersion];
  if (version === undefined) throw new SkipTest(`requires GLSL ${cfg.glslVersion}`);
  for (const e of cfg.requireExtensions) {
    if (e.startsWith('!')) {
      if (SUPPORTED_EXTENSIONS.includes(e.slice(1))) throw new SkipTest(`requires ${e.slice(1)} to be absent`);
    } else if (!SUPPORTED_EXTENSIONS.includes(e)) throw new SkipTest(`requires extension ${e}`);
  }
  // glslparsertest only compiles (a shader without main is fine) unless check_link is set,
  // in which case the lone shader is linked; main() being required is the front end's share of that.
  const r = compileFrontEnd(source, cfg.stage, {
    // (a 3.00 test says `#version 300 es` itself, as GLSL ES 3.00 requires)
    defaultVersion: version === 100 || version === 300 ? 100 : 110,
    requireMain: cfg.checkLink,
    enforceAppendixA: false,
  });
  const accepted = r.ok;
  const firstError = r.diagnostics.find((d) => d.severity === 'error');
  const diag = firstError ? `${firstError.line}:${firstError.column}: ${firstError.message}` : '';
  if (cfg.expectResult === 'pass') {
    return accepted ? { outcome: 'pass', detail: '' } : { outcome: 'fail', detail: `expected to compile, rejected: ${diag}` };
  }
  return accepted ? { outcome: 'fail', detail: 'expected a compile error, accepted' } : { outcome: 'pass', detail: diag };
}
