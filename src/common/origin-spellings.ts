// The ways an origin is written in the URLs a server sends: URL.origin drops a default port a server may keep.

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * `origin` as URL.origin spells it, and with its default port written out (`https://gws.example.com:443`): GWS
 * writes URLs from its externalApiUrlV2 option as it was configured. An origin that names its port is spelled
 * one way only; anything that is no http(s) origin is returned as it is.
 */
export const originSpellings = (origin: string): string[] => {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return [origin];
  }
  const port = DEFAULT_PORTS[url.protocol];
  return port === undefined || url.port !== '' ? [url.origin] : [url.origin, `${url.origin}:${port}`];
};
