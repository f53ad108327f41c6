// Makes the upstream's Set-Cookie work on the proxy's origin (other host, maybe http where the upstream is https).

export interface CookieRewrite {
  /** upstream is https and the proxy http: a browser drops `Secure` cookies from an http origin */
  isDowngrade: boolean;
}

/**
 * Rewrites one Set-Cookie value for the client.
 * - `Domain` is removed: it names the upstream's host, and a host-only cookie is what fits the proxy.
 * - On a downgrade, `Secure` and `Partitioned` (which requires Secure) are removed, and `SameSite=None`
 *   (also only valid with Secure) is removed so the browser's default (Lax) applies.
 * Cookie name and value are kept byte for byte; the server must get back exactly what it set.
 */
export const rewriteSetCookie = (value: string, rewrite: CookieRewrite): string => {
  const parts = value.split(';');
  const [nameValue, ...attributes] = parts;
  if (nameValue === undefined || attributes.length === 0) return value;
  const kept = attributes.filter((attribute) => {
    const name = attribute.split('=', 1)[0]?.trim().toLowerCase() ?? '';
    if (name === 'domain') return false;
    if (!rewrite.isDowngrade) return true;
    if (name === 'secure' || name === 'partitioned') return false;
    if (name === 'samesite') return attribute.split('=')[1]?.trim().toLowerCase() !== 'none';
    return true;
  });
  if (kept.length === attributes.length) return value;
  return [nameValue, ...kept].join(';');
};
