import { z } from 'zod';
import { wireErrorSchema } from './wire-error.js';
import { wireEventSchema } from './wire-event.js';

/**
 * The WebSocket subprotocol of the event stream. A client offers it together with
 * `shotline.bearer.<token>` (browsers cannot set an Authorization header on a WebSocket).
 */
export const EVENT_STREAM_PROTOCOL = 'shotline.v1';

/** Prefix of the subprotocol that carries the token. */
export const BEARER_PROTOCOL_PREFIX = 'shotline.bearer.';

/** Messages the server sends on the event stream, discriminated by `kind`. */
export const serverMessageSchema = z.discriminatedUnion('kind', [
  /** First message: the client's session (procedures belong to it) and the server's instance. */
  z.object({
    kind: z.literal('hello'),
    session: z.string(),
    /** Changes when the server restarts: sequence numbers start again. */
    epoch: z.string(),
    /** The last sequence number the server assigned. */
    seq: z.number().int(),
  }),
  /** An engine event, numbered. `at` is when the engine emitted it (ms since the epoch). */
  z.object({
    kind: z.literal('event'),
    seq: z.number().int(),
    at: z.number(),
    event: wireEventSchema,
  }),
  /** A sequence started by a remote procedure ended (after all its events). */
  z.object({
    kind: z.literal('sequence-ended'),
    seq: z.number().int(),
    procedure: z.string(),
    run: z.string(),
    error: wireErrorSchema.optional(),
  }),
  /** Messages `from`..`to` are no longer kept: the client missed them (re-read the state). */
  z.object({
    kind: z.literal('gap'),
    from: z.number().int(),
    to: z.number().int(),
  }),
]);

/** A message of the event stream. */
export type ServerMessage = z.infer<typeof serverMessageSchema>;
/** A message of the event stream, as JSON. */
export type ServerMessageJson = z.input<typeof serverMessageSchema>;
