import { z } from 'zod';

/** Which edge of an external signal a sequencer reacts to. */
export const sequencerTriggerEdgeSchema = z.enum(['rising', 'falling', 'both']);

/** Which edge of an external signal a sequencer reacts to. */
export type SequencerTriggerEdge = z.infer<typeof sequencerTriggerEdgeSchema>;

/**
 * How a sequencer starts and advances, a tagged union on `type`:
 * - `software`: started by a command after every device of the shot is ready;
 * - `externalStart`: armed before the barrier, started by one external edge;
 * - `externalClock`: advances one time step per external edge;
 * - `externalClockOnChange`: advances one *sample* per external edge, where a sample is a tick of an
 *   explicit pattern or a whole constant block (the master only clocks it when the value changes).
 */
export const sequencerTriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('software') }),
  z.strictObject({
    type: z.literal('externalStart'),
    edge: sequencerTriggerEdgeSchema.default('rising'),
  }),
  z.strictObject({
    type: z.literal('externalClock'),
    edge: sequencerTriggerEdgeSchema.default('rising'),
  }),
  z.strictObject({
    type: z.literal('externalClockOnChange'),
    edge: sequencerTriggerEdgeSchema.default('rising'),
  }),
]);

/** How a sequencer starts and advances; see {@link sequencerTriggerSchema}. */
export type SequencerTrigger = z.infer<typeof sequencerTriggerSchema>;

/** The kinds of trigger, for limits and messages. */
export type SequencerTriggerType = SequencerTrigger['type'];

/** True for the triggers that advance the sequencer from an external clock. */
export function isExternallyClocked(
  trigger: SequencerTrigger,
): trigger is Extract<SequencerTrigger, { type: 'externalClock' | 'externalClockOnChange' }> {
  return trigger.type === 'externalClock' || trigger.type === 'externalClockOnChange';
}

/** A short readable form: `software`, `external start (rising edge)`... */
export function describeTrigger(trigger: SequencerTrigger): string {
  switch (trigger.type) {
    case 'software':
      return 'software';
    case 'externalStart':
      return `external start (${trigger.edge} edge)`;
    case 'externalClock':
      return `external clock (${trigger.edge} edge)`;
    case 'externalClockOnChange':
      return `external clock on change (${trigger.edge} edge)`;
  }
}
