import {
  BEARER_PROTOCOL_PREFIX,
  EVENT_STREAM_PROTOCOL,
  PROCEDURE_ROUTES,
  serverMessageSchema,
} from '@shotline/core';
import { z } from 'zod';
import { LAB_ROUTES, healthSchema } from '../api/lab-api.js';
import type { RoutePlugin } from './route-plugin.js';

/** `/health` (no token: says only whether the server is up), `/metrics` and the OpenAPI document. */
export const operationsRoutes: RoutePlugin = async (app, { context }) => {
  app.get(
    LAB_ROUTES.health,
    {
      config: { scope: 'public' },
      schema: { summary: 'Liveness', tags: ['operations'], response: { 200: healthSchema } },
    },
    async () => ({
      status: context.closing() ? ('closing' as const) : ('ok' as const),
      labLock: context.labLockHeld() ? ('held' as const) : ('waiting' as const),
    }),
  );

  app.get(
    LAB_ROUTES.metrics,
    {
      config: { scope: 'read' },
      schema: { summary: 'Prometheus metrics (text exposition)', tags: ['operations'] },
    },
    async (_request, reply) =>
      reply.type(context.metrics.registry.contentType).send(await context.metrics.text()),
  );

  app.get(
    LAB_ROUTES.openapi,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'This API as an OpenAPI 3 document',
        tags: ['operations'],
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => ({
      ...(app.swagger() as unknown as Record<string, unknown>),
      // WebSocket routes are not OpenAPI operations: the stream's messages are described here.
      'x-shotline-event-stream': {
        path: PROCEDURE_ROUTES.events,
        subprotocol: EVENT_STREAM_PROTOCOL,
        tokenSubprotocolPrefix: BEARER_PROTOCOL_PREFIX,
        messages: z.toJSONSchema(serverMessageSchema, { io: 'input', unrepresentable: 'any' }),
      },
    }),
  );
};
