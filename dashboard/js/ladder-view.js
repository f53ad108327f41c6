// The ladder: client, proxy and server as lifelines; requests, responses and Bayeux messages as arrows, in time order.
import { notificationLabel } from './details.js';
import { $, clear, fmtAt, fmtDuration, h } from './dom.js';

const PAGE_ROWS = 300;

/** A body the API answered as UTF-8 text, parsed; null when it is not JSON. */
const jsonOf = (body) => {
  if (body?.encoding !== 'utf8') return null;
  try {
    return JSON.parse(body.text);
  } catch {
    return null;
  }
};

const operationOf = (e) => {
  const name = jsonOf(e.requestBody)?.operationName;
  return typeof name === 'string' ? name : null;
};

const statusCodeOf = (e) => {
  const code = jsonOf(e.responseBody)?.statusCode;
  return typeof code === 'number' ? code : null;
};

/**
 * One arrow row. `span`: 'client-server' (through the proxy), 'client-proxy' (the proxy answered itself).
 * `dir`: 'right' (towards the server) or 'left' (towards the client).
 */
const arrowRow = ({ atMs, span, dir, label, detail, bad, onClick, kind, id }) =>
  h(
    'div',
    {
      className: `ladder-row ${kind}${bad ? ' bad' : ''}`,
      dataset: { kind, id },
      tabindex: '0',
      role: 'button',
      onclick: onClick,
      onkeydown: (event) => {
        if (event.key === 'Enter') onClick();
      },
    },
    h('span', { className: 'ladder-time mono' }, fmtAt(atMs)),
    h(
      'span',
      { className: 'ladder-lanes' },
      h('span', { className: 'lifeline client' }),
      h('span', { className: 'lifeline proxy' }),
      h('span', { className: 'lifeline server' }),
      h('span', { className: `arrow ${span} ${dir}` }),
    ),
    h(
      'span',
      { className: 'ladder-label' },
      h('span', { className: 'what' }, label),
      detail ? h('span', { className: 'muted' }, ` ${detail}`) : null,
    ),
  );

/** ctx: { api, filters(), details, notice(text) } */
export const createLadderView = (ctx) => {
  const list = $('#ladder');
  const more = $('#ladder-more');
  const showMeta = $('#ladder-meta');
  const showTransport = $('#ladder-transport');
  let cursorMs = 0;
  let seen = new Set();
  let lastSeenMs = 0;
  let exhausted = false;
  let generation = 0;

  const rowsOf = (exchanges, messages) => {
    const f = ctx.filters();
    const rows = [];
    for (const e of exchanges) {
      if (e.kind === 'bayeux' && !showTransport.checked) continue;
      const op = operationOf(e);
      if (f.operation && op !== f.operation) continue;
      const open = () => ctx.details.showExchange(e);
      const unreachable = e.flags.includes('upstream-unreachable');
      rows.push({
        atMs: e.startMs,
        order: 0,
        el: arrowRow({
          atMs: e.startMs,
          span: unreachable ? 'client-proxy' : 'client-server',
          dir: 'right',
          label: `${e.method} ${e.path}${e.query ? `?${e.query}` : ''}`,
          detail: op ?? (e.kind === 'websocket' ? 'WebSocket upgrade' : ''),
          kind: 'request',
          id: String(e.id),
          onClick: open,
        }),
      });
      const answeredAt = e.firstByteMs ?? e.endMs;
      if (answeredAt !== null || e.status !== null) {
        const at = answeredAt ?? e.startMs;
        const code = statusCodeOf(e);
        const bad =
          (e.status !== null && e.status >= 400) || (code !== null && code !== 0) || e.error !== null;
        rows.push({
          atMs: at,
          order: 1,
          el: arrowRow({
            atMs: at,
            span: unreachable ? 'client-proxy' : 'client-server',
            dir: 'left',
            label: `${e.status ?? 'no status'}${code !== null ? ` · statusCode ${code}` : ''}`,
            detail: `${fmtDuration(at - e.startMs)}${e.error ? ` · ${e.error}` : ''}`,
            bad,
            kind: 'response',
            id: String(e.id),
            onClick: open,
          }),
        });
      }
    }
    for (const m of messages) {
      if (!showMeta.checked && m.channel?.startsWith('/meta/')) continue;
      rows.push({
        atMs: m.atMs,
        order: 2,
        el: arrowRow({
          atMs: m.atMs,
          span: 'client-server',
          dir: m.direction === 'to-server' ? 'right' : 'left',
          label: m.channel ?? '(no channel)',
          detail: `${notificationLabel(m)} · ${m.transport}`,
          bad: m.successful === false,
          kind: m.direction === 'to-client' ? 'notification' : 'message',
          id: String(m.id),
          onClick: () => ctx.details.showMessage(m),
        }),
      });
    }
    return rows.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  };

  /** Next page: both streams from the cursor; rows past the earlier stream's last row wait for the next page. */
  const loadPage = async () => {
    const gen = generation;
    const f = ctx.filters();
    const toMs = f.toMs;
    const [ex, ms] = await Promise.all([
      ctx.api.exchanges({ fromMs: cursorMs, toMs, text: f.call || undefined, limit: PAGE_ROWS }),
      ctx.api.messages({
        fromMs: cursorMs,
        toMs,
        channel: f.channel || undefined,
        text: f.call || undefined,
        limit: PAGE_ROWS,
      }),
    ]);
    if (gen !== generation) return;
    const full = (page) => page.items.length === PAGE_ROWS;
    const lastAt = (page, at) =>
      full(page) ? at(page.items[page.items.length - 1]) : Number.POSITIVE_INFINITY;
    const cutoff = Math.min(
      lastAt(ex, (e) => e.startMs),
      lastAt(ms, (m) => m.atMs),
    );
    const fresh = (kind, row, at) => at <= cutoff && !seen.has(`${kind}:${row.id}`);
    const exchanges = ex.items.filter((e) => fresh('e', e, e.startMs));
    const messages = ms.items.filter((m) => fresh('m', m, m.atMs));
    for (const e of exchanges) {
      seen.add(`e:${e.id}`);
      lastSeenMs = Math.max(lastSeenMs, e.startMs);
    }
    for (const m of messages) {
      seen.add(`m:${m.id}`);
      lastSeenMs = Math.max(lastSeenMs, m.atMs);
    }
    list.append(...rowsOf(exchanges, messages).map((r) => r.el));
    exhausted = cutoff === Number.POSITIVE_INFINITY;
    // At the end, the next (live) page starts at the last row shown; `seen` drops the rows at that instant.
    cursorMs = exhausted ? Math.max(cursorMs, lastSeenMs) : cutoff;
    more.hidden = exhausted;
    ctx.notice(
      `${seen.size} rows of ${ex.total + ms.total} from ${fmtAt(f.fromMs ?? 0)}${exhausted ? '' : ' (more below)'}`,
    );
  };

  const reset = async () => {
    generation++;
    clear(list);
    seen = new Set();
    cursorMs = ctx.filters().fromMs ?? 0;
    lastSeenMs = cursorMs;
    exhausted = false;
    await loadPage();
  };

  more.addEventListener('click', () => loadPage());
  showMeta.addEventListener('change', () => reset());
  showTransport.addEventListener('change', () => reset());

  return {
    reload: reset,
    /** Live rows: fetch what came after the last page, if the reader is at the end. */
    async onLive() {
      if (exhausted) await loadPage();
    },
  };
};
