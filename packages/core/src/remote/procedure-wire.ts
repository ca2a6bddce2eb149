import { z } from 'zod';
import { parameterNamespaceJsonSchema } from '../parameters/index.js';
import { wireErrorSchema } from './wire-error.js';

/** How long one activation poll waits on the server at most, in milliseconds. */
export const MAX_ACTIVATION_WAIT_MS = 20_000;

/** `POST /api/procedures`: a new procedure of the client's session, which starts activating. */
export const createProcedureBodySchema = z
  .object({
    /** The session of the client's event stream (the hello message). */
    session: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    /** Give up activating after this long (ProcedureActivationTimeoutError). */
    acquisitionTimeoutMs: z.number().int().min(0).max(2_147_483_647).optional(),
    /** Answer after at most this long even if not active yet (then poll the activation). */
    waitMs: z.number().int().min(0).max(MAX_ACTIVATION_WAIT_MS).optional(),
  })
  .strict();

/** A procedure as the server describes it. */
export const procedureStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  /** True while its activation waits for another procedure of the lab. */
  waiting: z.boolean(),
  runningSequence: z.string().nullable(),
});

/** `GET /api/procedures/:id/activation?waitMs=`: waits (bounded) for the activation. */
export const activationQuerySchema = z
  .object({ waitMs: z.coerce.number().int().min(0).max(MAX_ACTIVATION_WAIT_MS).optional() })
  .strict();

/** `:id` of the procedure routes. */
export const procedureParamsSchema = z.object({ id: z.string().min(1).max(100) }).strict();

/** `POST /api/procedures/:id/sequences`: starts a sequence; `run` is the client's id for it. */
export const startSequenceBodySchema = z
  .object({
    run: z.string().min(1).max(100),
    sequence: z.string().min(1).max(4096),
    globals: parameterNamespaceJsonSchema.optional(),
    deviceConfigurations: z
      .array(
        z
          .object({ name: z.string().min(1), type: z.string().min(1), configuration: z.unknown() })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** `GET /api/procedures/:id/runs/:run`: how a run ended (for a client that missed the event). */
export const runParamsSchema = z
  .object({ id: z.string().min(1).max(100), run: z.string().min(1).max(100) })
  .strict();

/** The outcome of one run of a remote procedure. */
export const runStatusSchema = z.object({
  run: z.string(),
  sequence: z.string(),
  ended: z.boolean(),
  error: wireErrorSchema.optional(),
});

/** `POST .../interrupt`: whether a sequence was running. */
export const interruptResponseSchema = z.object({ interrupted: z.boolean() });

/** The procedure routes, shared by the server and the client. */
export const PROCEDURE_ROUTES = {
  procedures: '/api/procedures',
  procedure: (id: string) => `/api/procedures/${encodeURIComponent(id)}`,
  activation: (id: string) => `/api/procedures/${encodeURIComponent(id)}/activation`,
  sequences: (id: string) => `/api/procedures/${encodeURIComponent(id)}/sequences`,
  run: (id: string, run: string) =>
    `/api/procedures/${encodeURIComponent(id)}/runs/${encodeURIComponent(run)}`,
  interrupt: (id: string) => `/api/procedures/${encodeURIComponent(id)}/interrupt`,
  deactivate: (id: string) => `/api/procedures/${encodeURIComponent(id)}/deactivate`,
  interruptActive: '/api/procedures/active/interrupt',
  events: '/api/events',
} as const;
