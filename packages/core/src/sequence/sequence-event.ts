import { z } from 'zod';
import { errorSummarySchema } from '../errors/index.js';
import { sequenceStateSchema } from './sequence-state.js';

// The events stored on a sequence while it runs (storage keeps them as kind + JSON data). One schema
// per kind: what was asked, what happened, and what a reader needs to understand it later.

const json: z.ZodType<unknown> = z.unknown();
const shotIndex = z.int().min(0);
const who = z.string().min(1);

/** The globals a resume reloaded: the ones in effect before, the new ones and what changed. */
export const reloadedGlobalsSchema = z.object({
  /** JSON of the ParameterNamespace in effect before. */
  previous: json,
  /** JSON of the ParameterNamespace in effect from `nextIndex` on. */
  globals: json,
  /** Names whose expression changed, was added or removed. */
  changed: z.array(z.string()),
});

/** What a resume reloaded. */
export type ReloadedGlobals = z.infer<typeof reloadedGlobalsSchema>;

/** zod schema of the data of each kind of {@link SequenceEvent} (without `kind`). */
export const sequenceEventDataSchemas = {
  /** Someone asked the run to pause (e.g. `shotline seq pause` from another terminal). */
  'pause-requested': z.object({ by: who }),
  /** Someone asked the run to resume. */
  'resume-requested': z.object({ by: who, reloadGlobals: z.boolean() }),
  /** The run paused at a shot boundary: `nextIndex` is the first shot not started. */
  paused: z.object({
    reason: z.enum(['request', 'suspender']),
    nextIndex: shotIndex,
    /** Who asked (a request) or the suspenders that tripped. */
    by: z.string().optional(),
    suspenders: z.array(z.string()).default([]),
  }),
  /** The run resumed at `nextIndex`. */
  resumed: z.object({
    reason: z.enum(['request', 'suspender']),
    nextIndex: shotIndex,
    by: z.string().optional(),
    reloadedGlobals: reloadedGlobalsSchema.optional(),
  }),
  /** A suspender's condition failed: the run pauses (or repeats the running shot). */
  'suspender-tripped': z.object({
    suspender: z.string(),
    /** What it watches, e.g. `data lock\error`. */
    watch: z.string(),
    value: json,
    /** The shot that was running or had just run, if any. */
    shot: shotIndex.nullable(),
    action: z.enum(['pause', 'repeat']),
  }),
  /** A suspender's condition held for its hold time: it no longer keeps the run paused. */
  'suspender-cleared': z.object({
    suspender: z.string(),
    watch: z.string(),
    value: json,
    heldMs: z.number().min(0),
  }),
  /** An INTERRUPTED or CRASHED run was continued. */
  continued: z.object({
    /** The first shot index not stored. */
    fromIndex: shotIndex,
    storedShots: z.int().min(0),
    previousState: sequenceStateSchema,
    /** Why it was continued (given by whoever continued it). */
    reason: z.string(),
    /** The error the run had crashed with. */
    error: errorSummarySchema.optional(),
    by: who,
  }),
  /** The suspenders in effect for the run (functions are named, not stored). */
  suspenders: z.object({ suspenders: z.array(json) }),
} as const;

/** The kinds of {@link SequenceEvent}. */
export type SequenceEventKind = keyof typeof sequenceEventDataSchemas;

/** The data of one kind of event. */
export type SequenceEventData<K extends SequenceEventKind> = z.infer<
  (typeof sequenceEventDataSchemas)[K]
>;

/** A stored event of a run, typed by kind (an unknown kind keeps its data as JSON). */
export type SequenceEvent =
  | {
      [K in SequenceEventKind]: {
        readonly id: number;
        readonly kind: K;
        readonly time: Date;
        readonly data: SequenceEventData<K>;
      };
    }[SequenceEventKind]
  | {
      readonly id: number;
      readonly kind: string;
      readonly time: Date;
      readonly data: unknown;
      /** True for a kind this version does not know (written by a newer shotline). */
      readonly unknown: true;
    };

/** True for a kind of {@link SequenceEvent} this version knows. */
export function isSequenceEventKind(kind: string): kind is SequenceEventKind {
  return Object.hasOwn(sequenceEventDataSchemas, kind);
}
