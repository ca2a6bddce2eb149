import { parseTimeStep } from '@shotline/core';
import { z } from 'zod';
import {
  type ChannelConfiguration,
  channelConfigurationSchema,
  channelLabel,
} from './channel-configuration.js';
import { type SequencerLimits, formatPicoseconds } from './sequencer-limits.js';
import { type SequencerTrigger, describeTrigger, sequencerTriggerSchema } from './trigger.js';
import { timeStepSchema } from './time-step.js';

/**
 * What every sequencer configuration holds: the time step (ns text, ps resolution), how it is
 * triggered, and its channels in hardware order (channel i is `ch i` of the compiled instruction).
 * Device types add their own fields (board number, address...).
 */
export interface SequencerConfiguration {
  readonly timeStep: string;
  readonly trigger: SequencerTrigger;
  readonly channels: readonly ChannelConfiguration[];
}

/** The zod fields of {@link SequencerConfiguration}, for device schemas to extend. */
export const sequencerConfigurationShape = {
  timeStep: timeStepSchema,
  trigger: sequencerTriggerSchema,
  channels: z.array(channelConfigurationSchema),
};

/** A problem of a configuration against a model's limits: where (zod path) and what. */
export interface ConfigurationIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Checks a configuration against what the model can do: channel count and kinds, time step
 * (multiple of the clock, within bounds), trigger kind and edge. Returns every problem found, each
 * naming the channel or field.
 */
export function checkSequencerConfiguration(
  configuration: SequencerConfiguration,
  limits: SequencerLimits,
): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  const { channels } = configuration;
  if (limits.channelKinds !== undefined) {
    const kinds = limits.channelKinds;
    if (channels.length !== kinds.length) {
      issues.push({
        path: ['channels'],
        message: `the ${limits.model} has ${kinds.length} channels (${summarizeKinds(kinds)}), but ${channels.length} are configured`,
      });
    }
    channels.forEach((channel, i) => {
      const expected = kinds[i];
      if (expected !== undefined && channel.type !== expected) {
        issues.push({
          path: ['channels', i, 'type'],
          message: `${channelLabel(i, channel)} is configured as ${channel.type}, but channel ${i} of the ${limits.model} is ${expected}`,
        });
      }
    });
  } else {
    if (channels.length > limits.maxChannels) {
      issues.push({
        path: ['channels'],
        message: `the ${limits.model} has at most ${limits.maxChannels} channels, but ${channels.length} are configured`,
      });
    }
    const allowed = limits.allowedKinds ?? ['digital', 'analog'];
    channels.forEach((channel, i) => {
      if (!allowed.includes(channel.type)) {
        issues.push({
          path: ['channels', i, 'type'],
          message: `${channelLabel(i, channel)} is ${channel.type}, but the ${limits.model} only has ${allowed.join(' and ')} channels`,
        });
      }
    });
  }
  let step: number | undefined;
  try {
    step = parseTimeStep(configuration.timeStep);
  } catch {
    // reported by the time step's own schema
  }
  if (step !== undefined) {
    const text = `the time step ${configuration.timeStep} ns`;
    if (step % limits.clockCycle !== 0) {
      issues.push({
        path: ['timeStep'],
        message: `${text} is not a multiple of the ${limits.model} clock period (${formatPicoseconds(limits.clockCycle)})`,
      });
    }
    if (step < limits.minimumTimeStep) {
      issues.push({
        path: ['timeStep'],
        message: `${text} is shorter than the ${limits.model} minimum of ${formatPicoseconds(limits.minimumTimeStep)}`,
      });
    }
    if (limits.maximumTimeStep !== undefined && step > limits.maximumTimeStep) {
      issues.push({
        path: ['timeStep'],
        message: `${text} is longer than the ${limits.model} maximum of ${formatPicoseconds(limits.maximumTimeStep)}`,
      });
    }
  }
  const trigger = configuration.trigger;
  if (!limits.triggers.includes(trigger.type)) {
    issues.push({
      path: ['trigger'],
      message: `the ${limits.model} cannot be triggered by ${describeTrigger(trigger)} (it supports ${limits.triggers.join(', ')})`,
    });
  } else if (
    trigger.type !== 'software' &&
    limits.triggerEdges !== undefined &&
    !limits.triggerEdges.includes(trigger.edge)
  ) {
    issues.push({
      path: ['trigger', 'edge'],
      message: `the ${limits.model} cannot trigger on a ${trigger.edge} edge (it supports ${limits.triggerEdges.join(', ')})`,
    });
  }
  return issues;
}

/**
 * A zod refinement that reports {@link checkSequencerConfiguration}'s issues, with the limits
 * computed from the configuration itself (a simulated sequencer's limits are configurable).
 */
export function refineWithLimits<C extends SequencerConfiguration>(
  limitsOf: (configuration: C) => SequencerLimits,
): (configuration: C, ctx: z.RefinementCtx) => void {
  return (configuration, ctx) => {
    for (const issue of checkSequencerConfiguration(configuration, limitsOf(configuration))) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  };
}

function summarizeKinds(kinds: readonly string[]): string {
  const digital = kinds.filter((k) => k === 'digital').length;
  const analog = kinds.length - digital;
  return [digital > 0 ? `${digital} digital` : '', analog > 0 ? `${analog} analog` : '']
    .filter(Boolean)
    .join(', ');
}
