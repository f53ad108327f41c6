// One session: filters, the timeline / ladder / transfers tabs, the detail panel, and live updates.
import { sessionApi } from './api.js';
import { createDetails } from './details.js';
import { $, debounce, fmtDuration, h, shortId } from './dom.js';
import { createDetailPanel } from './json-panel.js';
import { createLadderView } from './ladder-view.js';
import { watchSession } from './live.js';
import { createTimelineView } from './timeline-view.js';
import { createTransfersView } from './transfers-view.js';

const TABS = ['timeline', 'ladder', 'transfers'];
const params = new URLSearchParams(location.search);
const sessionId = params.get('id');

const numberOrUndefined = (text) => {
  if (text === null || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

/** Filters live in the URL (shareable, survive reloads): call, operation, channel, from and to in seconds. */
const readFilters = () => {
  const q = new URLSearchParams(location.search);
  const seconds = (key) => {
    const n = numberOrUndefined(q.get(key));
    return n === undefined ? undefined : n * 1000;
  };
  return {
    call: q.get('call') || undefined,
    operation: q.get('operation') || undefined,
    channel: q.get('channel') || undefined,
    fromMs: seconds('from'),
    toMs: seconds('to'),
  };
};

const writeFilters = (form) => {
  const q = new URLSearchParams({ id: sessionId });
  for (const key of ['call', 'operation', 'channel', 'from', 'to']) {
    const value = form.elements[key].value.trim();
    if (value) q.set(key, value);
  }
  history.replaceState(null, '', `${location.pathname}?${q}${location.hash}`);
};

const fillForm = (form, filters) => {
  form.elements.call.value = filters.call ?? '';
  form.elements.operation.value = filters.operation ?? '';
  form.elements.channel.value = filters.channel ?? '';
  form.elements.from.value = filters.fromMs === undefined ? '' : String(filters.fromMs / 1000);
  form.elements.to.value = filters.toMs === undefined ? '' : String(filters.toMs / 1000);
};

const fillSelect = (select, values, label) => {
  const current = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const [value, text] of values) select.append(h('option', { value }, text ?? label(value)));
  select.value = current;
};

const showSession = (s) => {
  $('#session-title').textContent = `#${s.id} ${s.name ?? '(unnamed)'}`;
  document.title = `gws-vcr · session ${s.id}`;
  $('#live-badge').hidden = !s.isLive;
  $('#session-facts').textContent =
    `${new Date(s.originWallMs).toLocaleString()} · ${fmtDuration(s.lastAtMs)} · ${s.exchanges} exchanges · ${s.messages} messages`;
};

const main = async () => {
  if (!sessionId) {
    $('#timeline-notice').textContent = 'No session given: open one from the sessions page.';
    return;
  }
  const api = sessionApi(sessionId);
  let [session, analysis] = await Promise.all([api.session(), api.analysis()]);
  showSession(session);

  const form = $('#filters');
  let filters = readFilters();
  const causes = new Map();
  const panel = createDetailPanel($('#detail'));
  const ctx = {
    api,
    session,
    causes,
    filters: () => filters,
    endMs: () => Math.max(analysis.endMs, session.lastAtMs ?? 0),
  };
  ctx.details = createDetails({
    api,
    panel,
    causes,
    onFocus: (kind, id) => views.timeline.focusItem(kind, id),
  });

  const views = {
    timeline: createTimelineView({
      ...ctx,
      notice: (t) => ($('#timeline-notice').textContent = t),
      stopFollowing: () => ($('#follow-live').checked = false),
    }),
    ladder: createLadderView({ ...ctx, notice: (t) => ($('#ladder-notice').textContent = t) }),
    transfers: createTransfersView({ ...ctx, notice: (t) => ($('#transfers-notice').textContent = t) }),
  };
  const loaded = new Set();

  const refreshChoices = async () => {
    const calls = await api.calls({ limit: 1000, view: 'brief' });
    fillSelect(
      form.elements.call,
      calls.items.map((c) => [
        c.id,
        `${'  '.repeat(c.depth)}${c.callType ?? 'Call'} ${shortId(c.id)} ${c.participants.join(', ')}`,
      ]),
    );
    fillSelect(
      form.elements.operation,
      analysis.operationNames.map((n) => [n, n]),
    );
    fillForm(form, filters);
  };

  const currentTab = () => {
    const tab = location.hash.slice(1);
    return TABS.includes(tab) ? tab : 'timeline';
  };

  const showTab = async () => {
    const tab = currentTab();
    for (const section of document.querySelectorAll('.view')) section.hidden = section.dataset.view !== tab;
    for (const link of document.querySelectorAll('#tabs a'))
      link.classList.toggle('active', link.dataset.tab === tab);
    if (!loaded.has(tab)) {
      loaded.add(tab);
      await (tab === 'timeline' ? views.timeline.start() : views[tab].reload());
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    writeFilters(form);
    filters = readFilters();
    loaded.clear();
    loaded.add(currentTab());
    await (currentTab() === 'timeline' ? views.timeline.reload() : views[currentTab()].reload());
  });
  $('#reset-filters').addEventListener('click', () => {
    fillForm(form, {});
    form.requestSubmit();
  });
  $('#zoom-in').addEventListener('click', () => views.timeline.zoom(0.5));
  $('#zoom-out').addEventListener('click', () => views.timeline.zoom(2));
  $('#zoom-fit').addEventListener('click', () => views.timeline.fit());
  window.addEventListener('hashchange', () => showTab());
  $('#follow-live').addEventListener('change', (event) => {
    if (event.target.checked) views.timeline.onLive(true);
  });

  const onGrow = debounce(async (summary) => {
    session = { ...session, ...summary };
    ctx.session = session;
    analysis = await api.analysis();
    showSession(session);
    await refreshChoices();
    const tab = currentTab();
    loaded.clear();
    loaded.add(tab);
    if (tab === 'timeline') await views.timeline.onLive($('#follow-live').checked);
    else await views[tab].onLive();
  }, 250);
  watchSession(api, session, onGrow);

  // the pickers fill in beside the first view, not before it
  fillForm(form, filters);
  await Promise.all([refreshChoices(), showTab()]);
  document.body.dataset.ready = 'true';
};

main().catch((err) => {
  $('#timeline-notice').textContent = `Could not load the session: ${err.message}`;
  document.body.dataset.ready = 'error';
});
