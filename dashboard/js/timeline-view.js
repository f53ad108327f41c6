// The timeline: a lane per call (consults under their parent), state bars, request markers, notifications, links.
import { $, clear } from './dom.js';
import { timelineData } from './timeline-items.js';

/**
 * A big session opens on its first calls only: vis-timeline draws every lane it is given, and a screen shows
 * about ten; zooming out then loads up to LIMITS.calls.
 */
const FIRST_CALLS = 30;
/** At most this many of each are drawn per window; beyond that the page asks to zoom in or filter. */
const LIMITS = { calls: 100, operations: 1000, notifications: 2000 };
const SVG_NS = 'http://www.w3.org/2000/svg';
/** While following a live session, the window grows up to this span, then slides. */
const FOLLOW_MAX_SPAN_MS = 5 * 60_000;

/**
 * ctx: { api, session, endMs(), filters(), details, causes: Map, notice(text) }
 * Returns { start(), reload(), onLive(), focusItem(kind, id), window() }.
 */
export const createTimelineView = (ctx) => {
  const container = $('#timeline');
  const origin = ctx.session.originWallMs;
  const toDate = (ms) => new Date(origin + ms);
  const msOf = (date) => date.valueOf() - origin;

  const items = new vis.DataSet();
  const groups = new vis.DataSet();
  const byId = new Map(); // item id -> { kind, data }
  const calls = new Map();
  let selectedOp = null;
  let loaded = null;
  let generation = 0;

  const bounds = () => {
    const end = Math.max(ctx.endMs(), 1000);
    // room on the right for the labels of the last points (see initialWindow)
    const pad = end * 0.05 + 500;
    return { min: toDate(-pad), max: toDate(end + pad * 4) };
  };

  const timeline = new vis.Timeline(container, items, groups, {
    stack: true,
    stackSubgroups: true,
    groupOrder: 'order',
    margin: { item: { horizontal: 0, vertical: 3 }, axis: 4 },
    orientation: { axis: 'top', item: 'top' },
    zoomMin: 1,
    ...bounds(),
    showCurrentTime: false,
    selectable: true,
    multiselect: false,
    verticalScroll: true,
    maxHeight: '68vh',
    minHeight: '220px',
    xss: { disabled: false },
  });

  const overlay = document.createElementNS(SVG_NS, 'svg');
  overlay.classList.add('link-overlay');
  container.appendChild(overlay);

  /** Lines from the selected request to each notification it caused, redrawn after every render. */
  const drawLinks = () => {
    while (overlay.firstChild) overlay.removeChild(overlay.firstChild);
    if (!selectedOp) return;
    const box = container.getBoundingClientRect();
    const centre = (el) => {
      const r = (el.querySelector('.vis-dot') ?? el).getBoundingClientRect();
      return { x: r.left + r.width / 2 - box.left, y: r.top + r.height / 2 - box.top };
    };
    const from = container.querySelector(`.vis-item.vis-box.op-${selectedOp.exchangeId}`);
    if (!from) return;
    const a = centre(from);
    for (const n of selectedOp.notifications) {
      const to = container.querySelector(`.vis-item.vis-point.msg-${n.messageRowId}`);
      if (!to) continue;
      const b = centre(to);
      const line = document.createElementNS(SVG_NS, 'line');
      for (const [k, v] of Object.entries({ x1: a.x, y1: a.y, x2: b.x, y2: b.y }))
        line.setAttribute(k, String(v));
      line.classList.add(n.isExpected ? 'link-expected' : 'link-other');
      overlay.appendChild(line);
    }
  };
  timeline.on('changed', drawLinks);

  const selectOperation = (op) => {
    selectedOp = op;
    const ids = [`op:${op.exchangeId}`, ...op.notifications.map((n) => `m:${n.messageRowId}`)];
    timeline.setSelection(ids.filter((id) => items.get(id) !== null));
    drawLinks();
  };

  timeline.on('select', ({ items: selected }) => {
    const entry = byId.get(selected[0]);
    selectedOp = null;
    if (!entry) return drawLinks();
    switch (entry.kind) {
      case 'operation':
        ctx.details.showOperation(entry.data);
        return selectOperation(entry.data);
      case 'notification':
        ctx.details.showMessage(entry.data);
        break;
      case 'state':
        ctx.details.openMessage(entry.data.messageRowId, entry.data.atMs);
        break;
    }
    drawLinks();
  });

  timeline.on('click', (props) => {
    if (props.what === 'group-label' && calls.has(props.group)) ctx.details.showCall(calls.get(props.group));
  });

  /**
   * Lanes are loaded for half a window either side of the view, so panning finds them ready; only the calls alive
   * in the view itself are shown, so the screen is not filled with empty lanes.
   */
  const laneVisible = (groupId, win) => {
    const call = calls.get(groupId);
    if (!call) return true; // the device lane
    return call.firstSeenMs <= msOf(win.end) && call.untilMs >= msOf(win.start);
  };

  const showLanesInView = () => {
    const win = timeline.getWindow();
    const changed = groups
      .get()
      .filter((g) => g.visible !== laneVisible(g.id, win))
      .map((g) => ({ id: g.id, visible: !g.visible }));
    if (changed.length) groups.update(changed);
  };

  const render = (callPage, opPage, notePage) => {
    const next = timelineData(callPage, opPage, notePage, { toDate, withDeviceLane: !ctx.filters().call });
    const nextGroups = next.groups;
    const nextItems = next.items;
    byId.clear();
    calls.clear();
    for (const [id, entry] of next.byId) byId.set(id, entry);
    for (const call of callPage.items) calls.set(call.id, call);
    for (const op of opPage.items) {
      for (const n of op.notifications) ctx.causes.set(n.messageRowId, op);
    }
    const keepGroups = new Set(nextGroups.map((g) => g.id));
    const keepItems = new Set(nextItems.map((i) => i.id));
    items.remove(items.getIds().filter((id) => !keepItems.has(id)));
    groups.remove(groups.getIds().filter((id) => !keepGroups.has(id)));
    for (const g of nextGroups) g.visible = laneVisible(g.id, timeline.getWindow());
    groups.update(nextGroups);
    items.update(nextItems);

    const notes = [];
    if (callPage.total > callPage.items.length) {
      notes.push(`${callPage.items.length} of ${callPage.total} calls in this window`);
    }
    if (notePage.total > notePage.items.length) {
      notes.push(`${notePage.items.length} of ${notePage.total} notifications`);
    }
    if (opPage.total > opPage.items.length) notes.push(`${opPage.items.length} of ${opPage.total} requests`);
    ctx.notice(
      notes.length
        ? `Showing ${notes.join(', ')}: zoom in or filter to see the rest.`
        : callPage.total === 0
          ? 'No calls in this window.'
          : '',
    );
    container.dataset.lanes = String(nextGroups.length);
  };

  /** Loads the visible window plus half a window either side, unless that is already loaded. */
  const load = async (force = false) => {
    const win = timeline.getWindow();
    const viewFrom = msOf(win.start);
    const viewTo = msOf(win.end);
    const key = JSON.stringify(ctx.filters());
    if (!force && loaded && loaded.key === key && loaded.fromMs <= viewFrom && loaded.toMs >= viewTo) return;
    const span = viewTo - viewFrom;
    const wantFromMs = viewFrom - span / 2;
    const fromMs = Math.max(0, wantFromMs);
    const toMs = viewTo + span / 2;
    const gen = ++generation;
    const f = ctx.filters();
    const q = { fromMs, toMs, call: f.call, operation: f.operation };
    container.classList.add('loading');
    try {
      const [callPage, opPage, notePage] = await Promise.all([
        ctx.api.calls({ ...q, limit: LIMITS.calls }),
        ctx.api.operations({ ...q, limit: LIMITS.operations }),
        ctx.api.messages({
          fromMs,
          toMs,
          direction: 'to-client',
          channel: f.channel || '/v2/**',
          text: f.call || undefined,
          limit: LIMITS.notifications,
        }),
      ]);
      if (gen !== generation) return;
      render(callPage, opPage, notePage);
      // A list cut by its limit is complete only up to its last row: panning past that loads again.
      const completeUntil = (page, at) =>
        page.total > page.items.length && page.items.length > 0 ? Math.max(...page.items.map(at)) : toMs;
      loaded = {
        fromMs: wantFromMs,
        toMs: Math.min(
          completeUntil(callPage, (c) => c.firstSeenMs),
          completeUntil(opPage, (op) => op.startMs),
          completeUntil(notePage, (m) => m.atMs),
        ),
        key,
      };
      container.dataset.loaded = String(gen);
    } catch (err) {
      if (gen === generation) ctx.notice(`Could not load the timeline: ${err.message}`);
    } finally {
      if (gen === generation) container.classList.remove('loading');
    }
  };

  // Windows this view sets itself load explicitly; only the user's panning and zooming load from here.
  timeline.on('rangechanged', ({ byUser }) => {
    showLanesInView();
    if (byUser) load();
  });
  // Panning or zooming by hand stops following a live session; the checkbox turns it back on.
  timeline.on('rangechange', ({ byUser }) => {
    if (byUser) ctx.stopFollowing?.();
  });

  /** The first window: the filter's time window, else the whole session, else (big sessions) its first calls. */
  const initialWindow = async () => {
    const f = ctx.filters();
    const end = ctx.endMs();
    let fromMs = f.fromMs ?? 0;
    let toMs = f.toMs ?? end;
    if (f.fromMs === undefined && f.toMs === undefined) {
      const first = await ctx.api.calls({
        call: f.call,
        operation: f.operation,
        limit: FIRST_CALLS,
        view: 'brief',
      });
      if (first.items.length > 0) {
        fromMs = Math.min(...first.items.map((c) => c.firstSeenMs));
        toMs =
          first.total > first.items.length
            ? Math.max(...first.items.map((c) => c.firstSeenMs))
            : Math.max(...first.items.map((c) => c.untilMs), fromMs + 1);
      }
    }
    // more room on the right: the labels of the last points extend rightwards
    const span = Math.max(toMs - fromMs, 100);
    return { fromMs: fromMs - span * 0.04, toMs: toMs + span * 0.12 };
  };

  const setWindow = (fromMs, toMs) => timeline.setWindow(toDate(fromMs), toDate(toMs), { animation: false });

  return {
    async start() {
      const { fromMs, toMs } = await initialWindow();
      setWindow(fromMs, toMs);
      await load(true);
    },
    async reload() {
      loaded = null;
      const { fromMs, toMs } = await initialWindow();
      setWindow(fromMs, toMs);
      await load(true);
    },
    /** New rows arrived: widen the bounds, follow the end if asked, and reload what is visible. */
    async onLive(follow) {
      timeline.setOptions(bounds());
      const f = ctx.filters();
      if (follow && f.fromMs === undefined && f.toMs === undefined) {
        // Show every call, and what came after them (the next poll, which the recorder writes while the
        // server holds it), while that fits in a readable span; past that, slide along with the end.
        const fit = await initialWindow();
        const end = ctx.endMs();
        const toMs = Math.max(fit.toMs, end + (end - fit.fromMs) * 0.05);
        if (toMs - fit.fromMs <= FOLLOW_MAX_SPAN_MS) setWindow(fit.fromMs, toMs);
        else {
          const win = timeline.getWindow();
          const span = msOf(win.end) - msOf(win.start);
          const toMs = end + span * 0.05;
          setWindow(toMs - span, toMs);
        }
      }
      await load(true);
    },
    zoom(factor) {
      if (factor > 1) timeline.zoomOut(factor - 1, { animation: false });
      else timeline.zoomIn(1 - factor, { animation: false });
      return load();
    },
    fit() {
      setWindow(-50, ctx.endMs() + 50);
      return load();
    },
    focusItem(kind, id) {
      const itemId = kind === 'operation' ? `op:${id}` : `m:${id}`;
      if (items.get(itemId)) timeline.setSelection([itemId]);
    },
    selectOperation,
    clear() {
      clear(overlay);
    },
  };
};
