/**
 * README's limits and extensions, printed from the tables the context
 * answers from (webgl/get.ts: the rows marked as limits; webgl/extensions.ts:
 * the rows a WebGL 1 context offers), so the documentation cannot drift from
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
  const lines = [BEGIN, '', '| getParameter | WebGL 1 |', '|---|---|'];
  // limit rows read no context state (their value is the driver's, umd/pipe/caps.ts)
  for (const p of PARAMS.filter((r) => r.limit)) lines.push(`| \`${p.name}\` | ${value(p.get(undefined as unknown as GLContext))} |`);
  lines.push('', '| extension | what it gives |', '|---|---|');
  for (const e of supportedExtensions(1)) lines.push(`| \`${e.name}\` | ${e.about} |`);
  lines.push('', END);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) console.log(limitsMarkdown());
