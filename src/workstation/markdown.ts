/**
 * A small Markdown subset, parsed to a tree of plain values that the app
 * renders as Preact elements with text children only (app/markdown-view.tsx).
 * Dataset text is hostile: nothing here produces HTML, and raw HTML in the
 * input is just text. Links keep their URL so it can be shown beside the link
 * text; only http(s) URLs are ever made clickable (safeLinkUrl).
 *
 * Blocks: paragraphs, fenced code (``` or ~~~, with an info word), bullet and
 * numbered lists (one level), block quotes (one level), thematic breaks.
 * Inline: `code`, **strong**, *em* / _em_, [text](url), and bare text.
 * Anything else is text.
 *
 * Dataset text is mostly plain text, not Markdown (issue 16): a paragraph
 * keeps its line breaks (the view shows them), and a line starting with `#`
 * stays a line of text, because in chat data it is far more often a shell or
 * Python comment or a hashtag than a heading. Indented code is not special.
 */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'link'; children: Inline[]; url: string };

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'rule' };

/**
 * Hostile input must not stall the tab: nesting is bounded (the stack), and
 * so is how far a delimiter looks for its closing partner (quadratic scans).
 */
const MAX_INLINE_DEPTH = 8;
const MAX_SPAN = 2000;

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([A-Za-z0-9_+.#-]*)/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

export function parseMarkdown(source: string, depth = 0): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(marker)) body.push(lines[i++]!);
      i++; // the closing fence, or past the end
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line) && depth < 2) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ kind: 'quote', children: parseMarkdown(body.join('\n'), depth + 1) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== null && bullet === null;
      const pattern = ordered ? NUMBERED : BULLET;
      const items: Inline[][] = [];
      while (i < lines.length && pattern.test(lines[i]!)) {
        const m = pattern.exec(lines[i++]!)!;
        let text = ordered ? m[2]! : m[1]!;
        // Lazy continuation lines belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !pattern.test(lines[i]!)) text += ` ${lines[i++]!.trim()}`;
        items.push(parseInline(text));
      }
      blocks.push({ kind: 'list', ordered, start: ordered ? Number(numbered![1]) : 1, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !startsBlock(lines[i]!)) para.push(lines[i++]!);
    if (para.length === 0) para.push(lines[i++]!);
    blocks.push({ kind: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || RULE.test(line) || QUOTE.test(line) || BULLET.test(line) || NUMBERED.test(line);
}

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain !== '') out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()#>-]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const ticks = /^`+/.exec(text.slice(i))![0];
      const end = indexWithin(text, ticks, i + ticks.length);
      if (end > 0) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + ticks.length, end).replace(/^ (.*) $/s, '$1') });
        i = end + ticks.length;
        continue;
      }
      plain += ticks;
      i += ticks.length;
      continue;
    }
    if (depth < MAX_INLINE_DEPTH && (text.startsWith('**', i) || text.startsWith('__', i))) {
      const marker = text.slice(i, i + 2);
      const end = indexWithin(text, marker, i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    }
    if (depth < MAX_INLINE_DEPTH && (c === '*' || c === '_') && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
      const end = findClosing(text, c, i + 1);
      if (end > i + 1 && (c === '*' || !/\w/.test(text[i - 1] ?? ''))) {
        flush();
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[' && depth < MAX_INLINE_DEPTH) {
      const link = matchLink(text, i);
      if (link) {
        flush();
        out.push({ kind: 'link', children: parseInline(link.label, depth + 1), url: link.url });
        i = link.end;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** indexOf that gives up after MAX_SPAN characters. */
function indexWithin(text: string, needle: string, from: number): number {
  const at = text.slice(from, from + MAX_SPAN).indexOf(needle);
  return at < 0 ? -1 : from + at;
}

function findClosing(text: string, marker: string, from: number): number {
  for (let j = from; j < Math.min(text.length, from + MAX_SPAN); j++) {
    if (text[j] === marker && !/\s/.test(text[j - 1]!) && text[j + 1] !== marker) return j;
    if (text[j] === '\n' && text[j + 1] === '\n') return -1;
  }
  return -1;
}

function matchLink(text: string, start: number): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  let j = start;
  const limit = Math.min(text.length, start + MAX_SPAN);
  for (; j < limit; j++) {
    if (text[j] === '[') depth++;
    else if (text[j] === ']' && --depth === 0) break;
    else if (text[j] === '\n' && text[j + 1] === '\n') return undefined;
  }
  if (j >= limit || text[j + 1] !== '(') return undefined;
  const close = indexWithin(text, ')', j + 2);
  if (close < 0) return undefined;
  const url = text.slice(j + 2, close).trim().replace(/^<(.*)>$/, '$1').split(/\s+/)[0] ?? '';
  return { label: text.slice(start + 1, j), url, end: close + 1 };
}

/**
 * The URL to put in an href, or undefined when the link must stay text. Only
 * absolute http(s) URLs qualify; `javascript:`, `data:`, relative and
 * protocol-relative URLs and anything the URL parser refuses do not.
 */
export function safeLinkUrl(url: string): string | undefined {
  // Browsers strip control characters and whitespace inside schemes; refuse them outright.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!/^https?:\/\//i.test(url)) return undefined;
  return parsed.href;
}
