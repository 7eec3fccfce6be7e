/**
 * A small HTML reader for the suite's pages: enough of the HTML tokenizer and tree builder for
 * hand-written test pages — tags with attributes, void elements, raw-text elements (script,
 * style, title, textarea), comments, doctype, character references, and implied html/head/body.
 * It gives a tree of plain records; dom.ts turns them into the shim's elements.
 */

export interface HtmlElement {
  kind: 'element';
  tag: string;
  attrs: Map<string, string>;
  children: HtmlNode[];
}
export interface HtmlText {
  kind: 'text';
  text: string;
}
export type HtmlNode = HtmlElement | HtmlText;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
const HEAD_ONLY = new Set(['meta', 'link', 'title', 'style', 'base']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9' };

/** Decodes character references (&amp; &#60; &#x3c;); an unknown name stays as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === '#') {
      const n = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : all;
    }
    return NAMED[ref.toLowerCase()] ?? all;
  });
}

function parseAttributes(src: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const name = m[1]!.toLowerCase();
    if (attrs.has(name)) continue;
    attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

/** Parses a document into its <html> element (with <head> and <body> always present). */
export function parseHtml(src: string): HtmlElement {
  const el = (tag: string, attrs = new Map<string, string>()): HtmlElement => ({ kind: 'element', tag, attrs, children: [] });
  const html = el('html'), head = el('head'), body = el('body');
  html.children.push(head, body);
  let inBody = false;
  const stack: HtmlElement[] = [html];
  const current = (): HtmlElement => stack[stack.length - 1]!;
  const enterBody = (): void => {
    if (inBody) return;
    inBody = true;
    stack.length = 1;
    stack.push(body);
  };
  const appendText = (text: string): void => {
    if (!text) return;
    if (!inBody && stack.length <= 2 && /^\s*$/.test(text)) return;
    if (!inBody && stack.length <= 2) enterBody();
    const parent = current();
    const last = parent.children[parent.children.length - 1];
    if (last?.kind === 'text') last.text += decodeEntities(text);
    else parent.children.push({ kind: 'text', text: decodeEntities(text) });
  };
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) { appendText(src.slice(i)); break; }
    appendText(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      i = end < 0 ? src.length : end + 3;
      continue;
    }
    if (src[lt + 1] === '!' || src[lt + 1] === '?') {
      const end = src.indexOf('>', lt);
      i = end < 0 ? src.length : end + 1;
      continue;
    }
    const close = /^<\/([a-zA-Z][^\s>\/]*)[^>]*>/.exec(src.slice(lt, lt + 200));
    if (close) {
      const tag = close[1]!.toLowerCase();
      i = lt + close[0].length;
      if (tag === 'html' || tag === 'body' || tag === 'head') {
        if (tag === 'head') enterBody();
        continue;
      }
      for (let k = stack.length - 1; k > 0; k--) {
        if (stack[k]!.tag === tag) { stack.length = k; break; }
      }
      continue;
    }
    const open = /^<([a-zA-Z][^\s>\/]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(src.slice(lt));
    if (!open) { appendText('<'); i = lt + 1; continue; }
    const tag = open[1]!.toLowerCase();
    const attrText = open[2]!;
    i = lt + open[0].length;
    const attrs = parseAttributes(attrText.replace(/\/\s*$/, ''));
    if (tag === 'html' || tag === 'head') {
      for (const [k, v] of attrs) if (!html.attrs.has(k)) (tag === 'html' ? html : head).attrs.set(k, v);
      continue;
    }
    if (tag === 'body') {
      for (const [k, v] of attrs) body.attrs.set(k, v);
      enterBody();
      continue;
    }
    const node = el(tag, attrs);
    // Before <body>: head-only elements and scripts go to <head>; anything else opens the body.
    if (!inBody && stack.length === 1) {
      if (HEAD_ONLY.has(tag) || tag === 'script' || tag === 'noscript') stack.push(head);
      else enterBody();
    }
    current().children.push(node);
    if (RAW_TEXT.has(tag)) {
      const endRe = new RegExp(`</${tag}\\s*>`, 'ig');
      endRe.lastIndex = i;
      const m = endRe.exec(src);
      const end = m ? m.index : src.length;
      const text = src.slice(i, end);
      if (text) node.children.push({ kind: 'text', text: tag === 'title' || tag === 'textarea' ? decodeEntities(text) : text });
      i = m ? end + m[0].length : src.length;
      if (stack[stack.length - 1] === head && !inBody) stack.length = 1;
      continue;
    }
    if (VOID.has(tag) || /\/\s*$/.test(attrText)) {
      if (stack[stack.length - 1] === head && !inBody) stack.length = 1;
      continue;
    }
    stack.push(node);
  }
  return html;
}

/** Every element of a tree in document order. */
export function* elements(root: HtmlElement): Generator<HtmlElement> {
  yield root;
  for (const c of root.children) if (c.kind === 'element') yield* elements(c);
}
