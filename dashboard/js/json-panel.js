// The detail panel: any row's JSON, pretty-printed with colours, built from text nodes so recorded strings stay text.
import { clear, h } from './dom.js';

const MAX_STRING_CHARS = 20_000;

/** Appends `value` as indented JSON to `out` (an array of nodes), one span per token. */
const renderValue = (value, indent, out) => {
  const pad = '  '.repeat(indent);
  if (value === null) out.push(h('span', { className: 'j-null' }, 'null'));
  else if (typeof value === 'string') {
    const shown =
      value.length > MAX_STRING_CHARS
        ? `${value.slice(0, MAX_STRING_CHARS)}… (${value.length} chars)`
        : value;
    out.push(h('span', { className: 'j-str' }, JSON.stringify(shown)));
  } else if (typeof value === 'number') out.push(h('span', { className: 'j-num' }, String(value)));
  else if (typeof value === 'boolean') out.push(h('span', { className: 'j-bool' }, String(value)));
  else if (Array.isArray(value)) {
    if (value.length === 0) return out.push('[]');
    out.push('[\n');
    value.forEach((item, i) => {
      out.push(`${pad}  `);
      renderValue(item, indent + 1, out);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    out.push(`${pad}]`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return out.push('{}');
    out.push('{\n');
    entries.forEach(([key, item], i) => {
      out.push(`${pad}  `, h('span', { className: 'j-key' }, JSON.stringify(key)), ': ');
      renderValue(item, indent + 1, out);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.push(`${pad}}`);
  } else out.push(String(value));
};

export const jsonBlock = (value) => {
  const out = [];
  renderValue(value, 0, out);
  return h('pre', { className: 'json' }, out);
};

/**
 * show({ title, facts: [[label, text]], links: [{ label, onClick }], json }): replaces the panel's content.
 * `links` lead to related rows (a request's notifications, a notification's request).
 */
export const createDetailPanel = (root) => {
  const body = root.querySelector('.detail-body');
  return {
    show({ title, facts = [], links = [], linksTitle = 'Related', json }) {
      clear(body);
      const parts = [
        h('h3', { className: 'detail-title' }, title),
        facts.length
          ? h(
              'dl',
              { className: 'facts' },
              facts.flatMap(([label, text]) => [h('dt', {}, label), h('dd', {}, text)]),
            )
          : null,
        links.length
          ? h(
              'div',
              { className: 'related' },
              h('h4', {}, linksTitle),
              h(
                'ul',
                {},
                links.map((link) =>
                  h(
                    'li',
                    {},
                    h('button', { type: 'button', className: 'link', onclick: link.onClick }, link.label),
                  ),
                ),
              ),
            )
          : null,
        h('h4', {}, 'JSON'),
        jsonBlock(json),
      ];
      body.append(...parts.filter((part) => part !== null));
      root.classList.add('has-detail');
      root.scrollTop = 0;
    },
    message(text) {
      clear(body).append(h('p', { className: 'muted' }, text));
    },
  };
};
