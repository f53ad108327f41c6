// The marker the recorder writes in place of a secret: replay and import read it, the proxy writes it.

/** What stands in a recording where a secret was; replay mints a fresh secret wherever it finds it. */
export const REDACTED = '[REDACTED]';
