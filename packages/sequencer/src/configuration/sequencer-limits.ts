import type { ChannelKind } from './channel-configuration.js';
import type { SequencerTriggerEdge, SequencerTriggerType } from './trigger.js';

/**
 * What a sequencer model can do, checked when its configuration is validated (before anything is
 * compiled or opened): the channel layout, the time steps it can run at, the triggers it accepts.
 */
export interface SequencerLimits {
  /** Model name for messages, e.g. `SpinCore PulseBlaster PB24-100`. */
  readonly model: string;
  /** The fixed channel layout, or undefined for any layout of up to {@link maxChannels} channels. */
  readonly channelKinds?: readonly ChannelKind[];
  /** Most channels the device drives. */
  readonly maxChannels: number;
  /** Channel kinds allowed when the layout is free (default both). */
  readonly allowedKinds?: readonly ChannelKind[];
  /** The hardware clock period in picoseconds; the time step must be a multiple of it. */
  readonly clockCycle: number;
  /** Shortest time step in picoseconds (e.g. the minimum instruction length). */
  readonly minimumTimeStep: number;
  /** Longest time step in picoseconds, if bounded. */
  readonly maximumTimeStep?: number;
  /** The triggers the device supports. */
  readonly triggers: readonly SequencerTriggerType[];
  /** The edges an external trigger may use (default all). */
  readonly triggerEdges?: readonly SequencerTriggerEdge[];
  /** Allowed analog output range in SI base units (e.g. volts), if the device has analog outputs. */
  readonly analogRange?: readonly [number, number];
}

/** The `1 ns`-style text of a duration in picoseconds, for messages. */
export function formatPicoseconds(ps: number): string {
  if (ps % 1_000_000_000 === 0) return `${ps / 1_000_000_000} ms`;
  if (ps % 1_000_000 === 0) return `${ps / 1_000_000} us`;
  if (ps % 1000 === 0) return `${ps / 1000} ns`;
  return `${ps} ps`;
}
