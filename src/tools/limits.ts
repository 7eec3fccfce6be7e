/**
 * README's limits and extensions, printed from the tables the context
 * answers from (webgl/get.ts: the rows marked as limits; webgl/extensions.ts:
 * the rows a WebGL 1 or 2 context offers), so the documentation cannot drift from
 * what getParameter and getSupportedExtensions say. test/readme-limits.test.ts
 * checks that README.md holds this text between its markers;
 * `node dist/src/tools/limits.js` prints it.
 */
import { PARAMS } from '../webgl/get.js';
import { supportedExtensions } from '../webgl/extensions.js';
import type { GLContext } from '../webgl/glcontext.js';

export const BEGIN = '<!-- limits: printed by src/tools/limits.ts from webgl/get.ts and webgl/extensions.ts -->';
export const END = '<!-- limits: end -->';

export function limitsMarkdown(): string {
  const value = (v: unknown): string => (typeof v === 'object' && v !== null && 'length' in v ? Array.from(v as ArrayLike<number>).join(', ') : String(v));
  const lines = [BEGIN, '', '| getParameter | WebGL 1 | WebGL 2 |', '|---|---|---|'];
  // limit rows read no context state (their value is the driver's, umd/pipe/caps.ts); a WebGL 2 row is '—' in WebGL 1
  for (const p of PARAMS.filter((r) => r.limit)) {
    const v = value(p.get(undefined as unknown as GLContext));
    lines.push(`| \`${p.name}\` | ${!p.apis || p.apis.includes(1) ? v : '—'} | ${!p.apis || p.apis.includes(2) ? v : '—'} |`);
  }
  lines.push('', '| extension | WebGL 1 | WebGL 2 | what it gives |', '|---|---|---|---|');
  const has = (v: 1 | 2, name: string) => (supportedExtensions(v).some((e) => e.name === name) ? 'yes' : '—');
  for (const e of supportedExtensions(1).concat(supportedExtensions(2).filter((x) => !x.apis.includes(1)))) lines.push(`| \`${e.name}\` | ${has(1, e.name)} | ${has(2, e.name)} | ${e.about} |`);
  lines.push('', END);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) console.log(limitsMarkdown());
