// Serves the pages from dashboard/ and the timeline library from node_modules through fixed routes, nothing else.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** The repository's top-level dashboard/ folder. */
export const DEFAULT_PAGES_DIR = join(import.meta.dirname, '..', '..', 'dashboard');

/**
 * URL under /vendor/ -> [package, file inside it]. A fixed table, not a folder mount, so no request can name
 * any other file of node_modules. vis-timeline's "peer" build is used because its standalone build injects an
 * inline <style>, which the Content-Security-Policy forbids; its stylesheet is served as a file instead.
 */
export const VENDOR_FILES: Readonly<Record<string, readonly [pkg: string, file: string]>> = {
  'moment.js': ['moment', 'min/moment.min.js'],
  'vis-data.js': ['vis-data', 'standalone/umd/vis-data.min.js'],
  'vis-timeline.js': ['vis-timeline', 'peer/umd/vis-timeline-graph2d.min.js'],
  'vis-timeline.css': ['vis-timeline', 'styles/vis-timeline-graph2d.min.css'],
};

const require = createRequire(import.meta.url);
const packageDir = (pkg: string): string => dirname(require.resolve(`${pkg}/package.json`));

export interface StaticRoutesOptions {
  pagesDir: string;
}

export const staticRoutes: FastifyPluginAsync<StaticRoutesOptions> = async (app, { pagesDir }) => {
  // @fastify/static (through `send`) refuses paths that climb out of root, encoded or not, and dotfiles.
  await app.register(fastifyStatic, { root: pagesDir, prefix: '/', index: ['index.html'], dotfiles: 'deny' });

  for (const [name, [pkg, file]] of Object.entries(VENDOR_FILES)) {
    const dir = join(packageDir(pkg), dirname(file));
    const base = file.slice(file.lastIndexOf('/') + 1);
    app.get(`/vendor/${name}`, (_request, reply) => reply.sendFile(base, dir));
  }
};
