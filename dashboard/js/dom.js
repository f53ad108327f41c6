// Builds DOM from data without ever parsing HTML: recorded text only ever reaches the page through textContent.

/**
 * h('a', { href: '/x', className: 'link', dataset: { id: 1 }, onclick: fn }, 'text', child, [more])
 * Strings become text nodes; arrays are flattened; null/undefined/false are skipped.
 * Only properties are set (never innerHTML); `href` is refused unless it is a same-origin path.
 */
export const h = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'href') node.setAttribute('href', safeHref(String(value)));
    else if (key === 'className' || key === 'textContent' || key === 'value' || key === 'title')
      node[key] = value;
    else if (typeof value === 'boolean') node.toggleAttribute(key, value);
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
};

const append = (node, children) => {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
};

/** Same-origin paths only: a recorded value can never become a javascript: or off-site link. */
const safeHref = (href) => (href.startsWith('/') && !href.startsWith('//') ? href : '#');

export const clear = (node) => {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
};

export const $ = (selector, root = document) => root.querySelector(selector);

/** "+12.345 s" from ms since the session origin. */
export const fmtAt = (ms) => (typeof ms === 'number' ? `+${(ms / 1000).toFixed(3)} s` : '–');

/** "83.0 ms", "3.92 s", or "–" for null. */
export const fmtDuration = (ms) => {
  if (typeof ms !== 'number') return '–';
  if (Math.abs(ms) < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
};

/** The last `n` characters of a long id, prefixed with an ellipsis, for labels; the whole id stays in the JSON. */
export const shortId = (id, n = 8) =>
  typeof id === 'string' && id.length > n ? `…${id.slice(-n)}` : String(id);

/** A CSS class fragment from recorded text: letters and digits only, so no value can break out of a class list. */
export const classSafe = (text) => String(text ?? 'none').replace(/[^A-Za-z0-9]/g, '') || 'none';

/** Calls `fn` once, `ms` after the last of a burst of calls. */
export const debounce = (fn, ms) => {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
};
