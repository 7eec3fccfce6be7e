/**
 * Parser for piglit's `.shader_test` format, as piglit's tests/shaders/shader_runner.c reads it.
 *
 * A file is a sequence of sections, each opened by a `[name]` line:
 *   [require]                     GLSL >= 1.10, GL >= 2.0, GL ES >= 2.0, GLSL ES >= 1.00,
 *                                 extension names (`GL_ARB_foo`, `!GL_ARB_foo`), limits
 *                                 (`GL_MAX_VARYING_COMPONENTS >= 40`), `rlimit N`, `SIZE w h`
 *   [vertex shader]               GLSL source (several sections of one stage are concatenated
 *   [fragment shader]             into separate shader objects and linked together)
 *   [vertex shader passthrough]   a built-in pass-through vertex shader (attribute piglit_vertex)
 *   [vertex data]                 a header line `name/type/count ...` then rows of numbers
 *   [test]                        one command per line (see {@link Command})
 * `#` starts a comment in [require], [vertex data] and [test]; shader sections are verbatim.
 *
 * Commands this parser does not know become `{ op: 'unknown' }`: the executor turns any of them
 * into a skip with the line as its reason, never a pass.
 */

export type StageName = 'vertex' | 'fragment';

export interface Requirement {
  kind: 'glsl' | 'glsl-es' | 'gl' | 'gl-es' | 'extension' | 'limit' | 'other';
  /** For versions and limits: the comparison. */
  op?: '>=' | '<=' | '>' | '<' | '==' | '!=';
  /** For versions: the number as written (`1.10`); for limits: the integer. */
  value?: number;
  /** Extension or limit name. */
  name?: string;
  /** For extensions: `!GL_foo` (the extension must be absent). */
  negated?: boolean;
  line: string;
}

export interface ShaderSource {
  stage: StageName;
  source: string;
  /** `[vertex shader passthrough]`. */
  passthrough?: boolean;
  /** 1-based line of the first source line in the file. */
  line: number;
}

export interface VertexAttribute {
  name: string;
  /** GL type name as written: float, int, uint, double... */
  type: string;
  count: number;
}

export interface VertexData {
  attributes: VertexAttribute[];
  /** One row per vertex; each row holds sum(count) numbers. */
  rows: number[][];
}

export type Rgba = [number, number, number, number];

export type Command =
  | { op: 'draw rect'; ortho: boolean; tex: boolean; rect: [number, number, number, number]; texRect?: [number, number, number, number] }
  | { op: 'draw arrays'; mode: string; first: number; count: number; instanced?: number }
  | { op: 'uniform'; type: string; name: string; values: number[] }
  | { op: 'clear color'; color: Rgba }
  | { op: 'clear' }
  | { op: 'probe'; relative: boolean; channels: 3 | 4; x: number; y: number; expected: number[]; warn?: boolean }
  | { op: 'probe rect'; channels: 3 | 4; rect: [number, number, number, number]; expected: number[]; warn?: boolean }
  | { op: 'probe all'; channels: 3 | 4; expected: number[]; warn?: boolean }
  | { op: 'texture rgbw'; unit: number; width: number; height: number; dim?: '1D' | '3D' }
  | { op: 'texture shadow'; dim: string; unit: number; width: number; height: number }
  | { op: 'texparameter'; target: string; name: string; value: string }
  | { op: 'texture checkerboard'; unit: number; level: number; width: number; height: number; low: Rgba; high: Rgba }
  | { op: 'ortho'; bounds: [number, number, number, number] | null }
  | { op: 'frustum'; bounds: [number, number, number, number, number, number] }
  | { op: 'color'; color: Rgba }
  | { op: 'hint'; target: string; mode: string }
  | { op: 'enable'; on: boolean; cap: string }
  | { op: 'shade model'; model: 'smooth' | 'flat' }
  | { op: 'clip plane'; plane: number; equation: [number, number, number, number] }
  | { op: 'tolerance'; values: Rgba }
  | { op: 'link'; expect: 'success' | 'error' }
  | { op: 'fb'; args: string[] }
  | { op: 'unknown'; reason: string };

export interface TestLine {
  command: Command;
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

export interface ShaderTest {
  requires: Requirement[];
  shaders: ShaderSource[];
  vertexData: VertexData | null;
  tests: TestLine[];
  /** Sections this parser does not know (e.g. [geometry shader]): the test is then a skip. */
  unknownSections: string[];
  /** Window size from `SIZE w h` in [require] (default 250x250). */
  size: { width: number; height: number };
}

export const DEFAULT_WINDOW = { width: 250, height: 250 } as const;

const SECTION_STAGE: Record<string, { stage: StageName; passthrough?: boolean }> = {
  'vertex shader': { stage: 'vertex' },
  'vertex shader passthrough': { stage: 'vertex', passthrough: true },
  'fragment shader': { stage: 'fragment' },
};

/** Split a test/require line into tokens, treating `(`, `)` and `,` as separators. */
export function tokens(s: string): string[] {
  return s.replace(/[(),]/g, ' ').trim().split(/\s+/).filter((t) => t.length > 0);
}

function stripComment(s: string): string {
  const i = s.indexOf('#');
  return (i >= 0 ? s.slice(0, i) : s).trim();
}

/** piglit's strtof_hex: `0x...` is the IEEE-754 single-precision bit pattern, else strtod. */
export function floatNum(t: string): number {
  if (/^0x[0-9a-f]+$/i.test(t)) return new Float32Array(new Uint32Array([parseInt(t, 16)]).buffer)[0]!;
  return num(t);
}

/** Parse a number the way strtod/strtol would (decimal, hex ints, inf/nan). */
export function num(t: string): number {
  if (/^[-+]?0x[0-9a-f]+$/i.test(t)) {
    const neg = t.startsWith('-');
    const v = parseInt(t.replace(/^[-+]/, ''), 16);
    return neg ? -v : v;
  }
  const v = Number(t);
  if (Number.isNaN(v) && !/^[-+]?nan/i.test(t)) {
    // strtod accepts a valid prefix ("1.0f"): take the longest numeric prefix
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(t);
    if (m) return Number(m[0]);
    throw new Error(`not a number: '${t}'`);
  }
  return v;
}

function nums(ts: string[]): number[] {
  return ts.map(num);
}

function parseRequire(line: string): Requirement {
  const t = line.split(/\s+/);
  const cmpRe = /^(>=|<=|>|<|==|!=)$/;
  if (t[0] === 'GLSL' && t[1] === 'ES' && cmpRe.test(t[2] ?? '')) return { kind: 'glsl-es', op: t[2] as Requirement['op'], value: Number(t[3]), line };
  if (t[0] === 'GL' && t[1] === 'ES' && cmpRe.test(t[2] ?? '')) return { kind: 'gl-es', op: t[2] as Requirement['op'], value: Number(t[3]), line };
  if (t[0] === 'GLSL' && cmpRe.test(t[1] ?? '')) return { kind: 'glsl', op: t[1] as Requirement['op'], value: Number(t[2]), line };
  if (t[0] === 'GL' && cmpRe.test(t[1] ?? '')) return { kind: 'gl', op: t[1] as Requirement['op'], value: Number(t[2]), line };
  if (t.length === 3 && /^GL_MAX_|^GL_/.test(t[0]) && cmpRe.test(t[1])) return { kind: 'limit', name: t[0], op: t[1] as Requirement['op'], value: num(t[2]), line };
  if (t.length === 1 && /^!?GL_|^!?GLX_|^!?EGL_/.test(t[0])) {
    const negated = t[0].startsWith('!');
    return { kind: 'extension', name: negated ? t[0].slice(1) : t[0], negated, line };
  }
  return { kind: 'other', name: t[0], line };
}

function rect4(v: number[]): [number, number, number, number] {
  return [v[0], v[1], v[2], v[3]];
}

function rgba(v: number[]): Rgba {
  return [v[0], v[1], v[2], v[3]];
}

/** Parse one [test] line (comment already removed, non-empty). */
export function parseCommand(line: string): Command {
  const t = tokens(line);
  const unknown = (why = 'unsupported command'): Command => ({ op: 'unknown', reason: `${why}: ${line}` });
  const need = (n: number, c: () => Command): Command => (t.length === n ? c() : unknown('malformed command'));
  try {
    const head = t[0];
    // `probe warn ...` / `relative probe warn ...`: a mismatch makes piglit report WARN instead of FAIL
    const w = head === 'probe' ? 1 : head === 'relative' && t[1] === 'probe' ? 2 : -1;
    if (w > 0 && t[w] === 'warn') {
      const c = parseCommand(line.replace(/\bwarn\s+/, ''));
      return c.op === 'probe' || c.op === 'probe rect' || c.op === 'probe all' ? { ...c, warn: true } : c;
    }
    if (head === 'draw' && t[1] === 'rect') {
      let i = 2;
      let ortho = false;
      let tex = false;
      while (t[i] === 'ortho' || t[i] === '-tex' || t[i] === 'tex' || t[i] === 'patch') {
        if (t[i] === 'patch') return unknown();
        if (t[i] === 'ortho') ortho = true;
        else tex = true;
        i++;
      }
      const v = nums(t.slice(i));
      if (tex) {
        if (v.length !== 8) return unknown('malformed command');
        return { op: 'draw rect', ortho, tex, rect: rect4(v), texRect: rect4(v.slice(4)) };
      }
      if (v.length !== 4) return unknown('malformed command');
      return { op: 'draw rect', ortho, tex, rect: rect4(v) };
    }
    if (head === 'draw' && t[1] === 'arrays') {
      // draw arrays [instanced] <mode> <first> <count> [<instances>]
      const inst = t[2] === 'instanced';
      const i = inst ? 3 : 2;
      if (t.length !== i + 3 + (inst ? 1 : 0)) return unknown('malformed command');
      const cmd: Command = { op: 'draw arrays', mode: t[i], first: num(t[i + 1]), count: num(t[i + 2]) };
      if (inst) cmd.instanced = num(t[i + 3]);
      return cmd;
    }
    if (head === 'uniform') {
      if (t.length < 4) return unknown('malformed command');
      // float uniforms read their values with piglit's strtof_hex: `0x7f000000` is a bit pattern
      const float = /^(float|vec\d|mat\d(x\d)?)$/.test(t[1]);
      return { op: 'uniform', type: t[1], name: t[2], values: t.slice(3).map((v) => (float ? floatNum(v) : num(v))) };
    }
    if (head === 'clear' && t[1] === 'color') return need(6, () => ({ op: 'clear color', color: rgba(nums(t.slice(2))) }));
    if (head === 'clear' && t.length === 1) return { op: 'clear' };
    // shader_runner reads the numbers a probe needs and ignores the rest of the line: tests write
    // `probe all rgb 0 1 0 0` or `relative probe rgb (x, y) (r, g, b, a)`
    const atLeast = (n: number, c: () => Command): Command => (t.length >= n ? c() : unknown('malformed command'));
    if (head === 'relative' && t[1] === 'probe' && (t[2] === 'rgb' || t[2] === 'rgba')) {
      const ch = t[2] === 'rgb' ? 3 : 4;
      return atLeast(5 + ch, () => {
        const v = nums(t.slice(3));
        return { op: 'probe', relative: true, channels: ch, x: v[0], y: v[1], expected: v.slice(2, 2 + ch) };
      });
    }
    if (head === 'probe' && (t[1] === 'rgb' || t[1] === 'rgba')) {
      const ch = t[1] === 'rgb' ? 3 : 4;
      return atLeast(4 + ch, () => {
        const v = nums(t.slice(2));
        return { op: 'probe', relative: false, channels: ch, x: Math.trunc(v[0]), y: Math.trunc(v[1]), expected: v.slice(2, 2 + ch) };
      });
    }
    if (head === 'probe' && t[1] === 'rect' && (t[2] === 'rgb' || t[2] === 'rgba')) {
      const ch = t[2] === 'rgb' ? 3 : 4;
      return need(7 + ch, () => {
        const v = nums(t.slice(3));
        return { op: 'probe rect', channels: ch, rect: rect4(v.map(Math.trunc)), expected: v.slice(4) };
      });
    }
    if (head === 'probe' && t[1] === 'all' && (t[2] === 'rgb' || t[2] === 'rgba')) {
      const ch = t[2] === 'rgb' ? 3 : 4;
      return atLeast(3 + ch, () => ({ op: 'probe all', channels: ch, expected: nums(t.slice(3, 3 + ch)) }));
    }
    if (head === 'texture' && t[1] === 'rgbw') {
      // texture rgbw <unit> (<w>, <h>) [<internal format>]; texture rgbw 1D|3D <unit> (piglit's fixed-size 1D/3D textures)
      if ((t[2] === '1D' || t[2] === '3D') && t.length === 4) return { op: 'texture rgbw', dim: t[2], unit: num(t[3]), width: 0, height: 0 };
      if (t.length !== 5) return unknown();
      return { op: 'texture rgbw', unit: num(t[2]), width: num(t[3]), height: num(t[4]) };
    }
    if (head === 'texture' && /^shadow(1D|2D|Rect)$/.test(t[1] ?? '') && t.length >= 4) {
      // texture shadow2D <unit> (<w>, <h>), texture shadow1D <unit> (<w>): a depth texture compared with GL_GREATER
      const dim = t[1].slice(6);
      return { op: 'texture shadow', dim, unit: num(t[2]), width: num(t[3]), height: dim === '1D' ? 1 : num(t[4] ?? '1') };
    }
    if (head === 'texparameter' && t.length === 4) {
      // texparameter <target> <name> <value> (shader_runner's handle_texparameter)
      return { op: 'texparameter', target: t[1]!, name: t[2]!, value: t[3]! };
    }
    if (head === 'texture' && t[1] === 'checkerboard') {
      // texture checkerboard <unit> <level> (<w>, <h>) (<low rgba>) (<high rgba>)
      return need(14, () => {
        const v = nums(t.slice(2));
        return { op: 'texture checkerboard', unit: v[0], level: v[1], width: v[2], height: v[3], low: rgba(v.slice(4)), high: rgba(v.slice(8)) };
      });
    }
    if (head === 'ortho') {
      if (t.length === 1) return { op: 'ortho', bounds: null };
      return need(5, () => ({ op: 'ortho', bounds: rect4(nums(t.slice(1))) }));
    }
    if (head === 'frustum') return need(7, () => { const v = nums(t.slice(1)); return { op: 'frustum', bounds: [v[0], v[1], v[2], v[3], v[4], v[5]] }; });
    if (head === 'color') return need(5, () => ({ op: 'color', color: rgba(nums(t.slice(1))) }));
    if (head === 'hint') return need(3, () => ({ op: 'hint', target: t[1], mode: t[2] }));
    if ((head === 'enable' || head === 'disable') && t.length === 2) return { op: 'enable', on: head === 'enable', cap: t[1] };
    if (head === 'shade' && t[1] === 'model' && (t[2] === 'smooth' || t[2] === 'flat') && t.length === 3) return { op: 'shade model', model: t[2] };
    if (head === 'clip' && t[1] === 'plane') {
      return need(7, () => { const v = nums(t.slice(2)); return { op: 'clip plane', plane: v[0], equation: [v[1], v[2], v[3], v[4]] }; });
    }
    if (head === 'tolerance') {
      if (t.length === 5) return { op: 'tolerance', values: rgba(nums(t.slice(1))) };
      if (t.length === 2) {
        const v = num(t[1]);
        return { op: 'tolerance', values: [v, v, v, v] };
      }
      return unknown('malformed command');
    }
    if (head === 'link' && (t[1] === 'success' || t[1] === 'error') && t.length === 2) return { op: 'link', expect: t[1] };
    if (head === 'fb') return { op: 'fb', args: t.slice(1) };
    return unknown();
  } catch (err) {
    return unknown(err instanceof Error ? err.message : String(err));
  }
}

function parseVertexData(lines: string[]): VertexData {
  const attributes: VertexAttribute[] = [];
  const rows: number[][] = [];
  for (const raw of lines) {
    const s = stripComment(raw);
    if (!s) continue;
    if (attributes.length === 0) {
      for (const col of s.split(/\s+/)) {
        const [name, type = 'float', count = '1'] = col.split('/');
        // newer piglit writes name/GL_FLOAT/2 or name/float/vec2; accept both spellings
        let n = Number(count);
        if (!Number.isFinite(n)) {
          const m = /^(?:[iu]?vec)(\d)$/.exec(count);
          n = m ? Number(m[1]) : 1;
        }
        attributes.push({ name, type: type.replace(/^GL_/, '').toLowerCase(), count: n });
      }
      continue;
    }
    rows.push(s.split(/\s+/).map(num));
  }
  return { attributes, rows };
}

export function parseShaderTest(text: string): ShaderTest {
  const out: ShaderTest = {
    requires: [],
    shaders: [],
    vertexData: null,
    tests: [],
    unknownSections: [],
    size: { ...DEFAULT_WINDOW },
  };
  const lines = text.split(/\r?\n/);
  let section: string | null = null;
  let body: string[] = [];
  let bodyStart = 0;
  const flush = (): void => {
    if (section === null) return;
    const st = SECTION_STAGE[section];
    if (st) {
      const sh: ShaderSource = { stage: st.stage, source: body.join('\n') + '\n', line: bodyStart };
      if (st.passthrough) sh.passthrough = true;
      out.shaders.push(sh);
    } else if (section === 'require') {
      let inComment = false;
      for (const raw of body) {
        const s = stripComment(raw);
        // C comments some tests put in [require]: shader_runner ignores lines it does not match
        if (inComment || s.startsWith('/*')) {
          inComment = !s.includes('*/');
          continue;
        }
        if (!s) continue;
        const r = parseRequire(s);
        if (r.kind === 'other' && r.name === 'SIZE') {
          const v = s.split(/\s+/);
          out.size = { width: Number(v[1]), height: Number(v[2]) };
          continue;
        }
        out.requires.push(r);
      }
    } else if (section === 'vertex data') {
      out.vertexData = parseVertexData(body);
    } else if (section === 'test') {
      body.forEach((raw, i) => {
        const s = stripComment(raw);
        if (!s) return;
        out.tests.push({ command: parseCommand(s), line: bodyStart + i, text: s });
      });
    } else {
      out.unknownSections.push(section);
    }
  };
  lines.forEach((line, i) => {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (m && (section === null || !SECTION_STAGE[section] || KNOWN_SECTION.test(m[1]))) {
      flush();
      section = m[1].trim();
      body = [];
      bodyStart = i + 2;
      return;
    }
    if (section !== null) body.push(line);
  });
  flush();
  return out;
}

/** Section headers that end a shader section (a `[` line inside GLSL is otherwise source). */
const KNOWN_SECTION = /^(require|vertex shader( passthrough)?|fragment shader|geometry shader|tessellation (control|evaluation) shader|compute shader|vertex data|test|vertex program|fragment program|[a-z ]+ shader( binary| specializations)?)$/;

/** Compare `have` against a requirement's `op value`. */
export function compare(have: number, op: NonNullable<Requirement['op']>, want: number): boolean {
  switch (op) {
    case '>=': return have >= want - 1e-9;
    case '<=': return have <= want + 1e-9;
    case '>': return have > want + 1e-9;
    case '<': return have < want - 1e-9;
    case '==': return Math.abs(have - want) < 1e-9;
    case '!=': return Math.abs(have - want) >= 1e-9;
  }
}

/**
 * shader_runner's `relative probe` maps fractions of the window to a pixel:
 * x = (int)(rx * width), clamped to width - 1 (and the same for y).
 */
export function relativeToPixel(rx: number, ry: number, width: number, height: number): { x: number; y: number } {
  let x = Math.trunc(rx * width);
  let y = Math.trunc(ry * height);
  if (x >= width) x = width - 1;
  if (y >= height) y = height - 1;
  return { x, y };
}

/** piglit_set_tolerance_for_bits: 3 / 2^bits per channel (1.0 for channels under 2 bits). */
export function toleranceForBits(bits: [number, number, number, number]): Rgba {
  return bits.map((b) => (b < 2 ? 1.0 : 3.0 / (1 << b))) as Rgba;
}

/** piglit's comparison: a channel fails when |observed - expected| > tolerance. */
export function probeMatches(observed: ArrayLike<number>, expected: ArrayLike<number>, tolerance: ArrayLike<number>, channels: number): boolean {
  for (let i = 0; i < channels; i++) {
    if (!(Math.abs(observed[i] - expected[i]) <= tolerance[i])) return false;
  }
  return true;
}
