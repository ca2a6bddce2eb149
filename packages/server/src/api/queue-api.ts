import { QUEUED_RUN_STATES, wireErrorSchema } from '@shotline/core';
import { z } from 'zod';
import { queuedRunOptionsSchema } from '../queue/queue-options.js';

/** A run of the queue, as the API gives it. */
export const queuedRunSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  sequence: z.string(),
  submittedBy: z.string(),
  submittedAt: z.string(),
  options: z.unknown(),
  state: z.enum(QUEUED_RUN_STATES),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  error: wireErrorSchema.nullable(),
});

/** A queued run (JSON). */
export type QueuedRunJson = z.infer<typeof queuedRunSchema>;

/** `POST /api/queue`: submit a sequence. */
export const submitRunBodySchema = queuedRunOptionsSchema
  .extend({ sequence: z.string().min(1).max(4096) })
  .strict();

/** `GET /api/queue?all=true`: every run, not only those waiting or running. */
export const queueListQuerySchema = z
  .object({ all: z.enum(['true', 'false']).optional() })
  .strict();

/** `:id` of a queued run. */
export const queuedRunParamsSchema = z.object({ id: z.uuid() }).strict();

/** `POST /api/queue/:id/move`: new place among the waiting runs (0 = next). */
export const moveRunBodySchema = z
  .object({ position: z.number().int().min(0).max(1_000_000) })
  .strict();

/** The queue routes. */
export const QUEUE_ROUTES = {
  queue: '/api/queue',
  run: (id: string) => `/api/queue/${encodeURIComponent(id)}`,
  interrupt: (id: string) => `/api/queue/${encodeURIComponent(id)}/interrupt`,
  move: (id: string) => `/api/queue/${encodeURIComponent(id)}/move`,
} as const;
