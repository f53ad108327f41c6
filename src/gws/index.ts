// Public face of the gws part: types, constants and tiny pure readers of GWS API v2 Voice API shapes.
export * from './constants.js';
export * from './resource-paths.js';
export type * from './types.js';
