// Device configuration forms: JSON Schema generated from each plugin's zod schema.
import { createSimulatedLab } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.js';
import { LabServer } from '../lab-server.js';

const TIMEOUT = 60_000;
const servers: LabServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('device configuration forms', () => {
  it(
    'gives the JSON Schema of every device type and names the known ones for an unknown type',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab();
      const server = await LabServer.create({
        storage: lab.storage,
        registry: lab.registry,
        logger: false,
      });
      servers.push(server);
      await server.listen({ port: 0 });
      const { token } = await createApiToken(lab.storage, 'reader', ['read']);
      const get = async (url: string) => {
        const r = await server.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
      };
      const types = (await get('/api/device-types')).body as unknown as { type: string }[];
      expect(types.length).toBeGreaterThan(0);
      for (const { type } of types) {
        const form = await get(`/api/device-type/schema?type=${encodeURIComponent(type)}`);
        expect(form.status).toBe(200);
        expect(form.body.type).toBe(type);
        const schema = form.body.schema as { $schema?: string; type?: string; anyOf?: unknown };
        expect(schema.$schema).toMatch(/json-schema/);
        expect(schema.type === 'object' || schema.anyOf !== undefined).toBe(true);
      }
      const unknown = await get('/api/device-type/schema?type=acme.nothing');
      expect(unknown.status).toBe(404);
      expect(JSON.stringify(unknown.body)).toContain(types[0]!.type);
    },
  );
});
