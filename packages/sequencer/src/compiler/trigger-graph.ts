import { type SequenceContext, parseTimeStep } from '@shotline/core';
import { z } from 'zod';
import { channelName } from '../configuration/channel-configuration.js';
import { channelOutputSchema, triggeredDevices } from '../configuration/channel-output.js';
import type { SequencerConfiguration } from '../configuration/sequencer-configuration.js';
import {
  type SequencerTrigger,
  describeTrigger,
  sequencerTriggerSchema,
} from '../configuration/trigger.js';
import { SequencerTriggerError, TriggerLoopError } from '../sequencer-errors.js';
import { clockDivision } from './adaptive-clock.js';

/** The parts of any sequencer configuration the trigger graph needs (any sequencer plugin). */
const sequencerShape = z.object({
  timeStep: z.string(),
  trigger: sequencerTriggerSchema,
  channels: z.array(z.object({ description: z.string(), output: z.unknown() })),
});

/** A sequencer of the sequence, as seen by the trigger graph. */
interface SequencerNode {
  readonly timeStep: number | undefined;
  readonly trigger: SequencerTrigger;
  /** Channel name and the devices it triggers. */
  readonly edges: readonly { readonly channel: string; readonly device: string }[];
}

function nodeOf(
  configuration: Pick<SequencerConfiguration, 'timeStep' | 'trigger'> & {
    readonly channels: readonly { readonly description: string; readonly output: unknown }[];
  },
): SequencerNode {
  let timeStep: number | undefined;
  try {
    timeStep = parseTimeStep(configuration.timeStep);
  } catch {
    timeStep = undefined;
  }
  const edges: { channel: string; device: string }[] = [];
  configuration.channels.forEach((channel, i) => {
    const output = channelOutputSchema.safeParse(channel.output);
    if (!output.success) return;
    for (const device of triggeredDevices(output.data)) {
      edges.push({ channel: channelName(i, channel), device });
    }
  });
  return { timeStep, trigger: configuration.trigger, edges };
}

/**
 * Checks, before anything is compiled or opened, how a sequencer triggers other sequencers of the
 * sequence (any device whose configuration has a sequencer's shape):
 * - no loop: A triggering B triggering A (or A itself) can never start;
 * - a triggered sequencer is not software-triggered;
 * - a sequencer clocked by this one has a time step that is a whole multiple, at least 2x, of this
 *   one's, and is clocked on one edge only.
 * @throws TriggerLoopError or SequencerTriggerError naming the devices and the channel.
 */
export function checkSequencerTriggers(
  deviceName: string,
  configuration: SequencerConfiguration,
  sequence: SequenceContext,
): void {
  const nodes = new Map<string, SequencerNode>();
  for (const [name, stored] of sequence.deviceConfigurations) {
    if (name === deviceName) continue;
    const parsed = sequencerShape.safeParse(stored.configuration);
    if (parsed.success) nodes.set(name, nodeOf(parsed.data));
  }
  const self = nodeOf(configuration);
  nodes.set(deviceName, self);

  for (const edge of self.edges) {
    const target = nodes.get(edge.device);
    if (target === undefined || edge.device === deviceName) continue;
    const location = { device: deviceName, channel: edge.channel };
    const trigger = target.trigger;
    if (trigger.type === 'software') {
      throw new SequencerTriggerError(
        `channel "${edge.channel}" triggers the sequencer "${edge.device}", which is software-triggered: ` +
          `set its trigger to an external one, or remove the channel's DeviceTrigger`,
        { location },
      );
    }
    if (trigger.type === 'externalClock' || trigger.type === 'externalClockOnChange') {
      if (trigger.edge === 'both') {
        throw new SequencerTriggerError(
          `the sequencer "${edge.device}" is clocked on both edges (${describeTrigger(trigger)}): ` +
            `a sequencer channel clocks on one edge, use rising or falling`,
          { location },
        );
      }
      if (target.timeStep !== undefined && self.timeStep !== undefined) {
        try {
          clockDivision(target.timeStep, self.timeStep);
        } catch (e) {
          throw (e as SequencerTriggerError).addContext(location);
        }
      }
    }
  }

  const cycle = findCycle(deviceName, nodes);
  if (cycle !== undefined) {
    const path = cycle
      .map((step) => `"${step.from}" (channel "${step.channel}") -> "${step.device}"`)
      .join(', ');
    throw new TriggerLoopError(
      `sequencers trigger each other in a loop, so none of them can start: ${path}`,
      { location: { device: deviceName, channel: cycle[0]!.channel } },
    );
  }
}

interface CycleStep {
  readonly from: string;
  readonly channel: string;
  readonly device: string;
}

/** A path of trigger edges from `start` back to `start`, or undefined. */
function findCycle(
  start: string,
  nodes: ReadonlyMap<string, SequencerNode>,
): CycleStep[] | undefined {
  const visited = new Set<string>();
  const path: CycleStep[] = [];
  const visit = (name: string): boolean => {
    for (const edge of nodes.get(name)?.edges ?? []) {
      path.push({ from: name, channel: edge.channel, device: edge.device });
      if (edge.device === start) return true;
      if (nodes.has(edge.device) && !visited.has(edge.device)) {
        visited.add(edge.device);
        if (visit(edge.device)) return true;
      }
      path.pop();
    }
    return false;
  };
  return visit(start) ? path : undefined;
}
