/**
 * Renders parsed Markdown (../markdown.ts) as Preact elements whose leaves
 * are text nodes. No string from the data is ever set as HTML: Preact
 * escapes text children, and nothing here uses dangerouslySetInnerHTML. A
 * link is shown as its text followed by its URL in full; only http(s) URLs
 * become clickable, opening in a new tab with no referrer and no opener.
 * Paragraphs keep the line breaks and indentation of the text
 * (`white-space: pre-wrap` in styles.css).
 */
import type { ComponentChildren } from 'preact';
import { parseMarkdown, safeLinkUrl, type Block, type Inline } from '../markdown.js';

function inlines(nodes: Inline[]): ComponentChildren {
  return nodes.map((n, i) => {
    switch (n.kind) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>;
      case 'link': {
        const href = safeLinkUrl(n.url);
        return (
          <span key={i} class="md-link">
            {href === undefined ? <span class="md-link-text">{inlines(n.children)}</span> : <a href={href} target="_blank" rel="noopener noreferrer nofollow">{inlines(n.children)}</a>}
            <span class="md-link-url" title="link target">
              {' '}
              ({n.url})
            </span>
          </span>
        );
      }
    }
  });
}

function block(b: Block, i: number): ComponentChildren {
  switch (b.kind) {
    case 'paragraph':
      return <p key={i}>{inlines(b.children)}</p>;
    case 'code':
      return (
        <pre key={i} class="md-code" data-lang={b.lang || undefined}>
          {b.lang !== '' && <span class="md-code-lang">{b.lang}</span>}
          <code>{b.text}</code>
        </pre>
      );
    case 'list':
      return b.ordered ? (
        <ol key={i} start={b.start}>
          {b.items.map((item, j) => (
            <li key={j}>{inlines(item)}</li>
          ))}
        </ol>
      ) : (
        <ul key={i}>
          {b.items.map((item, j) => (
            <li key={j}>{inlines(item)}</li>
          ))}
        </ul>
      );
    case 'quote':
      return <blockquote key={i}>{b.children.map(block)}</blockquote>;
    case 'rule':
      return <hr key={i} />;
  }
}

export function Markdown({ text }: { text: string }) {
  return <div class="md">{parseMarkdown(text).map(block)}</div>;
}
