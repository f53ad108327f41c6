// The client actions before one recorded notification, indexed the way the anchoring asks: the latest one, the
// latest per call, per resource, per subscribed pattern, and the latest handshake.
import { channelMatches } from '../bayeux/index.js';
import { underPath } from '../common/under-path.js';
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
    (c) => c.exactly.includes(path) || c.under.some((base) => underPath(base)(path)),
  ).map((c) => c.channel);
};

/** What the anchoring knows up to one notification: the latest action, and the latest of each kind it asks for. */
export class ActionsSoFar {
  /** the action added last; null before the first */
  last: ClientAction | null = null;
  /** the latest handshake; null before the first */
  lastHandshake: ClientAction | null = null;
  private readonly byCall = new Map<string, ClientAction>();
  private readonly byChannel = new Map<string, ClientAction>();
  /** latest subscribe per pattern, least recent first */
  private readonly byPattern = new Map<string, ClientAction>();

  constructor(private readonly exchanges: ReadonlyMap<number, Exchange>) {}

  add(action: ClientAction): void {
    this.last = action;
    if (action.kind === 'handshake') this.lastHandshake = action;
    if (action.kind === 'subscribe') {
      // Deleted first, so the map's order stays the order of the latest subscribe per pattern.
      this.byPattern.delete(action.channel);
      this.byPattern.set(action.channel, action);
    }
    if (action.kind !== 'request') return;
    const exchange = this.exchanges.get(action.exchangeId);
    if (exchange === undefined) return;
    for (const id of callsOfRequest(exchange)) this.byCall.set(id, action);
    for (const channel of channelsCausedBy(exchange)) this.byChannel.set(channel, action);
  }

  /** The latest subscribe whose pattern covers `channel`; null if none. */
  latestSubscribeCovering(channel: string): ClientAction | null {
    let latest: ClientAction | null = null;
    for (const [pattern, action] of this.byPattern) if (channelMatches(pattern, channel)) latest = action;
    return latest;
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
