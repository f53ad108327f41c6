// Tells the page when its session grew: Server-Sent Events under `record --dashboard`, polling for a file another process writes.

const POLL_MS = 2000;

/**
 * watch(api, session, onGrow): calls onGrow(summary) after new rows arrive; returns a stop function.
 * A live session (isLive) streams `rows` events; an open one (endedAt null) is polled for changed counts;
 * an ended one is left alone.
 */
export const watchSession = (api, session, onGrow) => {
  let stopped = false;
  let timer = null;
  let source = null;
  let last = `${session.exchanges}:${session.messages}:${session.endedAt}`;

  const check = async () => {
    timer = null;
    if (stopped) return;
    try {
      const summary = await api.session();
      const now = `${summary.exchanges}:${summary.messages}:${summary.endedAt}`;
      if (now !== last) {
        last = now;
        onGrow(summary);
      }
      if (summary.endedAt !== null && !summary.isLive) return; // finished: nothing more will come
    } catch {
      // the dashboard restarting or the file busy: try again next round
    }
    if (!stopped) timer = setTimeout(check, POLL_MS);
  };

  if (session.isLive && typeof EventSource === 'function') {
    source = new EventSource(api.eventsUrl);
    let pending = false;
    source.addEventListener('rows', () => {
      // rows reach the store a batch window after the event: ask for the summary a moment later
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        check();
      }, 300);
    });
    source.addEventListener('error', () => {
      // the recorder stopped: fall back to polling until the session shows as ended
      source?.close();
      source = null;
      if (!timer && !stopped) timer = setTimeout(check, POLL_MS);
    });
  } else if (session.endedAt === null) {
    timer = setTimeout(check, POLL_MS);
  }

  return () => {
    stopped = true;
    source?.close();
    clearTimeout(timer);
  };
};
