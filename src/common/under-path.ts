// Which request paths belong to a path prefix: the notifications path and every suffix under it.

/**
 * Does a path fall under `base` (the notifications path: itself or any suffix, e.g. `/connect`)? The recorder
 * asks it of every request, so the prefix is worked out once.
 */
export const underPath = (base: string): ((path: string) => boolean) => {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return (path) => path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
};
