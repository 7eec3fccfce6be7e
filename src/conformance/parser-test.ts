/**
 * piglit's glslparsertest files: a `.vert` / `.frag` shader with a config block in a comment
 *
 *   // [config]
 *   // expect_result: pass            (or fail)
 *   // glsl_version: 1.10             (1.00 = GLSL ES 1.00)
 *   // require_extensions: GL_ARB_foo !GL_ARB_bar
 *   // check_link: true
 *   // [end config]
 *
 * (or the same inside a block comment, lines prefixed by ` * `).
 */

export interface ParserTestConfig {
  expectResult: 'pass' | 'fail';
  glslVersion: string;
  requireExtensions: string[];
  checkLink: boolean;
  stage: 'vertex' | 'fragment' | 'geometry' | 'tess_ctrl' | 'tess_eval' | 'compute';
}

const STAGE_BY_EXT: Record<string, ParserTestConfig['stage']> = {
  vert: 'vertex',
  frag: 'fragment',
  geom: 'geometry',
  tesc: 'tess_ctrl',
  tese: 'tess_eval',
  comp: 'compute',
};

export function parseParserTestConfig(source: string, fileName: string): ParserTestConfig {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1);
  const stage = STAGE_BY_EXT[ext];
  if (!stage) throw new Error(`not a glslparsertest file: ${fileName}`);
  const lines = source.split(/\r?\n/);
  const start = lines.findIndex((l) => /\[config\]/.test(l));
  if (start < 0) throw new Error('no [config] block');
  const kv = new Map<string, string>();
  let ended = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (/\[end config\]/.test(l)) {
      ended = true;
      break;
    }
    const body = l.replace(/^\s*(\/\/+|\/\*+|\*+)?\s*/, '');
    const m = /^([A-Za-z_]+)\s*:\s*(.*?)\s*(\*\/)?\s*$/.exec(body);
    if (m) kv.set(m[1], m[2]);
  }
  if (!ended) throw new Error('[config] block without [end config]');
  const expect = kv.get('expect_result');
  if (expect !== 'pass' && expect !== 'fail') throw new Error(`bad expect_result: ${expect}`);
  const glslVersion = kv.get('glsl_version');
  if (!glslVersion) throw new Error('missing glsl_version');
  const req = kv.get('require_extensions');
  return {
    expectResult: expect,
    glslVersion,
    requireExtensions: req ? req.split(/\s+/).filter((s) => s) : [],
    checkLink: (kv.get('check_link') ?? 'false').toLowerCase() === 'true',
    stage,
  };
}
