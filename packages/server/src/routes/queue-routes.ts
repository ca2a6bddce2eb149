import { randomUUID } from 'node:crypto';
import { QueuedRunNotFoundError, errorResponseSchema } from '@shotline/core';
import { z } from 'zod';
import {
  QUEUE_ROUTES,
  moveRunBodySchema,
  queueListQuerySchema,
  queuedRunParamsSchema,
  queuedRunSchema,
  submitRunBodySchema,
} from '../api/queue-api.js';
import { LabLockedError } from '../http/server-errors.js';
import { queuedRunJson } from './json-forms.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

/** The lab's durable queue: submit, list, cancel, interrupt, reorder. */
export const queueRoutes: RoutePlugin = async (app, { context }) => {
  const { queue, storage, audit } = context;

  app.get(
    QUEUE_ROUTES.queue,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The runs waiting or running (all runs with all=true), in queue order',
        tags: ['queue'],
        querystring: queueListQuerySchema,
        response: { 200: z.array(queuedRunSchema) },
      },
    },
    async (request) => {
      const runs = await storage.listQueuedRuns(
        request.query.all === 'true' ? undefined : ['queued', 'running'],
      );
      return runs.map(queuedRunJson);
    },
  );

  app.get(
    '/api/queue/:id',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One run of the queue',
        tags: ['queue'],
        params: queuedRunParamsSchema,
        response: { 200: queuedRunSchema, ...errors },
      },
    },
    async (request) => {
      const run = (await storage.listQueuedRuns()).find((r) => r.id === request.params.id);
      if (!run) {
        throw new QueuedRunNotFoundError(request.params.id);
      }
      return queuedRunJson(run);
    },
  );

  app.post(
    QUEUE_ROUTES.queue,
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Submit a sequence to the queue',
        tags: ['queue'],
        body: submitRunBodySchema,
        response: { 201: queuedRunSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      if (!context.labLockHeld()) {
        throw new LabLockedError(
          `the lab is locked by ${context.labLockHolder() ?? 'someone else'}: nothing can be queued on this server until it is released`,
        );
      }
      const { sequence, ...options } = request.body;
      const run = await queue.submit(randomUUID(), user, sequence, options);
      await audit.record(user, 'queue.submit', run.sequence, { run: run.id, ...options });
      return reply.code(201).send(queuedRunJson(run));
    },
  );

  app.delete(
    '/api/queue/:id',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Cancel a run that is still waiting',
        tags: ['queue'],
        params: queuedRunParamsSchema,
        response: { 200: queuedRunSchema, ...errors },
      },
    },
    async (request) => {
      const run = await queue.cancel(request.params.id);
      await audit.record(userOf(request), 'queue.cancel', run.sequence, { run: run.id });
      return queuedRunJson(run);
    },
  );

  app.post(
    '/api/queue/:id/interrupt',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Interrupt the running run (its shot in progress finishes and is stored)',
        tags: ['queue'],
        params: queuedRunParamsSchema,
        response: { 200: z.object({ interrupted: z.boolean() }), ...errors },
      },
    },
    async (request) => {
      const interrupted = await queue.interrupt(request.params.id);
      await audit.record(userOf(request), 'queue.interrupt', request.params.id, { interrupted });
      return { interrupted };
    },
  );

  app.post(
    '/api/queue/:id/move',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Move a waiting run (0 = next)',
        tags: ['queue'],
        params: queuedRunParamsSchema,
        body: moveRunBodySchema,
        response: { 200: z.array(queuedRunSchema), ...errors },
      },
    },
    async (request) => {
      const order = await queue.move(request.params.id, request.body.position);
      await audit.record(userOf(request), 'queue.move', request.params.id, request.body);
      return order.map(queuedRunJson);
    },
  );
};
