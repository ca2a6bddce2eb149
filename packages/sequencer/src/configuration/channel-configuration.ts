import { z } from 'zod';
import { type ChannelOutput, channelOutputSchema, unitTextSchema } from './channel-output.js';

/** A digital (boolean) channel: what it is for, and its output tree. */
export interface DigitalChannelConfiguration {
  readonly type: 'digital';
  readonly description: string;
  readonly output: ChannelOutput;
}

/**
 * An analog channel: what it is for, the unit of what it outputs (`"V"`), and its output tree. The
 * output tree must evaluate to that unit's dimension; values are sent in SI base units.
 */
export interface AnalogChannelConfiguration {
  readonly type: 'analog';
  readonly description: string;
  readonly outputUnit: string;
  readonly output: ChannelOutput;
}

/** A sequencer channel, tagged on `type`. */
export type ChannelConfiguration = DigitalChannelConfiguration | AnalogChannelConfiguration;

/** The kind of a channel. */
export type ChannelKind = ChannelConfiguration['type'];

/** zod schema of a {@link DigitalChannelConfiguration}. */
export const digitalChannelSchema = z.strictObject({
  type: z.literal('digital'),
  description: z.string(),
  output: channelOutputSchema,
});

/** zod schema of an {@link AnalogChannelConfiguration}. */
export const analogChannelSchema = z.strictObject({
  type: z.literal('analog'),
  description: z.string(),
  outputUnit: unitTextSchema,
  output: channelOutputSchema,
});

/** zod schema of a {@link ChannelConfiguration}. */
export const channelConfigurationSchema = z.discriminatedUnion('type', [
  digitalChannelSchema,
  analogChannelSchema,
]);

/** How a channel is named in messages: `channel 3 "MOT shutter"` (or `channel 3`). */
export function channelLabel(index: number, channel: { readonly description: string }): string {
  return channel.description.trim() === ''
    ? `channel ${index}`
    : `channel ${index} "${channel.description}"`;
}

/** The location name of a channel in errors: its description, or `ch i` when it has none. */
export function channelName(index: number, channel: { readonly description: string }): string {
  return channel.description.trim() === '' ? `ch ${index}` : channel.description;
}
