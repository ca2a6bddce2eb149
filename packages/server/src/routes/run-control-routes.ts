import { setTimeout as sleep } from 'node:timers/promises';
import { SequencePath, errorResponseSchema } from '@shotline/core';
import { z } from 'zod';
import {
  LAB_ROUTES,
  pauseAnswerSchema,
  pauseQuerySchema,
  resumeAnswerSchema,
  resumeBodySchema,
  sequenceEventJsonSchema,
  sequenceEventsQuerySchema,
  sequencePathQuerySchema,
} from '../api/lab-api.js';
import { sequenceEventJson } from './json-forms.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

/** How often a pause request looks at the sequence's state while it waits for PAUSED. */
const PAUSE_POLL_MS = 50;

/**
 * Steering a running sequence, whoever runs it (the queue, a script's procedure, or a command-line
 * run on a PC sharing the storage): the request is stored on the sequence and the run applies it at
 * its next shot boundary. Plus the stored events of a run (pauses, resumes, suspender trips,
 * continuations). A continuation is a queued run with `continue` (see the queue routes).
 */
export const runControlRoutes: RoutePlugin = async (app, { context }) => {
  const { session, audit } = context;

  app.post(
    LAB_ROUTES.pause,
    {
      config: { scope: 'run' },
      schema: {
        summary:
          'Pause a running sequence at the next shot boundary; answers once it is PAUSED (or ended, or after waitMs)',
        tags: ['sequences'],
        querystring: pauseQuerySchema,
        response: { 200: pauseAnswerSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const user = userOf(request);
      await session.requestPause(path, `${user} through the server`);
      await audit.record(user, 'sequence.pause', path.toString());
      const deadline = performance.now() + (request.query.waitMs ?? 30_000);
      let state = await session.state(path);
      while ((state === 'running' || state === 'preparing') && performance.now() < deadline) {
        await sleep(PAUSE_POLL_MS);
        state = await session.state(path);
      }
      let nextIndex: number | null = null;
      if (state === 'paused') {
        for (const e of await session.events(path)) {
          if (e.kind === 'paused' && !('unknown' in e)) nextIndex = e.data.nextIndex;
        }
      }
      return { path: path.toString(), state, nextIndex };
    },
  );

  app.post(
    LAB_ROUTES.resume,
    {
      config: { scope: 'run' },
      schema: {
        summary:
          'Resume a PAUSED sequence at its next shot (once no suspender holds it); reloadGlobals applies the current globals',
        tags: ['sequences'],
        querystring: sequencePathQuerySchema,
        body: resumeBodySchema.optional(),
        response: { 200: resumeAnswerSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const user = userOf(request);
      const reloadGlobals = request.body?.reloadGlobals === true;
      await session.requestResume(path, `${user} through the server`, { reloadGlobals });
      await audit.record(user, 'sequence.resume', path.toString(), { reloadGlobals });
      return {
        path: path.toString(),
        state: await session.state(path),
        resumeRequested: true as const,
        reloadGlobals,
      };
    },
  );

  app.get(
    LAB_ROUTES.events,
    {
      config: { scope: 'read' },
      schema: {
        summary:
          'The stored events of a run (pauses, resumes, suspender trips, continuations, requests), oldest first',
        tags: ['sequences'],
        querystring: sequenceEventsQuerySchema,
        response: { 200: z.array(sequenceEventJsonSchema), ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const events = await session.events(path, { afterId: request.query.after ?? 0 });
      return events.map(sequenceEventJson);
    },
  );
};
