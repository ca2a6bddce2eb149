// The web control room's static files next to the API: public page, cached assets, API untouched.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedLab } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LabServer } from '../lab-server.js';
import { ASSET_CACHE_CONTROL, PAGE_CACHE_CONTROL } from './web-routes.js';

const TIMEOUT = 60_000;
const servers: LabServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serveWithRoot() {
  const root = await mkdtemp(join(tmpdir(), 'shotline-web-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>shotline</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  const lab = await createSimulatedLab();
  const server = await LabServer.create({
    storage: lab.storage,
    registry: lab.registry,
    logger: false,
    webRoot: root,
  });
  servers.push(server);
  await server.listen({ port: 0 });
  return server;
}

describe('the web control room', () => {
  it(
    'serves the page without a token, revalidated, with a strict policy',
    { timeout: TIMEOUT },
    async () => {
      const server = await serveWithRoot();
      const page = await server.app.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe(PAGE_CACHE_CONTROL);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(page.body).toContain('<title>shotline</title>');
    },
  );

  it(
    'serves hashed assets for a year and nothing outside its folder',
    { timeout: TIMEOUT },
    async () => {
      const server = await serveWithRoot();
      const asset = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe(ASSET_CACHE_CONTROL);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      const missing = await server.app.inject({ method: 'GET', url: '/assets/nope.js' });
      expect(missing.statusCode, missing.body).toBe(404);
      const escape = await server.app.inject({
        method: 'GET',
        url: '/assets/..%2f..%2fetc%2fpasswd',
      });
      expect([403, 404]).toContain(escape.statusCode);
      expect(escape.body).not.toContain('root:');
    },
  );

  it(
    'leaves the API, its authentication and its 404s as they were',
    { timeout: TIMEOUT },
    async () => {
      const server = await serveWithRoot();
      expect((await server.app.inject({ method: 'GET', url: '/api/sequences' })).statusCode).toBe(
        401,
      );
      // A path that is neither the page nor an asset is the API's: it needs a token, as before.
      const other = await server.app.inject({ method: 'GET', url: '/secret.txt' });
      expect(other.statusCode).toBe(401);
      expect((JSON.parse(other.body) as { error: { code: string } }).error.code).toBe(
        'UNAUTHENTICATED',
      );
      expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    },
  );

  it('is absent without a web root', { timeout: TIMEOUT }, async () => {
    const lab = await createSimulatedLab();
    const server = await LabServer.create({
      storage: lab.storage,
      registry: lab.registry,
      logger: false,
    });
    servers.push(server);
    await server.listen({ port: 0 });
    const page = await server.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(401);
    expect(page.body).not.toContain('<title>');
  });
});
