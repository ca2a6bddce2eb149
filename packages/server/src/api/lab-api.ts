import {
  SEQUENCE_STATES,
  parameterNamespaceJsonSchema,
  runOwnerSchema,
  wireErrorSchema,
} from '@shotline/core';
import { z } from 'zod';

const path = z.string().min(1).max(4096);

/** `?path=` of the routes about one sequence. */
export const sequencePathQuerySchema = z.object({ path }).strict();

/** `GET /api/sequences?under=`: the sequences at or below a folder (default the root). */
export const sequenceListQuerySchema = z.object({ under: path.optional() }).strict();

/** A sequence in a listing. */
export const sequenceSummarySchema = z.object({
  path: z.string(),
  state: z.enum(SEQUENCE_STATES),
  completedShots: z.number().int(),
  expectedShots: z.number().int().nullable(),
});

/** `GET /api/sequence?path=`: everything about a sequence but its shots. */
export const sequenceDetailSchema = sequenceSummarySchema.extend({
  createdAt: z.string(),
  startTime: z.string().nullable(),
  stopTime: z.string().nullable(),
  /** Who ran (or runs) it: host, pid, process start time, what it is. */
  owner: runOwnerSchema.nullable(),
  /** While PREPARING or RUNNING: who runs it, since when, when it was last seen alive. */
  run: z
    .object({
      state: z.enum(['preparing', 'running', 'paused']),
      owner: runOwnerSchema.nullable(),
      since: z.string().nullable(),
      lastSeen: z.string().nullable(),
    })
    .nullable(),
  error: wireErrorSchema.nullable(),
  devices: z.array(z.object({ name: z.string(), type: z.string() })).nullable(),
  /** The iteration and the time lanes, in core's JSON form. */
  iteration: z.unknown(),
  timeLanes: z.unknown(),
  /** The sequence's own suspenders (core's `suspenderSpecSchema`). */
  suspenders: z.array(z.unknown()),
});

/** `POST /api/sequence?path=` (create) and `PUT` (replace a DRAFT's definition). */
export const sequenceDefinitionBodySchema = z
  .object({
    iteration: z.unknown(),
    timeLanes: z.unknown(),
    /** The sequence's own suspenders (core's `suspenderSpecSchema`); default none. */
    suspenders: z.array(z.unknown()).max(100).optional(),
  })
  .strict();

/** A stored event of a run: a pause, a resume, a suspender trip, a continuation, a request. */
export const sequenceEventJsonSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  time: z.string(),
  /** Per kind: core's `sequenceEventDataSchemas`. */
  data: z.unknown(),
});

/** `GET /api/sequence/events?path=&after=`: the events of a run after the event `after`. */
export const sequenceEventsQuerySchema = z
  .object({ path, after: z.coerce.number().int().min(0).optional() })
  .strict();

/** `POST /api/sequence/pause?path=&waitMs=`: how long to wait for PAUSED (default 30 s). */
export const pauseQuerySchema = z
  .object({ path, waitMs: z.coerce.number().int().min(0).max(600_000).optional() })
  .strict();

/** The answer of a pause: the state reached, and where it paused. */
export const pauseAnswerSchema = z.object({
  path: z.string(),
  state: z.enum(SEQUENCE_STATES),
  /** PAUSED: the first shot that has not started. */
  nextIndex: z.number().int().nullable(),
});

/** `POST /api/sequence/resume?path=`. */
export const resumeBodySchema = z
  .object({
    /** Apply the lab's current globals to the remaining shots (recorded on the sequence). */
    reloadGlobals: z.boolean().optional(),
  })
  .strict();

/** The answer of a resume request. */
export const resumeAnswerSchema = z.object({
  path: z.string(),
  state: z.enum(SEQUENCE_STATES),
  resumeRequested: z.literal(true),
  reloadGlobals: z.boolean(),
});

/** `DELETE /api/sequence?path=&recursive=`. */
export const deleteSequenceQuerySchema = z
  .object({ path, recursive: z.enum(['true', 'false']).optional() })
  .strict();

/** `POST /api/sequence/duplicate`. */
export const duplicateSequenceBodySchema = z.object({ source: path, destination: path }).strict();

/** `?path=&index=` of one shot. */
export const shotQuerySchema = z
  .object({
    path,
    index: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
  })
  .strict();

/** `?path=&index=&label=` of one datum of a shot. */
export const shotDataQuerySchema = shotQuerySchema
  .extend({ label: z.string().min(1).max(1000) })
  .strict();

/** A shot: parameters, structured data, and the arrays it has (fetch each as a binary frame). */
export const shotSchema = z.object({
  index: z.number().int(),
  startTime: z.string(),
  endTime: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.unknown()),
  arrays: z.array(
    z.object({ label: z.string(), dtype: z.string(), shape: z.array(z.number().int()) }),
  ),
  timing: z.unknown(),
});

/** The indices of the stored shots of a sequence. */
export const shotIndicesSchema = z.object({ indices: z.array(z.number().int()) });

/** Every shot of a sequence as columns (export). */
export const shotTableSchema = z.object({
  index: z.array(z.number().int()),
  startTime: z.array(z.number()),
  endTime: z.array(z.number()),
  parameters: z.record(z.string(), z.array(z.unknown())),
  data: z.record(z.string(), z.array(z.unknown())),
});

/** The globals, in core's JSON form of a parameter namespace. */
export const globalsSchema = z.object({ globals: parameterNamespaceJsonSchema });

/** A default device configuration. */
export const deviceConfigurationSchema = z.object({
  name: z.string(),
  type: z.string(),
  configuration: z.unknown(),
});

/** `?name=` of one device. */
export const deviceQuerySchema = z.object({ name: z.string().min(1).max(200) }).strict();

/** `PUT /api/device?name=`: validated by the type's schema. */
export const deviceBodySchema = z
  .object({ type: z.string().min(1).max(200), configuration: z.unknown() })
  .strict();

/** The device types the server's plugins provide. */
export const deviceTypeSchema = z.object({
  type: z.string(),
  label: z.string(),
  /** The configuration a new device of this type starts from. */
  defaultConfiguration: z.unknown(),
});

/** `GET /api/audit?after=&limit=`. */
export const auditQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** An audit entry. */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown(),
});

/** `GET /health`. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'closing']),
  /** Whether the server holds the lab lock (nothing runs until it does). */
  labLock: z.enum(['held', 'waiting']),
});

/** Header of a binary shot datum: its dtype. */
export const DTYPE_HEADER = 'x-shotline-dtype';
/** Header of a binary shot datum: its shape as JSON. */
export const SHAPE_HEADER = 'x-shotline-shape';

/** The lab routes. */
export const LAB_ROUTES = {
  sequences: '/api/sequences',
  sequence: '/api/sequence',
  reset: '/api/sequence/reset',
  pause: '/api/sequence/pause',
  resume: '/api/sequence/resume',
  events: '/api/sequence/events',
  duplicate: '/api/sequence/duplicate',
  shots: '/api/shots',
  shot: '/api/shot',
  shotData: '/api/shot/data',
  shotTable: '/api/shot-table',
  globals: '/api/globals',
  devices: '/api/devices',
  device: '/api/device',
  deviceTypes: '/api/device-types',
  audit: '/api/audit',
  health: '/health',
  metrics: '/metrics',
  openapi: '/api/openapi.json',
} as const;
