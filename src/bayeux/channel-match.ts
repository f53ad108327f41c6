// Bayeux channel names and wildcard patterns (Bayeux 1.0 §2.2): which channels a subscription covers.

/** A channel name is absolute and made of non-empty segments: `/a/b`. */
export const isValidChannel = (name: string): boolean => {
  if (name.length < 2 || name[0] !== '/') return false;
  const segments = name.slice(1).split('/');
  return segments.every((segment, index) => {
    if (segment.length === 0) return false;
    // §2.2.1: a wildcard is only ever the whole last segment.
    if (segment.includes('*')) return index === segments.length - 1 && (segment === '*' || segment === '**');
    return true;
  });
};

export const isWildcard = (pattern: string): boolean => pattern.endsWith('/*') || pattern.endsWith('/**');

export const isMetaChannel = (name: string): boolean => name === '/meta' || name.startsWith('/meta/');

/** §2.2.2: service channels are request/response; what is published there is never broadcast. */
export const isServiceChannel = (name: string): boolean =>
  name === '/service' || name.startsWith('/service/');

/**
 * Does `pattern` cover `channel`? `/a/*` covers `/a/b` only; `/a/**` covers `/a/b` and `/a/b/c`;
 * anything else must be equal (Bayeux §2.2.1).
 */
export const channelMatches = (pattern: string, channel: string): boolean => {
  if (pattern === channel) return true;
  if (pattern.endsWith('/**')) {
    const prefix = pattern.slice(0, -2);
    return channel.startsWith(prefix) && channel.length > prefix.length;
  }
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -1);
    return (
      channel.startsWith(prefix) && channel.length > prefix.length && !channel.includes('/', prefix.length)
    );
  }
  return false;
};
