import { z } from 'zod';
import type { ShotlineEvent } from '../events/index.js';
import { SEQUENCE_STATES } from '../sequence/index.js';
import { type WireError, withoutStacks, wireErrorSchema } from './wire-error.js';

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const sequence = z.string();

/**
 * The engine's events as JSON (dates as ISO 8601 strings, errors without stacks): what the server
 * streams. Parsing gives back {@link ShotlineEvent}s.
 */
export const wireEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sequence-state'),
    sequence,
    state: z.enum(SEQUENCE_STATES),
    time: date,
    storedShots: z.number().int(),
    expectedShots: z.number().int().nullable(),
    error: wireErrorSchema.optional(),
    reason: z.enum(['request', 'suspender', 'resumed', 'continued']).optional(),
    suspenders: z.array(z.string()).optional(),
  }),
  z.object({
    type: z.literal('suspender'),
    sequence,
    suspender: z.string(),
    change: z.enum(['tripped', 'cleared']),
    watch: z.string(),
    value: z.unknown(),
    action: z.enum(['pause', 'repeat']).optional(),
    shot: z.number().int().nullable().optional(),
    time: date,
  }),
  z.object({
    type: z.literal('shot-probed'),
    sequence,
    index: z.number().int(),
    purpose: z.enum(['probe', 'warmup']),
    time: date,
  }),
  z.object({
    type: z.literal('sequence-prepared'),
    sequence,
    devices: z.array(z.string()),
    notUsed: z.array(z.object({ device: z.string(), reason: z.string() })),
    compileWorkers: z.number().int(),
    expectedShots: z.number().int().nullable(),
    compileMs: z.number(),
  }),
  z.object({
    type: z.literal('shot-compiled'),
    sequence,
    index: z.number().int(),
    compileMs: z.number(),
    durationSeconds: z.number(),
    thread: z.union([z.literal('main'), z.number().int()]),
  }),
  z.object({
    type: z.literal('shot-started'),
    sequence,
    index: z.number().int(),
    attempt: z.number().int(),
    time: date,
  }),
  z.object({
    type: z.literal('shot-retry'),
    sequence,
    index: z.number().int(),
    attempt: z.number().int(),
    error: wireErrorSchema,
  }),
  z.object({
    type: z.literal('shot-finished'),
    sequence,
    index: z.number().int(),
    attempts: z.number().int(),
    startTime: date,
    endTime: date,
    runMs: z.number(),
    devices: z
      .record(
        z.string(),
        z.object({
          readyMs: z.number().nullable(),
          barrierMs: z.number().nullable(),
          finishedMs: z.number().nullable(),
        }),
      )
      .optional(),
  }),
  z.object({
    type: z.literal('shot-stored'),
    sequence,
    index: z.number().int(),
    storeMs: z.number(),
    storedShots: z.number().int(),
    expectedShots: z.number().int().nullable(),
  }),
  z.object({
    type: z.literal('log'),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    sequence: sequence.optional(),
    device: z.string().optional(),
    plugin: z.string().optional(),
  }),
]);

// Compile-time guard: what the schema parses is a ShotlineEvent (the schema cannot drift away).
type Parsed = z.output<typeof wireEventSchema>;
const _parsedIsEvent: (e: Parsed) => ShotlineEvent = (e) => e;
void _parsedIsEvent;

/** An event as JSON. */
export type WireEvent = z.input<typeof wireEventSchema>;

/** The JSON form of an event (dates as ISO strings, error summaries without stacks). */
export function encodeEvent(event: ShotlineEvent): WireEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if (key === 'error' && value) out[key] = withoutStacks(value as WireError);
    else out[key] = value;
  }
  return out as WireEvent;
}
