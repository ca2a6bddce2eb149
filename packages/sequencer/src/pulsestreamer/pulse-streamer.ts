import { BaseDevice, ConnectionFailedError, ContractViolationError } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerInitParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerTrigger } from '../configuration/trigger.js';
import { waitForCompletion } from '../internal/abortable-sleep.js';
import { type SequencerDevice, SequencerRun } from '../runtime/sequencer-device.js';
import { SequencerProgramError } from '../sequencer-errors.js';
import { type PulseList, encodePulses } from './pulse-list.js';
import {
  CLOCK_SOURCE,
  PulseStreamerClient,
  TRIGGER_REARM,
  TRIGGER_START,
} from './pulse-streamer-client.js';
import type { PulseStreamerConfiguration } from './pulse-streamer-configuration.js';

/** What a Pulse Streamer device is built from. */
export interface PulseStreamerInitParameters extends SequencerInitParameters {
  readonly address: string;
  readonly port: number;
  readonly clockSource: PulseStreamerConfiguration['clockSource'];
  readonly requestTimeoutMs: number;
}

/** The `setTrigger` start mode of a trigger. */
function startMode(trigger: SequencerTrigger): number {
  switch (trigger.type) {
    case 'software':
      return TRIGGER_START.software;
    case 'externalStart':
      return trigger.edge === 'rising'
        ? TRIGGER_START.hardwareRising
        : trigger.edge === 'falling'
          ? TRIGGER_START.hardwareFalling
          : TRIGGER_START.hardwareRisingAndFalling;
    default:
      throw new ContractViolationError(`the Pulse Streamer cannot be triggered by ${trigger.type}`);
  }
}

/**
 * A Swabian Pulse Streamer 8/2 over its JSON-RPC network interface: `open` checks it answers, sets
 * the trigger (manual rearm) and the reference clock; each shot streams the compiled pulse list
 * (which arms it for a hardware trigger); `run` starts it (software trigger); the end is read from
 * `hasFinished` once the sequence's duration has elapsed; stopping forces the final state.
 */
export class PulseStreamer extends BaseDevice implements SequencerDevice<PulseList> {
  readonly deviceName: string;
  readonly trigger: SequencerTrigger;
  private client: PulseStreamerClient | undefined;
  private programmed: PulseList | undefined;

  constructor(readonly parameters: PulseStreamerInitParameters) {
    super();
    this.deviceName = parameters.deviceName;
    this.trigger = parameters.trigger;
  }

  /** `http://address:port/json-rpc`. */
  get url(): string {
    const { address, port } = this.parameters;
    const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
    return `http://${host}:${port}/json-rpc`;
  }

  async open(): Promise<void> {
    const client = new PulseStreamerClient(
      this.url,
      this.parameters.requestTimeoutMs,
      this.deviceName,
    );
    const version = await client.call('getFirmwareVersion');
    if (typeof version !== 'string') {
      throw new ConnectionFailedError(
        `the device at ${this.url} does not look like a Pulse Streamer`,
        {
          location: { device: this.deviceName, resource: this.url },
        },
      );
    }
    await client.call('setTrigger', startMode(this.trigger), TRIGGER_REARM.manual);
    await client.call('selectClock', CLOCK_SOURCE[this.parameters.clockSource]);
    this.client = client;
    this.onClose(() => {
      this.client = undefined;
    });
  }

  /** Streams the shot's pulses; a hardware-triggered instrument is then armed. */
  async program(parameters: SequencerShotParameters<PulseList>, shotIndex: number): Promise<void> {
    const client = this.opened();
    if (parameters.sequence.width !== this.parameters.channels.length) {
      throw new SequencerProgramError(
        `the sequence has ${parameters.sequence.width} channels, the Pulse Streamer ${this.parameters.channels.length}`,
        { location: { device: this.deviceName, shot: shotIndex } },
      );
    }
    const list = parameters.program;
    await client.call('stream', encodePulses(list.bytes), 1, [0, list.finalDigital, 0, 0]);
    this.programmed = list;
  }

  /** Starts the streamed sequence (software trigger); a hardware-triggered one is already armed. */
  async run(): Promise<SequencerRun> {
    const client = this.opened();
    const list = this.programmed;
    if (list === undefined) {
      throw new ContractViolationError(`the Pulse Streamer "${this.deviceName}" has no sequence`);
    }
    this.programmed = undefined;
    const software = this.trigger.type === 'software';
    if (software) await client.call('startNow');
    return new PulseStreamerRun(
      this.deviceName,
      client,
      software ? list.durationNs / 1e6 : undefined,
    );
  }

  private opened(): PulseStreamerClient {
    if (this.client === undefined) {
      throw new ContractViolationError(`the Pulse Streamer "${this.deviceName}" is not open`);
    }
    return this.client;
  }
}

class PulseStreamerRun extends SequencerRun {
  constructor(
    deviceName: string,
    private readonly client: PulseStreamerClient,
    private readonly expectedMs: number | undefined,
  ) {
    super(deviceName);
  }

  protected waitForEnd(signal: AbortSignal): Promise<void> {
    return waitForCompletion({
      ...(this.expectedMs === undefined ? {} : { expectedMs: this.expectedMs }),
      isFinished: async () => (await this.client.call('hasFinished')) === true,
      signal,
      what: `the sequence of "${this.deviceName}"`,
    });
  }

  protected async halt(): Promise<void> {
    await this.client.call('forceFinal');
  }
}
