// Public face of the gws part: types and constants of the GWS API v2 Voice API, no logic.
export * from './constants.js';
export type * from './types.js';
