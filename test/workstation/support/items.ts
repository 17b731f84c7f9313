/** Item plaintexts for each task type, in the canonical conversation model the minimizer emits. */
type Role = 'user' | 'assistant' | 'system';
const msg = (id: string, parentId: string | null, role: Role, text: string) => ({ id, parentId, role, text, attrs: {} });

export function pairwiseItem(prompt: string, a: string, b: string) {
  return {
    variant: 'implicit',
    messages: [msg('m0', null, 'user', prompt), msg('m1', 'm0', 'assistant', a), msg('m2', 'm0', 'assistant', b)],
    branches: [
      { label: 'chosen', leafId: 'm1' },
      { label: 'rejected', leafId: 'm2' },
    ],
    layout: { kind: 'implicit' },
    metadata: {},
  };
}

/** A tree whose prompt has `responses` as sibling replies; `followUp` is a turn under the first reply (not ranked). */
export function rankingItem(prompt: string, responses: string[], followUp?: string) {
  return {
    variant: 'oasst',
    messages: [msg('m0', null, 'user', prompt), ...responses.map((r, i) => msg(`r${i}`, 'm0', 'assistant', r)), ...(followUp === undefined ? [] : [msg('f0', 'r0', 'user', followUp)])],
    branches: [],
    layout: { kind: 'implicit' },
    metadata: {},
  };
}

export function chatItem(turns: [Role, string][]) {
  return {
    variant: 'chat',
    messages: turns.map(([role, text], i) => msg(`m${i}`, i === 0 ? null : `m${i - 1}`, role, text)),
    branches: [],
    layout: { kind: 'implicit' },
    metadata: {},
  };
}

export const HOSTILE = [
  'Here is an image: <img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned = 2</script>',
  '[click me](javascript:window.__pwned=3) and [data](data:text/html,<script>window.__pwned=4</script>) and [ok](https://example.com/safe)',
  '[spaced]( javascript:window.__pwned=5 ) <a href="javascript:window.__pwned=6">anchor</a> <svg onload="window.__pwned=7"></svg>',
  '```html\n<iframe src="javascript:window.__pwned=8"></iframe>\n```',
].join('\n\n');
