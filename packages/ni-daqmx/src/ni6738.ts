import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, BaseDevice, ContractViolationError } from '@shotline/core';
import {
  type SequencerDevice,
  type SequencerShotParameters,
  type SequencerTrigger,
  SequencerHardwareError,
  SequencerProgramError,
  SequencerRun,
} from '@shotline/sequencer';
import { DAQMX, daqmxEdge } from './daqmx/daqmx-constants.js';
import {
  DaqmxDeviceNotFoundError,
  DaqmxError,
  DaqmxNotAvailableError,
  NIDAQMX_INSTALL_HINT,
  daqmxErrorLocation,
  daqmxMessageChannel,
  daqmxMessageOneLine,
} from './daqmx/daqmx-errors.js';
import {
  type DaqmxLibrary,
  type DaqmxTask,
  MINIMUM_DAQMX_MAJOR_VERSION,
  loadDaqmx,
} from './daqmx/daqmx-library.js';
import type { Ni6738InitParameters } from './ni6738-compiler.js';
import { NI6738_MODEL, NI6738_VOLTAGE_RANGE } from './ni6738-configuration.js';
import type { Ni6738Program } from './ni6738-program.js';

/** Loads NI-DAQmx (a path, or undefined for the default search). */
export type DaqmxLoader = (libraryPath: string | undefined) => DaqmxLibrary;

/** The longest pause between two "is the generation done?" checks, in ms. */
const MAX_POLL_INTERVAL_MS = 20;

/**
 * An NI 6738 analog output card driven through NI-DAQmx, as a sequencer clocked by a master.
 *
 * - `open()` loads NI-DAQmx, checks its version, that the device exists and is an NI 6738, creates
 *   one task with the 32 voltage channels `<device>/ao0:31` (±10 V).
 * - `program()` configures a finite generation of the shot's sample count on the external sample
 *   clock (`/<device>/PFIn`, the configured edge, expected rate 1/time step), enables the clock's
 *   digital filter (minimum pulse width time step / 8, so glitches are not counted as samples) and
 *   writes the buffer (GroupByChannel).
 * - `run()` starts the task: the card is then armed and plays one sample per clock edge;
 *   the run waits until NI-DAQmx reports the generation done, then stops the task.
 * - `close()` stops and clears the task and unloads the library, whatever happened.
 *
 * Every NI-DAQmx error becomes a {@link DaqmxError} with NI's code and message, naming the device
 * and, when NI names one, the channel.
 */
export class Ni6738 extends BaseDevice implements SequencerDevice<Ni6738Program> {
  readonly deviceName: string;
  readonly trigger: SequencerTrigger;
  private api: DaqmxLibrary | undefined;
  private task: DaqmxTask | undefined;
  private programmed: Ni6738Program | undefined;

  constructor(
    readonly parameters: Ni6738InitParameters,
    private readonly load: DaqmxLoader = loadDaqmx,
  ) {
    super();
    this.deviceName = parameters.deviceName;
    this.trigger = parameters.trigger;
  }

  async open(): Promise<void> {
    const api = this.load(this.parameters.libraryPath);
    this.onClose(() => {
      this.api = undefined;
      api.unload();
    });
    this.checkVersion(api);
    this.checkDevice(api);
    const created: [DaqmxTask | null] = [null];
    this.check(api, 'DAQmxCreateTask', api.DAQmxCreateTask(`shotline ${this.deviceName}`, created));
    const task = created[0];
    if (task === null) {
      throw new DaqmxError(`NI-DAQmx DAQmxCreateTask gave no task`, {
        daqmxCode: 0,
        daqmxFunction: 'DAQmxCreateTask',
        daqmxMessage: '',
        location: { device: this.deviceName },
      });
    }
    this.onClose(() => {
      this.task = undefined;
      api.DAQmxStopTask(task);
      this.check(api, 'DAQmxClearTask', api.DAQmxClearTask(task));
    });
    const [lo, hi] = NI6738_VOLTAGE_RANGE;
    const last = this.parameters.channels.length - 1;
    this.check(
      api,
      'DAQmxCreateAOVoltageChan',
      api.DAQmxCreateAOVoltageChan(
        task,
        `${this.parameters.deviceId}/ao0:${last}`,
        '',
        lo,
        hi,
        DAQMX.volts,
        null,
      ),
    );
    this.api = api;
    this.task = task;
  }

  /** Configures the finite generation of the shot and writes its buffer (does not start it). */
  async program(
    parameters: SequencerShotParameters<Ni6738Program>,
    shotIndex: number,
  ): Promise<void> {
    const { api, task } = this.opened();
    const { program } = parameters;
    const channels = this.parameters.channels.length;
    if (program.channels !== channels) {
      throw new SequencerProgramError(
        `the program has ${program.channels} channels, the ${NI6738_MODEL} task ${channels}`,
        { location: { device: this.deviceName, shot: shotIndex } },
      );
    }
    const { deviceId, clockTerminal, timeStep, writeTimeout } = this.parameters;
    const edge = this.trigger.type === 'software' ? 'rising' : this.trigger.edge;
    if (edge === 'both') {
      throw new ContractViolationError(`the ${NI6738_MODEL} cannot sample on both clock edges`);
    }
    const n = program.samplesPerChannel;
    this.check(
      api,
      'DAQmxCfgSampClkTiming',
      api.DAQmxCfgSampClkTiming(
        task,
        `/${deviceId}/${clockTerminal}`,
        1e12 / timeStep,
        daqmxEdge(edge),
        DAQMX.finiteSamples,
        n,
      ),
    );
    this.check(api, 'DAQmxSetSampClkDigFltrEnable', api.DAQmxSetSampClkDigFltrEnable(task, 1));
    this.check(
      api,
      'DAQmxSetSampClkDigFltrMinPulseWidth',
      api.DAQmxSetSampClkDigFltrMinPulseWidth(task, timeStep / 8e12),
    );
    const written: [number] = [0];
    this.check(
      api,
      'DAQmxWriteAnalogF64',
      api.DAQmxWriteAnalogF64(
        task,
        n,
        0,
        writeTimeout,
        DAQMX.groupByChannel,
        program.samples,
        written,
        null,
      ),
    );
    if (written[0] !== n) {
      throw new SequencerHardwareError(
        `NI-DAQmx took ${written[0]} of the ${n} samples per channel of shot ${shotIndex}`,
        { location: { device: this.deviceName, shot: shotIndex } },
      );
    }
    this.programmed = program;
  }

  /** Starts the task: the card waits for the master's clock edges. */
  async run(): Promise<SequencerRun> {
    const { api, task } = this.opened();
    const program = this.programmed;
    if (program === undefined) {
      throw new ContractViolationError(`the ${NI6738_MODEL} "${this.deviceName}" has no program`);
    }
    this.programmed = undefined;
    this.check(api, 'DAQmxStartTask', api.DAQmxStartTask(task));
    return new Ni6738Run(this, program.durationPs / 1e9);
  }

  /** Whether the started generation has played all its samples (`DAQmxIsTaskDone`). */
  isDone(): boolean {
    const { api, task } = this.opened();
    const done: [number] = [0];
    this.check(api, 'DAQmxIsTaskDone', api.DAQmxIsTaskDone(task, done));
    if (done[0] === 0) return false;
    // Reports an error the generation ended with (an underflow, a clock too fast...).
    this.check(api, 'DAQmxWaitUntilTaskDone', api.DAQmxWaitUntilTaskDone(task, 0));
    return true;
  }

  /** Stops the generation (`DAQmxStopTask`); the task stays configured. */
  stopGeneration(): void {
    const { api, task } = this.opened();
    this.check(api, 'DAQmxStopTask', api.DAQmxStopTask(task));
  }

  private opened(): { api: DaqmxLibrary; task: DaqmxTask } {
    if (this.api === undefined || this.task === undefined) {
      throw new ContractViolationError(`the ${NI6738_MODEL} "${this.deviceName}" is not open`);
    }
    return { api: this.api, task: this.task };
  }

  private checkVersion(api: DaqmxLibrary): void {
    const major: [number] = [0];
    const minor: [number] = [0];
    this.check(api, 'DAQmxGetSysNIDAQMajorVersion', api.DAQmxGetSysNIDAQMajorVersion(major));
    this.check(api, 'DAQmxGetSysNIDAQMinorVersion', api.DAQmxGetSysNIDAQMinorVersion(minor));
    if (major[0] < MINIMUM_DAQMX_MAJOR_VERSION) {
      throw new DaqmxNotAvailableError(
        `${api.source} is NI-DAQmx ${major[0]}.${minor[0]}, older than the ` +
          `${MINIMUM_DAQMX_MAJOR_VERSION}.0 this driver needs: ${NIDAQMX_INSTALL_HINT}`,
        { location: { device: this.deviceName, resource: api.source } },
      );
    }
  }

  /** Reads a string property: asks for its size, then reads it. */
  private readString(
    api: DaqmxLibrary,
    name: string,
    read: (buffer: Buffer | null, size: number) => number,
  ): string {
    const size = read(null, 0);
    if (size < 0) this.check(api, name, size);
    const buffer = Buffer.alloc(Math.max(1, size));
    this.check(api, name, read(buffer, buffer.length));
    const end = buffer.indexOf(0);
    return buffer.toString('latin1', 0, end < 0 ? buffer.length : end);
  }

  private checkDevice(api: DaqmxLibrary): void {
    const { deviceId } = this.parameters;
    const location = { device: this.deviceName, resource: deviceId };
    const names = this.readString(api, 'DAQmxGetSysDevNames', (b, s) =>
      api.DAQmxGetSysDevNames(b, s),
    )
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const found = names.find((name) => name.toLowerCase() === deviceId.toLowerCase());
    if (found === undefined) {
      throw new DaqmxDeviceNotFoundError(
        `NI-DAQmx has no device "${deviceId}" (it sees ` +
          (names.length === 0 ? 'no device' : names.map((n) => `"${n}"`).join(', ')) +
          `): set "deviceId" to the name NI MAX or \`nilsdev\` shows`,
        { location },
      );
    }
    const product = this.readString(api, 'DAQmxGetDevProductType', (b, s) =>
      api.DAQmxGetDevProductType(found, b, s),
    );
    if (!product.includes('6738')) {
      throw new DaqmxDeviceNotFoundError(
        `the NI-DAQmx device "${deviceId}" is an ${product}, not an ${NI6738_MODEL}: set ` +
          `"deviceId" to the 6738's name`,
        { location },
      );
    }
  }

  /** The configured name of a physical channel NI names (`Dev1/ao3`), if it is one of ours. */
  private channelOf(physical: string | undefined): string | undefined {
    if (physical === undefined) return undefined;
    const match = /^\/?([^/]+)\/ao(\d+)$/i.exec(physical);
    if (match === null || match[1]!.toLowerCase() !== this.parameters.deviceId.toLowerCase()) {
      return physical;
    }
    const index = Number(match[2]);
    const channel = this.parameters.channels[index];
    return channel === undefined || channel.description.trim() === ''
      ? `ao${index}`
      : channel.description;
  }

  /** Throws a {@link DaqmxError} for a negative NI-DAQmx status (warnings pass). */
  check(api: DaqmxLibrary, daqmxFunction: string, status: number): void {
    if (status >= 0) return;
    let message = '';
    try {
      message = this.readString(api, 'DAQmxGetExtendedErrorInfo', (b, s) =>
        api.DAQmxGetExtendedErrorInfo(b, s),
      );
    } catch {
      // the error is reported with its code alone
    }
    const daqmxMessage = daqmxMessageOneLine(message);
    throw new DaqmxError(
      `NI-DAQmx ${daqmxFunction} failed with error ${status}` +
        (daqmxMessage === '' ? '' : `: ${daqmxMessage}`),
      {
        daqmxCode: status,
        daqmxFunction,
        daqmxMessage,
        location: daqmxErrorLocation(this.deviceName, this.channelOf(daqmxMessageChannel(message))),
      },
    );
  }
}

/** The error to reject with when a wait is aborted. */
function abortReason(signal: AbortSignal, what: string): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortedError(`${what} was aborted`);
}

/** A started NI 6738 generation. */
class Ni6738Run extends SequencerRun {
  constructor(
    private readonly card: Ni6738,
    /** How long the shot plays, in ms: no need to ask NI-DAQmx before. */
    private readonly expectedMs: number,
  ) {
    super(card.deviceName);
  }

  protected async waitForEnd(signal: AbortSignal): Promise<void> {
    const what = `the generation of "${this.deviceName}"`;
    let pause = this.expectedMs;
    while (!this.card.isDone()) {
      try {
        await sleep(Math.max(1, pause), undefined, { signal });
      } catch {
        throw abortReason(signal, what);
      }
      pause = Math.min(MAX_POLL_INTERVAL_MS, Math.max(1, pause / 4));
    }
  }

  protected async halt(): Promise<void> {
    this.card.stopGeneration();
  }
}
