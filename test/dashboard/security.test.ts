import { describe, expect, it, onTestFinished } from 'vitest';
import {
  buildDashboardApp,
  CONTENT_SECURITY_POLICY,
  createDashboard,
  isLoopbackHost,
} from '../../src/dashboard/index.js';
import { seedStore } from '../helpers/dashboard-fixtures.js';

const appWith = async (options: { token?: string } = {}) => {
  const app = await buildDashboardApp({ store: seedStore().store, ...options });
  onTestFinished(() => app.close());
  return app;
};

describe('dashboard binding', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('treats %s as loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('refuses a non-loopback host without a token, saying how to fix it', async () => {
    await expect(buildDashboardApp({ store: seedStore().store, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'VCR_DASHBOARD_UNSAFE_HOST',
      message: expect.stringContaining('without a token'),
      hint: expect.stringContaining('--token'),
    });
  });

  it('listens on 127.0.0.1 by default and reports the port it really bound', async () => {
    const dashboard = await createDashboard({ store: seedStore().store, port: 0 });
    onTestFinished(() => dashboard.close());
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${dashboard.url}/api/sessions`);
    expect(response.status).toBe(200);
    await dashboard.close();
    await dashboard.close(); // idempotent
  });

  it('refuses a port in use, naming the dashboard and the port, with what to do', async () => {
    const first = await createDashboard({ store: seedStore().store, port: 0 });
    onTestFinished(() => first.close());
    const port = Number(new URL(first.url).port);
    await expect(createDashboard({ store: seedStore().store, port })).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining(`the dashboard cannot listen on 127.0.0.1:${port}: `),
      hint: expect.stringContaining('--port'),
    });
  });
});

describe('dashboard token', () => {
  it('answers 401 without the token, on pages and API alike', async () => {
    const app = await appWith({ token: 's3cret' });
    for (const url of ['/', '/session.html', '/api/sessions', '/api/sessions/1/messages']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json()).toMatchObject({ error: 'VCR_DASHBOARD_UNAUTHORIZED' });
    }
    expect(
      (await app.inject({ url: '/api/sessions', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
  });

  it('accepts Authorization: Bearer', async () => {
    const app = await appWith({ token: 's3cret' });
    const response = await app.inject({ url: '/api/sessions', headers: { authorization: 'Bearer s3cret' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toHaveLength(1);
  });

  it('turns ?token= into an HttpOnly cookie, drops it from a page URL, and accepts the cookie afterwards', async () => {
    const app = await appWith({ token: 's3cret' });
    const first = await app.inject({ url: '/session.html?id=1&token=s3cret' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/session.html?id=1');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^gws_vcr_token=s3cret;.*HttpOnly/);
    expect(cookie).toContain('SameSite=Strict');
    const page = await app.inject({ url: '/session.html?id=1', headers: { cookie: 'gws_vcr_token=s3cret' } });
    expect(page.statusCode).toBe(200);
    const api = await app.inject({ url: '/api/sessions?token=s3cret' });
    expect(api.statusCode).toBe(200);
  });
});

describe('dashboard headers and paths', () => {
  it('sends the Content-Security-Policy and friends on pages, API answers and errors', async () => {
    const app = await appWith();
    for (const url of ['/', '/session.html', '/api/sessions', '/api/sessions/99', '/no-such-page']) {
      const response = await app.inject({ url });
      expect(response.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('serves pages with no inline script, only files of its own origin', async () => {
    const app = await appWith();
    for (const url of ['/', '/session.html']) {
      const html = (await app.inject({ url })).body;
      const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
      expect(scripts.length, url).toBeGreaterThan(0);
      for (const [tag, body] of scripts) {
        expect(body?.trim(), url).toBe('');
        expect(tag).toMatch(/src="\/(js|vendor)\//);
      }
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/\sstyle=/i);
    }
  });

  it('serves the timeline library from node_modules through fixed routes only', async () => {
    const app = await appWith();
    const js = await app.inject({ url: '/vendor/vis-timeline.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ url: '/vendor/vis-timeline.css' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/vendor/moment.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/vendor/vis-data.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/vendor/package.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/node_modules/vis-timeline/package.json' })).statusCode).toBe(404);
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/js/..%2f..%2fpackage.json',
    '/js/%2e%2e/%2e%2e/package.json',
    '/..%5cpackage.json',
    '/vendor/..%2f..%2fpackage.json',
    '/css/../../src/dashboard/app.ts',
    '/..%2f..%2f..%2fetc%2fpasswd',
  ])('does not serve files outside dashboard/: %s', async (url) => {
    const app = await appWith();
    const response = await app.inject({ url });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.body).not.toContain('"name": "gws-vcr"');
    expect(response.body).not.toContain('buildDashboardApp');
    expect(response.body).not.toContain('root:');
  });

  it('answers only requests addressed to a loopback name when there is no token (DNS rebinding)', async () => {
    const app = await appWith();
    const rebound = await app.inject({ url: '/api/sessions', headers: { host: 'attacker.example:3000' } });
    expect(rebound.statusCode).toBe(403);
    const local = await app.inject({ url: '/api/sessions', headers: { host: 'localhost:3000' } });
    expect(local.statusCode).toBe(200);
  });
});
