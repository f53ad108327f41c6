// The client actions before one recorded notification, indexed the way the anchoring asks: latest per call, per resource.
import { API_PREFIX, GWS_CHANNELS } from '../gws/index.js';
import type { Exchange } from '../store/index.js';
import type { ClientAction } from './anchor-notifications.js';
import { callsOfRequest, isReadMethod } from './call-family.js';

/**
 * Requests that cause notifications on a channel that is about no call, by path: `under` a path or
 * `exactly` one. Reads never count.
 */
export const CHANNEL_CAUSES: ReadonlyArray<{
  channel: string;
  under: readonly string[];
  exactly: readonly string[];
}> = [
  {
    channel: GWS_CHANNELS.devices,
    under: [`${API_PREFIX}/me/devices`, `${API_PREFIX}/me/channels`],
    exactly: [`${API_PREFIX}/me`],
  },
  {
    channel: GWS_CHANNELS.channels,
    under: [`${API_PREFIX}/me/channels`, `${API_PREFIX}/me/devices`],
    exactly: [`${API_PREFIX}/me`],
  },
  { channel: GWS_CHANNELS.me, under: [], exactly: [`${API_PREFIX}/me`] },
];

const pathOnly = (path: string): string => {
  const scheme = path.indexOf('://');
  const slash = scheme === -1 ? 0 : path.indexOf('/', scheme + 3);
  const rest = slash === -1 ? '' : path.slice(slash);
  return rest.replace(/[?#].*$/, '').replace(/\/+$/, '');
};

/** Channels of CHANNEL_CAUSES whose notifications a request may cause. */
const channelsCausedBy = (exchange: Exchange): string[] => {
  if (isReadMethod(exchange.method)) return [];
  const path = pathOnly(exchange.path);
  return CHANNEL_CAUSES.filter(
    (c) => c.exactly.includes(path) || c.under.some((p) => path === p || path.startsWith(`${p}/`)),
  ).map((c) => c.channel);
};

/** What the anchoring knows up to one notification: every action so far, the latest per call and per cause. */
export class ActionsSoFar {
  readonly list: ClientAction[] = [];
  private readonly byCall = new Map<string, ClientAction>();
  private readonly byChannel = new Map<string, ClientAction>();

  constructor(private readonly exchanges: ReadonlyMap<number, Exchange>) {}

  add(action: ClientAction): void {
    this.list.push(action);
    if (action.kind !== 'request') return;
    const exchange = this.exchanges.get(action.exchangeId);
    if (exchange === undefined) return;
    for (const id of callsOfRequest(exchange)) this.byCall.set(id, action);
    for (const channel of channelsCausedBy(exchange)) this.byChannel.set(channel, action);
  }

  /** The latest request on any of these calls; null if none. */
  latestOnCalls(ids: Iterable<string>): ClientAction | null {
    let latest: ClientAction | null = null;
    for (const id of ids) {
      const action = this.byCall.get(id);
      if (action !== undefined && (latest === null || action.atMs > latest.atMs)) latest = action;
    }
    return latest;
  }

  latestCausing(channel: string): ClientAction | null {
    return this.byChannel.get(channel) ?? null;
  }
}
