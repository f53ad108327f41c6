// How deep JSON text nests: what a peer sends may parse, yet overflow the stack of whoever walks or re-encodes it.

/**
 * Deepest nesting of arrays and objects gws-vcr reads as data. GWS and Bayeux messages nest a handful of
 * levels; JSON.parse reads a hundred thousand, but JSON.stringify and every recursive walk overflow the
 * stack a few thousand levels down.
 */
export const MAX_JSON_NESTING = 512;

/** Whether JSON text nests arrays and objects deeper than `max` (brackets inside strings do not count). */
export const isNestedDeeperThan = (text: string, max = MAX_JSON_NESTING): boolean => {
  // Each level takes an opening and a closing character: shorter text cannot be deeper.
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let isInString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isInString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) isInString = false;
    } else if (c === 0x22) isInString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
};
