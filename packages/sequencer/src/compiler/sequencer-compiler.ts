import {
  type DeviceCompiler,
  type DimensionedSeries,
  type SequenceContext,
  type ShotContext,
  type TimedInstruction,
  type TriggerableCompiler,
  ContractViolationError,
  ShotlineError,
  Unit,
  castInstruction,
  numberTicks,
  repeat,
  stackInstructions,
  withContext,
  withName,
} from '@shotline/core';
import {
  type ChannelConfiguration,
  type ChannelKind,
  channelLabel,
  channelName,
} from '../configuration/channel-configuration.js';
import { triggeredDevices } from '../configuration/channel-output.js';
import type { SequencerConfiguration } from '../configuration/sequencer-configuration.js';
import type { SequencerLimits } from '../configuration/sequencer-limits.js';
import { timeStepPicoseconds } from '../configuration/time-step.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { valueRange } from '../internal/value-range.js';
import { buildOutput } from '../outputs/build-output.js';
import { LaneCache } from '../outputs/lane-cache.js';
import {
  type StaticContext,
  type StaticOutputType,
  sampleParameters,
} from '../outputs/static-type.js';
import {
  type AdvanceAndDelay,
  type OutputEvaluation,
  type OutputNode,
  combineAdvanceAndDelay,
} from '../outputs/output-node.js';
import {
  ChannelTypeError,
  ChannelUnitError,
  SequencerCompilationError,
  SequencerProgramError,
  SequencerTriggerError,
} from '../sequencer-errors.js';
import {
  adaptiveClock,
  clockDivision,
  clockPulse,
  fitToLength,
  lastClockSample,
  startTrigger,
} from './adaptive-clock.js';
import { checkSequencerTriggers } from './trigger-graph.js';

/** A channel as the device sees it: its field in the instruction, what it is, its unit. */
export interface SequencerChannelInfo {
  /** Field of the compiled instruction: `ch 0`, `ch 1`... */
  readonly field: string;
  readonly description: string;
  readonly kind: ChannelKind;
  /** SI base unit of the values (`''` for digital and dimensionless channels). */
  readonly baseUnit: string;
}

/** What every sequencer device is built from (once per sequence); plain JSON. */
export interface SequencerInitParameters {
  readonly deviceName: string;
  /** Time step in picoseconds. */
  readonly timeStep: number;
  readonly trigger: SequencerTrigger;
  readonly channels: readonly SequencerChannelInfo[];
  /** Channels whose output is a device's trigger (for simulated trigger edges). */
  readonly triggerChannels: readonly { readonly channel: number; readonly device: string }[];
}

/** A sequencer's compiled shot: one instruction with a field per channel. */
export interface CompiledSequence {
  /**
   * Fields `ch 0 .. ch n-1`: `bool` for digital channels, `float64` in SI base units for analog
   * ones; `shotStart + shotTicks + delay` ticks.
   */
  readonly sequence: TimedInstruction;
  /** Ticks played before the shot starts (the largest advance of any channel). */
  readonly shotStart: number;
  /** Ticks of the shot itself. */
  readonly shotTicks: number;
}

/** The shot parameters of a sequencer: the compiled sequence and the device's program for it. */
export interface SequencerShotParameters<Program = unknown> extends CompiledSequence {
  readonly program: Program;
}

interface CompiledChannel {
  /** The last output and its checked, named field (reused when the output does not change). */
  last: { readonly series: DimensionedSeries; readonly field: TimedInstruction } | undefined;
  readonly index: number;
  readonly configuration: ChannelConfiguration;
  readonly node: OutputNode;
  readonly field: string;
  readonly baseUnit: Unit;
  readonly location: { readonly device: string; readonly channel: string };
}

/**
 * Compiles a sequencer's channels: once per sequence it parses the output trees and checks the
 * triggers between sequencers; per shot it evaluates every channel with the global max advance and
 * delay (so all channels have `advance + shotTicks + delay` ticks), checks each channel's unit,
 * collects the channel errors (each naming the device and channel) and stacks the channels into
 * one instruction. Device types extend it to translate the instruction into their program
 * ({@link compileProgram}) at compile time, so a program the hardware cannot hold is an error before
 * the device is touched.
 *
 * It is also the {@link TriggerableCompiler} of a *slave* sequencer: {@link computeTrigger} gives the
 * signal a master must output to start or clock it.
 */
export class SequencerCompiler<
  Config extends SequencerConfiguration = SequencerConfiguration,
  Program = undefined,
>
  implements
    DeviceCompiler<SequencerInitParameters, SequencerShotParameters<Program>>,
    TriggerableCompiler
{
  /** Time step in picoseconds. */
  readonly timeStep: number;
  private readonly channels: readonly CompiledChannel[];
  private readonly lanes = new LaneCache();

  /**
   * @throws errors naming the device and channel for an output tree that cannot be built, and
   * {@link checkSequencerTriggers}'s errors.
   */
  constructor(
    readonly deviceName: string,
    readonly configuration: Config,
    readonly sequence: SequenceContext,
    readonly limits: SequencerLimits,
  ) {
    this.timeStep = timeStepPicoseconds(configuration.timeStep);
    this.channels = configuration.channels.map((channel, index) => {
      const location = { device: deviceName, channel: channelName(index, channel) };
      try {
        return {
          last: undefined,
          index,
          configuration: channel,
          node: buildOutput(channel.output),
          field: `ch ${index}`,
          baseUnit:
            channel.type === 'analog'
              ? Unit.parse(channel.outputUnit).baseUnit
              : Unit.dimensionless,
          location,
        };
      } catch (e) {
        throw withContext(e, location);
      }
    });
    const context: StaticContext = {
      sequence,
      sample: sampleParameters(sequence.parameterSchema),
    };
    for (const channel of this.channels) {
      try {
        const type = channel.node.staticType(context);
        if (type !== undefined) checkKind(channel, type);
      } catch (e) {
        throw withContext(e, channel.location);
      }
    }
    checkSequencerTriggers(deviceName, configuration, sequence);
  }

  /** The device's construction parameters; device types add theirs. */
  initializationParameters(): SequencerInitParameters {
    const triggerChannels: { channel: number; device: string }[] = [];
    this.configuration.channels.forEach((channel, index) => {
      const devices = [...new Set(triggeredDevices(channel.output))];
      if (devices.length === 1) triggerChannels.push({ channel: index, device: devices[0]! });
    });
    return {
      deviceName: this.deviceName,
      timeStep: this.timeStep,
      trigger: this.configuration.trigger,
      channels: this.channels.map((c) => ({
        field: c.field,
        description: c.configuration.description,
        kind: c.configuration.type,
        baseUnit: c.baseUnit.symbol,
      })),
      triggerChannels,
    };
  }

  /** The shot's compiled sequence and the device's program for it. */
  compileShot(shot: ShotContext): SequencerShotParameters<Program> {
    const compiled = this.compileSequence(shot);
    return { ...compiled, program: this.compileProgram(compiled) };
  }

  /**
   * The device's program for a compiled sequence (e.g. a PulseBlaster instruction table), checked
   * against the hardware limits. The default has no program.
   */
  protected compileProgram(_compiled: CompiledSequence): Program {
    return undefined as Program;
  }

  /**
   * Evaluates every channel and stacks them.
   * @throws the channel's error (naming device and channel), or a {@link SequencerCompilationError}
   * holding one error per failing channel.
   */
  compileSequence(shot: ShotContext): CompiledSequence {
    const shotTicks = numberTicks(0, shot.shotDuration, this.timeStep);
    const errors: unknown[] = [];
    const shifts: AdvanceAndDelay[] = [];
    for (const channel of this.channels) {
      try {
        shifts.push(channel.node.maxAdvanceAndDelay(shot.parameters, this.timeStep));
      } catch (e) {
        errors.push(withContext(e, channel.location));
      }
    }
    if (errors.length > 0) throw this.combine(errors);
    const { advance, delay } = combineAdvanceAndDelay(shifts);
    const evaluation: OutputEvaluation = {
      deviceName: this.deviceName,
      timeStep: this.timeStep,
      shot,
      shotTicks,
      lanes: this.lanes,
    };
    const length = advance + shotTicks + delay;
    const fields: TimedInstruction[] = [];
    for (const channel of this.channels) {
      try {
        fields.push(this.evaluateChannel(channel, evaluation, advance, delay, length));
      } catch (e) {
        errors.push(withContext(e, channel.location));
      }
    }
    if (errors.length > 0) throw this.combine(errors);
    if (fields.length === 0) {
      throw new SequencerProgramError(`the sequencer has no channel`, {
        location: { device: this.deviceName },
      });
    }
    return { sequence: stackInstructions(fields), shotStart: advance, shotTicks };
  }

  private evaluateChannel(
    channel: CompiledChannel,
    evaluation: OutputEvaluation,
    advance: number,
    delay: number,
    length: number,
  ): TimedInstruction {
    const series = channel.node.evaluate(evaluation, advance, delay);
    if (series.values.length !== length) {
      throw new ContractViolationError(
        `the output ${channel.node.toString()} has ${series.values.length} ticks instead of ${length}`,
      );
    }
    const last = channel.last;
    if (last?.series.values === series.values && last.series.unit === series.unit)
      return last.field;
    const field = this.checkChannel(channel, series);
    channel.last = { series, field };
    return field;
  }

  /** The channel's field: its values checked (type, unit, range), cast and named `ch i`. */
  private checkChannel(channel: CompiledChannel, series: DimensionedSeries): TimedInstruction {
    const label = channelLabel(channel.index, channel.configuration);
    if (series.values.layout.structured) {
      throw new ChannelTypeError(`the output of ${label} has several fields`);
    }
    checkKind(channel, { unit: series.unit, boolean: series.values.layout.dtype === 'bool' });
    if (channel.configuration.type === 'digital') return withName(series.values, channel.field);
    const values = castInstruction(series.values, 'float64');
    const range = this.limits.analogRange;
    if (range !== undefined && values.length > 0) {
      const [lo, hi] = valueRange(values);
      if (lo < range[0] || hi > range[1]) {
        throw new SequencerProgramError(
          `${label} goes from ${lo} to ${hi} ${channel.baseUnit.symbol}, outside the ${this.limits.model} range [${range[0]}, ${range[1]}]`,
        );
      }
    }
    return withName(values, channel.field);
  }

  private combine(errors: unknown[]): unknown {
    if (errors.length === 1) return errors[0];
    const fatal = errors.find((e) => !(e instanceof ShotlineError) || !e.recoverable);
    if (fatal !== undefined) return fatal;
    return new SequencerCompilationError(errors as ShotlineError[], {
      location: { device: this.deviceName },
    });
  }

  /**
   * The signal a master sequencer (time step `masterStep`, ps) outputs to drive this sequencer, with
   * `numberTicks(0, shotDuration, masterStep)` ticks:
   * - external start: high for the first half of the shot, then low;
   * - external clock: one pulse per tick of this sequencer;
   * - external clock on change: one pulse per sample of this shot's sequence (adaptive clock).
   * @throws SequencerTriggerError for a software-triggered sequencer, a clock ratio that is not a
   * whole multiple of at least 2, or a clocked sequencer with advance/delay padding.
   */
  computeTrigger(masterStep: number, shot: ShotContext): TimedInstruction {
    const location = { device: this.deviceName };
    const masterTicks = numberTicks(0, shot.shotDuration, masterStep);
    const trigger = this.configuration.trigger;
    try {
      switch (trigger.type) {
        case 'software':
          throw new SequencerTriggerError(
            `cannot generate a trigger for the sequencer "${this.deviceName}": it is software-triggered`,
          );
        case 'externalStart':
          return startTrigger(masterTicks);
        case 'externalClock':
        case 'externalClockOnChange': {
          if (trigger.edge === 'both') {
            throw new SequencerTriggerError(
              `a sequencer channel cannot clock "${this.deviceName}" on both edges: use rising or falling`,
            );
          }
          clockDivision(this.timeStep, masterStep);
          const own = shot.shotParametersOf(this.deviceName) as CompiledSequence;
          if (own.sequence.length !== own.shotTicks) {
            throw new SequencerTriggerError(
              `the externally clocked sequencer "${this.deviceName}" has ${own.sequence.length - own.shotTicks} ` +
                `ticks of advance/delay padding, which its master cannot clock: remove its Advance and Delay outputs`,
            );
          }
          const div = this.timeStep / masterStep;
          const last =
            trigger.type === 'externalClockOnChange'
              ? lastClockSample(own.sequence)
              : own.sequence.length > 0
                ? { start: own.sequence.length - 1, length: 1 }
                : undefined;
          const edgeTick =
            last === undefined
              ? 0
              : last.start * div + (trigger.edge === 'falling' ? Math.ceil(div / 2) : 0);
          if (edgeTick >= masterTicks) {
            throw new SequencerTriggerError(
              `the last ${trigger.edge} clock edge of "${this.deviceName}" would come after the end ` +
                `of the shot (master tick ${edgeTick} of ${masterTicks}): make the shot a whole number ` +
                `of its time steps, or clock it on rising edges`,
            );
          }
          const pulse = clockPulse(this.timeStep, masterStep);
          const clock =
            trigger.type === 'externalClockOnChange'
              ? adaptiveClock(own.sequence, pulse)
              : repeat(pulse, own.sequence.length);
          return fitToLength(clock, masterTicks);
        }
      }
    } catch (e) {
      throw withContext(e, location);
    }
  }
}

/**
 * Checks that what an output gives fits its channel: booleans for a digital channel, the dimension
 * of the output unit for an analog one.
 * @throws ChannelTypeError or ChannelUnitError naming the channel.
 */
function checkKind(channel: CompiledChannel, type: StaticOutputType): void {
  const label = channelLabel(channel.index, channel.configuration);
  if (channel.configuration.type === 'digital') {
    if (!type.unit.isDimensionless || !type.boolean) {
      throw new ChannelTypeError(
        `${label} is digital, but its output ${channel.node.toString()} gives ` +
          (type.unit.isDimensionless
            ? `numbers: use a digital lane or Enabled/Disabled`
            : `values in ${type.unit.symbol}`),
      );
    }
    return;
  }
  if (!type.unit.dimension.equals(channel.baseUnit.dimension)) {
    const expected = channel.configuration.outputUnit;
    throw new ChannelUnitError(
      `${label} outputs ${expected || 'dimensionless values'} (${channel.baseUnit.symbol || 'dimensionless'}), ` +
        `but its output ${channel.node.toString()} gives ${type.unit.symbol || 'dimensionless values'}`,
    );
  }
}
