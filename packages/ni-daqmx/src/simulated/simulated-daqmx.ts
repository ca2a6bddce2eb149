import type { TriggerBus, TriggerEdge } from '@shotline/core';
import type { ChannelTimeline, SequencerTimelineRecorder } from '@shotline/sequencer';
import { DAQMX } from '../daqmx/daqmx-constants.js';
import type { DaqmxLibrary, DaqmxTask } from '../daqmx/daqmx-library.js';

/** Where a simulated card's sample clock comes from. */
export type SimulatedClock = 'master' | 'internal';

/** What a {@link SimulatedDaqmx} simulates. */
export interface SimulatedDaqmxOptions {
  /** The lab's device name of the card: the master's `DeviceTrigger` edges for it clock it. */
  readonly deviceName: string;
  /** Its NI-DAQmx name (`Dev1`). */
  readonly deviceId: string;
  /**
   * `master`: one sample per clock edge a simulated master publishes on the trigger bus;
   * `internal`: the card clocks itself at its time step (a card alone, for tests).
   */
  readonly clock: SimulatedClock;
  readonly bus: TriggerBus;
  /** The card's time step in picoseconds (for the internal clock and the timeline). */
  readonly timeStep: number;
  /** Channel descriptions, for the recorded timeline. */
  readonly channels: readonly { readonly field: string; readonly description: string }[];
  /** Receives what the card output in each shot. */
  readonly recorder?: SequencerTimelineRecorder;
}

interface SimulatedTask {
  readonly name: string;
  channelCount: number;
  samples: number;
  edge: number;
  data: Float64Array | undefined;
  running: boolean;
  played: number;
  startedAt: number;
  times: number[];
  shot: number;
  unsubscribe: (() => void) | undefined;
}

const INVALID_TASK = -200088;
const INVALID_DEVICE = -200220;
const INVALID_VALUE = -200077;
const NO_DATA = -200462;
const WHILE_RUNNING = -200479;
const NOT_DONE = -200560;
const INVALID_TERMINAL = -89120;

/**
 * NI-DAQmx simulated in software for one NI 6738, for labs and demos without the card: the same
 * C functions as the real library (so the same driver code runs), checking the same things the
 * real one refuses (device names, channels, ranges, units, terminals, sample counts, buffer
 * layout), and playing the generation: one sample per clock edge the lab's simulated master
 * publishes for the card (or on its own clock). What the card output is recorded as a
 * {@link SequencerTimeline} in master time.
 */
export class SimulatedDaqmx implements DaqmxLibrary {
  readonly source = 'simulated NI-DAQmx';
  private readonly tasks = new Map<bigint, SimulatedTask>();
  private nextHandle = 1n;
  private lastError = '';

  constructor(private readonly options: SimulatedDaqmxOptions) {}

  private fail(code: number, message: string, task?: SimulatedTask): number {
    this.lastError =
      `${message}\n\n` + (task ? `Task Name: ${task.name}\n\n` : '') + `Status Code: ${code}`;
    return code;
  }

  private invalidTask(): number {
    return this.fail(INVALID_TASK, 'Task specified is invalid or does not exist.');
  }

  private whileRunning(task: SimulatedTask): number {
    return this.fail(
      WHILE_RUNNING,
      'Specified operation cannot be performed while the task is running.',
      task,
    );
  }

  private task(handle: DaqmxTask): SimulatedTask | undefined {
    return this.tasks.get(handle);
  }

  private isOurDevice(name: string): boolean {
    return name.toLowerCase() === this.options.deviceId.toLowerCase();
  }

  private static writeString(text: string, buffer: Buffer | null, size: number): number {
    if (size === 0 || buffer === null) return Buffer.byteLength(text, 'latin1') + 1;
    buffer.fill(0, 0, size);
    buffer.write(text.slice(0, size - 1), 'latin1');
    return 0;
  }

  DAQmxGetSysNIDAQMajorVersion(data: [number]): number {
    data[0] = 23;
    return 0;
  }

  DAQmxGetSysNIDAQMinorVersion(data: [number]): number {
    data[0] = 5;
    return 0;
  }

  DAQmxGetSysDevNames(data: Buffer | null, bufferSize: number): number {
    return SimulatedDaqmx.writeString(this.options.deviceId, data, bufferSize);
  }

  DAQmxGetDevProductType(device: string, data: Buffer | null, bufferSize: number): number {
    if (!this.isOurDevice(device)) {
      return this.fail(
        INVALID_DEVICE,
        `Device identifier is invalid.\n\nDevice Specified: ${device}`,
      );
    }
    return SimulatedDaqmx.writeString('NI PCIe-6738 (simulated)', data, bufferSize);
  }

  DAQmxCreateTask(taskName: string, taskHandle: [DaqmxTask | null]): number {
    const handle = this.nextHandle++;
    this.tasks.set(handle, {
      name: taskName,
      channelCount: 0,
      samples: 0,
      edge: DAQMX.rising,
      data: undefined,
      running: false,
      played: 0,
      startedAt: 0,
      times: [],
      shot: -1,
      unsubscribe: undefined,
    });
    taskHandle[0] = handle;
    return 0;
  }

  DAQmxClearTask(handle: DaqmxTask): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    this.DAQmxStopTask(handle);
    this.tasks.delete(handle);
    return 0;
  }

  DAQmxCreateAOVoltageChan(
    handle: DaqmxTask,
    physicalChannel: string,
    _name: string,
    minVal: number,
    maxVal: number,
    units: number,
    _customScaleName: string | null,
  ): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    const match = /^([^/]+)\/ao(\d+)(?::(\d+))?$/.exec(physicalChannel.trim());
    if (match === null || !this.isOurDevice(match[1]!)) {
      return this.fail(
        INVALID_DEVICE,
        `Device identifier is invalid.\n\nPhysical Channel Name: ${physicalChannel}`,
        task,
      );
    }
    const first = Number(match[2]);
    const last = match[3] === undefined ? first : Number(match[3]);
    if (last < first || last > 31) {
      return this.fail(
        -200170,
        `Physical channel specified does not exist on this device.\n\nPhysical Channel Name: ${physicalChannel}`,
        task,
      );
    }
    if (units !== DAQMX.volts || minVal < -10 || maxVal > 10 || !(minVal < maxVal)) {
      return this.fail(
        INVALID_VALUE,
        'Requested value is not a supported value for this property.',
        task,
      );
    }
    task.channelCount += last - first + 1;
    return 0;
  }

  DAQmxCfgSampClkTiming(
    handle: DaqmxTask,
    source: string,
    rate: number,
    activeEdge: number,
    sampleMode: number,
    sampsPerChan: number,
  ): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    if (task.running) return this.whileRunning(task);
    const terminal = /^\/([^/]+)\/PFI(\d+)$/.exec(source);
    if (terminal === null || !this.isOurDevice(terminal[1]!) || Number(terminal[2]) > 15) {
      return this.fail(
        INVALID_TERMINAL,
        `Source terminal to be routed could not be found on the device.\n\nSource Terminal: ${source}`,
        task,
      );
    }
    if (
      (activeEdge !== DAQMX.rising && activeEdge !== DAQMX.falling) ||
      sampleMode !== DAQMX.finiteSamples ||
      sampsPerChan < 2 ||
      !(rate > 0 && rate <= 400_000 * (1 + 1e-12))
    ) {
      return this.fail(
        INVALID_VALUE,
        'Requested value is not a supported value for this property.',
        task,
      );
    }
    task.samples = sampsPerChan;
    task.edge = activeEdge;
    task.data = undefined;
    return 0;
  }

  DAQmxSetSampClkDigFltrEnable(handle: DaqmxTask, _data: number): number {
    return this.task(handle) === undefined ? this.invalidTask() : 0;
  }

  DAQmxSetSampClkDigFltrMinPulseWidth(handle: DaqmxTask, data: number): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    return data > 0
      ? 0
      : this.fail(
          INVALID_VALUE,
          'Requested value is not a supported value for this property.',
          task,
        );
  }

  DAQmxWriteAnalogF64(
    handle: DaqmxTask,
    numSampsPerChan: number,
    autoStart: number,
    _timeout: number,
    dataLayout: number,
    writeArray: Float64Array,
    sampsPerChanWritten: [number],
    _reserved: null,
  ): number {
    sampsPerChanWritten[0] = 0;
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    if (task.running) return this.whileRunning(task);
    if (
      dataLayout !== DAQMX.groupByChannel ||
      autoStart !== 0 ||
      numSampsPerChan !== task.samples ||
      writeArray.length !== numSampsPerChan * task.channelCount
    ) {
      return this.fail(-200524, 'The buffer does not match the configured generation.', task);
    }
    for (let i = 0; i < writeArray.length; i++) {
      const value = writeArray[i]!;
      if (!(value >= -10 && value <= 10)) {
        return this.fail(
          -200561,
          `Attempted writing analog data that is too large or too small.\n\nChannel Name: ` +
            `${this.options.deviceId}/ao${Math.floor(i / numSampsPerChan)}`,
          task,
        );
      }
    }
    task.data = writeArray.slice();
    sampsPerChanWritten[0] = numSampsPerChan;
    return 0;
  }

  DAQmxStartTask(handle: DaqmxTask): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    if (task.running) return this.whileRunning(task);
    if (task.data === undefined) {
      return this.fail(
        NO_DATA,
        'Generation cannot be started because the output buffer is empty.',
        task,
      );
    }
    task.running = true;
    task.played = 0;
    task.times = [];
    task.shot = -1;
    task.startedAt = performance.now();
    if (this.options.clock === 'master') {
      const wanted = task.edge === DAQMX.rising ? 'rising' : 'falling';
      task.unsubscribe = this.options.bus.subscribe(this.options.deviceName, (edge) => {
        if (edge.edge === wanted) this.clock(task, edge);
      });
    }
    return 0;
  }

  /** One clock edge: the next sample. Edges after the last sample are ignored, as by the card. */
  private clock(task: SimulatedTask, edge: TriggerEdge): void {
    if (!task.running || task.played >= task.samples) return;
    if (task.played === 0) task.shot = edge.shot ?? -1;
    task.times.push(edge.time);
    task.played++;
  }

  /** Samples played so far (the internal clock runs at the time step from the start). */
  private played(task: SimulatedTask): number {
    if (!task.running || this.options.clock === 'master') return task.played;
    const elapsedPs = (performance.now() - task.startedAt) * 1e9;
    return Math.min(task.samples, Math.floor(elapsedPs / this.options.timeStep) + 1);
  }

  DAQmxIsTaskDone(handle: DaqmxTask, isTaskDone: [number]): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    isTaskDone[0] = !task.running || this.played(task) >= task.samples ? 1 : 0;
    return 0;
  }

  DAQmxWaitUntilTaskDone(handle: DaqmxTask, _timeToWait: number): number {
    const done: [number] = [0];
    const status = this.DAQmxIsTaskDone(handle, done);
    if (status < 0) return status;
    return done[0] === 1
      ? 0
      : this.fail(
          NOT_DONE,
          'Wait Until Done did not indicate all samples were generated.',
          this.task(handle),
        );
  }

  DAQmxStopTask(handle: DaqmxTask): number {
    const task = this.task(handle);
    if (task === undefined) return this.invalidTask();
    if (!task.running) return 0;
    const played = this.played(task);
    task.running = false;
    task.unsubscribe?.();
    task.unsubscribe = undefined;
    if (this.options.clock === 'internal') {
      task.times = Array.from({ length: played }, (_, k) => k * this.options.timeStep);
    }
    this.record(task, played);
    return 0;
  }

  /** Records the outputs of a stopped generation: each channel's changes at its clock edges. */
  private record(task: SimulatedTask, played: number): void {
    const { recorder, channels, timeStep, deviceName } = this.options;
    if (recorder === undefined || task.data === undefined || played === 0) return;
    const n = task.samples;
    const timelines: ChannelTimeline[] = channels.map((channel, f) => {
      const times: number[] = [];
      const values: number[] = [];
      for (let k = 0; k < played; k++) {
        const value = task.data![f * n + k]!;
        if (values.length > 0 && values[values.length - 1] === value) continue;
        times.push(task.times[k]!);
        values.push(value);
      }
      return { field: channel.field, description: channel.description, times, values };
    });
    const start = task.times[0]!;
    recorder.record({
      device: deviceName,
      shot: task.shot,
      timeStep,
      start,
      end: task.times[played - 1]! + timeStep,
      channels: timelines,
    });
  }

  DAQmxGetExtendedErrorInfo(errorString: Buffer | null, bufferSize: number): number {
    return SimulatedDaqmx.writeString(this.lastError, errorString, bufferSize);
  }

  unload(): void {
    for (const handle of [...this.tasks.keys()]) this.DAQmxClearTask(handle);
  }
}
