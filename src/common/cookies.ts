// Reads one cookie from a Cookie request header (RFC 6265 §5.4: `name=value` pairs separated by `;`).

/** The raw value of cookie `name` in a Cookie header (the first of that name); undefined if absent. */
export const cookieValue = (header: string | undefined, name: string): string | undefined => {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
};
