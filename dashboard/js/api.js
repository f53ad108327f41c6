// Fetches the dashboard's JSON API; errors come back as the API's { error, message } shape, thrown as ApiError.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? null;
  }
}

/** GET /api/...; params with undefined, null or '' values are left out. */
export const getJson = async (path, params = {}) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const qs = query.toString();
  const response = await fetch(qs ? `${path}?${qs}` : path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
};

export const sessionApi = (id) => {
  const base = `/api/sessions/${encodeURIComponent(id)}`;
  return {
    session: () => getJson(base),
    analysis: () => getJson(`${base}/analysis`),
    calls: (params) => getJson(`${base}/calls`, params),
    operations: (params) => getJson(`${base}/operations`, params),
    transfers: (params) => getJson(`${base}/transfers`, params),
    anomalies: (params) => getJson(`${base}/anomalies`, params),
    messages: (params) => getJson(`${base}/messages`, params),
    exchanges: (params) => getJson(`${base}/exchanges`, params),
    exchange: (exchangeId) => getJson(`${base}/exchanges/${encodeURIComponent(exchangeId)}`),
    eventsUrl: `${base}/events`,
  };
};
