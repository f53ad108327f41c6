// The sessions page: every session of the recording, newest first, each linking to its timeline.
import { getJson } from './api.js';
import { $, clear, fmtDuration, h } from './dom.js';

const POLL_MS = 2000;

const stateOf = (s) => {
  if (s.isLive) return h('span', { className: 'badge live' }, 'recording (live)');
  if (s.endedAt === null) return h('span', { className: 'badge open' }, 'open');
  return h('span', { className: 'badge' }, 'ended');
};

const row = (s) =>
  h(
    'tr',
    { dataset: { sessionId: s.id } },
    h('td', {}, h('a', { href: `/session.html?id=${s.id}` }, String(s.id))),
    h('td', {}, h('a', { href: `/session.html?id=${s.id}` }, s.name ?? '(unnamed)')),
    h('td', {}, new Date(s.originWallMs).toLocaleString()),
    h('td', {}, fmtDuration(s.lastAtMs)),
    h('td', {}, s.source),
    h('td', { className: 'mono' }, s.upstream),
    h('td', { className: 'num' }, String(s.exchanges)),
    h('td', { className: 'num' }, String(s.messages)),
    h('td', { className: 'num' }, String(s.frames)),
    h('td', {}, stateOf(s)),
  );

const render = (sessions) => {
  const table = $('#sessions');
  const status = $('#status');
  clear(table.tBodies[0]).append(...[...sessions].reverse().map(row));
  table.hidden = sessions.length === 0;
  status.textContent =
    sessions.length === 0
      ? 'This recording holds no sessions yet. Record one with `gws-vcr record --upstream URL`.'
      : `${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
};

const load = async () => {
  try {
    const { items } = await getJson('/api/sessions');
    render(items);
    document.body.dataset.ready = 'true';
    // Keep the list current while something is still being recorded (by this process or another one).
    if (items.some((s) => s.endedAt === null)) setTimeout(load, POLL_MS);
  } catch (err) {
    $('#status').textContent = `Could not load sessions: ${err.message}`;
  }
};

// Old-style links (`/#/sessions/7`) lead to the session page.
const hashSession = /^#\/sessions\/(\d+)$/.exec(location.hash);
if (hashSession) location.replace(`/session.html?id=${hashSession[1]}`);
else load();
