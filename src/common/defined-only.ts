// Drops an options object's keys whose value is undefined, so spreading it over defaults keeps the defaults.

/** `T` with its undefined values gone: each key is absent or holds a defined value. */
export type DefinedOnly<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

export const definedOnly = <T extends object>(o: T): DefinedOnly<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as DefinedOnly<T>;
