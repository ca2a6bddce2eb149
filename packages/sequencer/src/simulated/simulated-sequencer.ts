import {
  type TimedInstruction,
  type TriggerBus,
  type TriggerEdge,
  ContractViolationError,
} from '@shotline/core';
import { clockSamples, type ClockSample } from '../compiler/adaptive-clock.js';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { abortReason } from '../internal/abortable-sleep.js';
import { type ProgramInstruction, playProgram } from '../program/loop-program.js';
import { type SequencerDevice, SequencerRun } from '../runtime/sequencer-device.js';
import { SequencerHardwareError, SequencerProgramError } from '../sequencer-errors.js';
import type { SimulatedSequencerInitParameters } from './simulated-sequencer-compiler.js';
import type {
  ChannelTimeline,
  SequencerTimeline,
  SequencerTimelineRecorder,
} from './sequencer-timeline.js';

/** Most change entries a simulated shot may record (all channels together). */
const MAX_TIMELINE_ENTRIES = 1 << 24;

/** A programmed shot. */
interface Programmed {
  readonly parameters: SequencerShotParameters<ProgramInstruction[]>;
  readonly shot: number;
  /** The played runs of the program: position (tick), source tick, length. */
  readonly runs: readonly {
    readonly position: number;
    readonly source: number;
    readonly ticks: number;
  }[];
}

/**
 * A sequencer that exists only in software. It checks each program against its (configurable)
 * limits like hardware would, plays it on a virtual clock (instantly, or in scaled real time),
 * records what every channel output (a {@link SequencerTimeline}), and publishes the edges of its
 * trigger channels on the lab's {@link TriggerBus}, where simulated cameras and simulated slave
 * sequencers receive them. As a slave it starts on, or advances one sample per, the edges a master
 * publishes for it.
 */
export class SimulatedSequencer implements SequencerDevice<ProgramInstruction[]> {
  readonly deviceName: string;
  readonly trigger: SequencerTrigger;
  private opened = false;
  private programmed: Programmed | undefined;
  private active: SimulatedRun | undefined;
  /** The timeline of the last shot played, for inspection. */
  lastTimeline: SequencerTimeline | undefined;

  constructor(
    readonly parameters: SimulatedSequencerInitParameters,
    readonly bus: TriggerBus,
    private readonly recorder?: SequencerTimelineRecorder,
  ) {
    this.deviceName = parameters.deviceName;
    this.trigger = parameters.trigger;
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
    const active = this.active;
    this.active = undefined;
    if (active !== undefined) await active.stop(new Error('the device was closed'));
  }

  /**
   * Checks the program against the device (channel count, limits) and keeps it for {@link run}.
   * @throws SequencerProgramError naming the device for a program it cannot hold.
   */
  async program(
    parameters: SequencerShotParameters<ProgramInstruction[]>,
    shotIndex: number,
  ): Promise<void> {
    if (!this.opened) {
      throw new ContractViolationError(`the simulated sequencer "${this.deviceName}" is not open`);
    }
    const location = { location: { device: this.deviceName, shot: shotIndex } };
    const { sequence, program } = parameters;
    const channels = this.parameters.channels.length;
    if (sequence.width !== channels) {
      throw new SequencerProgramError(
        `the sequence has ${sequence.width} channels, but "${this.deviceName}" has ${channels}`,
        location,
      );
    }
    const limits = this.parameters.programLimits;
    if (program.length > limits.maxInstructions) {
      throw new SequencerProgramError(
        `the program has ${program.length} instructions, more than the ${limits.maxInstructions} of "${this.deviceName}"`,
        location,
      );
    }
    program.forEach((instruction, address) => {
      const problem =
        !Number.isSafeInteger(instruction.ticks) || instruction.ticks < 1
          ? `lasts ${instruction.ticks} ticks, less than the minimum instruction (1 tick of ${this.parameters.timeStep} ps)`
          : instruction.ticks > limits.maxTicksPerInstruction
            ? `lasts ${instruction.ticks} ticks, more than the longest instruction (${limits.maxTicksPerInstruction})`
            : instruction.opcode === 'loop' && instruction.data > limits.maxLoopCount
              ? `loops ${instruction.data} times, more than the limit of ${limits.maxLoopCount}`
              : undefined;
      if (problem !== undefined) {
        throw new SequencerProgramError(`instruction ${address} ${problem}`, location);
      }
    });
    const runs: { position: number; source: number; ticks: number }[] = [];
    let position = 0;
    playProgram(program, (run) => {
      runs.push({ position, source: run.source, ticks: run.ticks });
      position += run.ticks;
    });
    if (position !== sequence.length) {
      throw new SequencerProgramError(
        `the program plays ${position} ticks, but the sequence has ${sequence.length}`,
        location,
      );
    }
    this.programmed = { parameters, shot: shotIndex, runs };
  }

  /** Starts (software trigger) or arms (external trigger) the programmed shot. */
  async run(): Promise<SequencerRun> {
    const programmed = this.programmed;
    if (programmed === undefined) {
      throw new ContractViolationError(
        `the simulated sequencer "${this.deviceName}" has no program`,
      );
    }
    this.programmed = undefined;
    const run = new SimulatedRun(this, programmed, (timeline) => {
      this.lastTimeline = timeline;
      this.recorder?.record(timeline);
      if (this.active === run) this.active = undefined;
    });
    this.active = run;
    run.begin();
    return run;
  }
}

interface ScheduledEdge {
  readonly time: number;
  readonly edge: TriggerEdge;
}

/** One shot being played by a {@link SimulatedSequencer}. */
class SimulatedRun extends SequencerRun {
  private readonly sequence: TimedInstruction;
  private readonly timeStep: number;
  private readonly channels: ChannelTimeline[];
  private readonly last: number[];
  private entries = 0;
  private start: number | undefined;
  private end: number | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private failure: Error | undefined;
  private done = false;
  private readonly waiters = new Set<() => void>();
  private recorded = false;
  /** Slave clocking: the samples still to play, and where the program's runs are. */
  private samples: Iterator<ClockSample> | undefined;
  private runIndex = 0;
  private wallStart = 0;

  constructor(
    private readonly device: SimulatedSequencer,
    private readonly programmed: Programmed,
    private readonly onTimeline: (timeline: SequencerTimeline) => void,
  ) {
    super(device.deviceName);
    this.sequence = programmed.parameters.sequence;
    this.timeStep = device.parameters.timeStep;
    this.channels = device.parameters.channels.map((c) => ({
      field: c.field,
      description: c.description,
      times: [],
      values: [],
    }));
    this.last = this.channels.map(() => NaN);
  }

  /** Starts now (software trigger) or subscribes to the edges that start or clock it. */
  begin(): void {
    const trigger = this.device.trigger;
    if (trigger.type === 'software') {
      this.play(-this.programmed.parameters.shotStart * this.timeStep);
      return;
    }
    const wanted = trigger.edge;
    if (trigger.type === 'externalClockOnChange') {
      this.samples = clockSamples(this.sequence);
    } else if (trigger.type === 'externalClock') {
      this.samples = everyTick(this.sequence.length);
    }
    this.unsubscribe = this.device.bus.subscribe(this.device.deviceName, (edge) => {
      if (this.done) return;
      if (edge.shot !== undefined && edge.shot !== this.programmed.shot) return;
      if (wanted !== 'both' && edge.edge !== wanted) return;
      try {
        if (this.samples !== undefined) this.clock(edge.time);
        else if (this.start === undefined) this.play(edge.time);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Plays the whole program from shot time `t0` (the time of tick 0). */
  private play(t0: number): void {
    this.start = t0;
    const dt = this.timeStep;
    const events: ScheduledEdge[] = [];
    for (const run of this.programmed.runs) this.output(t0 + run.position * dt, run.source, events);
    this.end = t0 + this.sequence.length * dt;
    this.releaseTriggers(this.end, events);
    this.schedule(t0, events, this.end);
  }

  /** One external clock edge at `time`: the next sample. */
  private clock(time: number): void {
    const next = this.samples!.next();
    if (next.done === true) return; // extra clock edges after the end are ignored, as by hardware
    const sample = next.value;
    this.start ??= time;
    const runs = this.programmed.runs;
    while (runs[this.runIndex]!.position + runs[this.runIndex]!.ticks <= sample.start)
      this.runIndex++;
    const events: ScheduledEdge[] = [];
    this.output(time, runs[this.runIndex]!.source, events);
    for (const { edge } of events) this.device.bus.publish(edge);
    if (sample.start + sample.length >= this.sequence.length) {
      this.end = time + sample.length * this.timeStep;
      const release: ScheduledEdge[] = [];
      this.releaseTriggers(this.end, release);
      this.schedule(time, release, this.end);
    }
  }

  /** Records the values of tick `source` from `time` on, and the trigger edges they make. */
  private output(time: number, source: number, events: ScheduledEdge[]): void {
    const triggers = this.device.parameters.triggerChannels;
    for (let f = 0; f < this.channels.length; f++) {
      const value = this.sequence.numberAt(source, f);
      const previous = this.last[f]!;
      if (value === previous) continue;
      const channel = this.channels[f]!;
      (channel.times as number[]).push(time);
      (channel.values as number[]).push(value);
      this.last[f] = value;
      if (++this.entries > MAX_TIMELINE_ENTRIES) {
        throw new SequencerProgramError(
          `the shot changes outputs more than ${MAX_TIMELINE_ENTRIES} times: too long to simulate`,
          { location: { device: this.deviceName } },
        );
      }
      for (const target of triggers) {
        if (target.channel !== f) continue;
        const wasHigh = !Number.isNaN(previous) && previous !== 0;
        if ((value !== 0) === wasHigh) continue;
        events.push({
          time,
          edge: {
            device: target.device,
            time,
            edge: value !== 0 ? 'rising' : 'falling',
            shot: this.programmed.shot,
          },
        });
      }
    }
  }

  /**
   * When the program ends the board is stopped and its outputs return low, as most boards do: a
   * trigger still high at the end of the shot (a picture in the last step) falls at `end`, so the
   * device it triggers sees a complete pulse. The recorded timeline keeps the program's own values.
   */
  private releaseTriggers(end: number, events: ScheduledEdge[]): void {
    for (const target of this.device.parameters.triggerChannels) {
      const value = this.last[target.channel]!;
      if (Number.isNaN(value) || value === 0) continue;
      events.push({
        time: end,
        edge: { device: target.device, time: end, edge: 'falling', shot: this.programmed.shot },
      });
    }
  }

  /**
   * Publishes the edges at their times and ends at `end` (shot times, ps, from `t0`): all at once
   * when instant, else with timers scaled by the playback speed.
   */
  private schedule(t0: number, events: ScheduledEdge[], end: number): void {
    const playback = this.device.parameters.playback;
    events.sort((a, b) => a.time - b.time);
    if (playback.mode === 'instant') {
      for (const { edge } of events) this.device.bus.publish(edge);
      this.finish();
      return;
    }
    const msPerPs = 1e-9 / playback.speed;
    this.wallStart = performance.now();
    let next = 0;
    const pump = (): void => {
      const now = (performance.now() - this.wallStart) / msPerPs + t0;
      while (next < events.length && events[next]!.time <= now) {
        this.device.bus.publish(events[next]!.edge);
        next++;
      }
      if (next < events.length) this.after((events[next]!.time - now) * msPerPs, pump);
    };
    pump();
    this.after((end - t0) * msPerPs, () => {
      while (next < events.length) this.device.bus.publish(events[next++]!.edge);
      this.finish();
    });
  }

  private after(milliseconds: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        try {
          action();
        } catch (e) {
          this.fail(e instanceof Error ? e : new Error(String(e)));
        }
      },
      Math.max(0, milliseconds),
    );
    this.timers.add(timer);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.notify();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.done = true;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  protected waitForEnd(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (signal.aborted) {
          cleanup();
          reject(abortReason(signal, `the sequence of "${this.deviceName}"`));
        } else if (this.failure !== undefined) {
          cleanup();
          reject(
            new SequencerHardwareError(
              `the simulated sequencer "${this.deviceName}" failed: ${this.failure.message}`,
              { cause: this.failure, location: { device: this.deviceName } },
            ),
          );
        } else if (this.done) {
          cleanup();
          resolve();
        }
      };
      const cleanup = (): void => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', check);
      };
      this.waiters.add(check);
      signal.addEventListener('abort', check);
      check();
    });
  }

  protected async halt(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.done) this.fail(new Error('it was stopped before the end of the sequence'));
    if (this.recorded) return;
    this.recorded = true;
    const start = this.start ?? 0;
    this.onTimeline({
      device: this.deviceName,
      shot: this.programmed.shot,
      timeStep: this.timeStep,
      start,
      end: this.end ?? start,
      channels: this.channels,
    });
  }
}

/** One sample per tick (an external clock). */
function* everyTick(length: number): Generator<ClockSample> {
  for (let i = 0; i < length; i++) yield { start: i, length: 1 };
}
