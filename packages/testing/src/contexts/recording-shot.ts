import {
  SharedShot,
  type DataLabel,
  type DataValue,
  type DeviceShotTiming,
  type RunningShot,
  type ShotTimer,
} from '@shotline/core';

/** Options of a {@link RecordingShot}. */
export interface RecordingShotOptions {
  /** Name of the device whose controller runs. Default `dut`. */
  readonly deviceName?: string;
  /** Index of the shot. Default 0. */
  readonly index?: number;
  /**
   * When the readiness barrier opens: `pass` (default), as soon as the controller calls it (the
   * device is alone in the shot, or the others are ready); `hold`, never (another device never gets
   * ready), so the controller waits there until the shot is aborted.
   */
  readonly barrier?: 'pass' | 'hold';
  /** Data other devices of the shot signalled, for a controller that waits for it. Default: none. */
  readonly otherData?: Readonly<Record<DataLabel, DataValue>>;
}

/** The stand-in for the other devices of a shot, when a test needs them. */
const OTHER_DEVICES = '(other devices)';

/**
 * A {@link RunningShot} for a controller's unit test: the engine's own (the readiness barrier, the
 * data exchange and its checks, the abort signal, the shot timer, the timing it stores), recording
 * what the controller did. `abort()` stops the shot as the engine does when another device fails.
 *
 * ```ts
 * const shot = new RecordingShot({ deviceName: 'cam' });
 * await controller.runShot(device, shotParameters, shot);
 * expect(shot.events).toEqual(['arm camera', 'barrier', 'data cam\\picture']);
 * ```
 */
export class RecordingShot implements RunningShot {
  /** The shot as the engine keeps it: every device's timing and data, its failure. */
  readonly shared: SharedShot;
  readonly index: number;
  readonly deviceName: string;
  /**
   * What the controller did, in order: `barrier` for each call of `waitAllDevicesReady()`,
   * `data <label>` for each label it signalled, and the name of each call it tracked.
   */
  readonly events: string[] = [];
  /** The data the controller signalled, by label. */
  readonly data = new Map<DataLabel, DataValue>();
  private readonly view: RunningShot;
  private readyCalls = 0;

  constructor(options: RecordingShotOptions = {}) {
    this.index = options.index ?? 0;
    this.deviceName = options.deviceName ?? 'dut';
    const otherData = Object.entries(options.otherData ?? {});
    const hold = options.barrier === 'hold';
    const others = hold || otherData.length > 0;
    this.shared = new SharedShot({
      index: this.index,
      devices: others ? [this.deviceName, OTHER_DEVICES] : [this.deviceName],
    });
    this.view = this.shared.runningShot(this.deviceName);
    if (others) {
      const other = this.shared.runningShot(OTHER_DEVICES);
      for (const [label, value] of otherData) other.signalData(label, value);
      // The barrier rejects when the shot is aborted: nobody waits for the stand-in.
      if (!hold) other.waitAllDevicesReady().catch(() => undefined);
    }
  }

  /** Fires when the shot is aborted (by {@link RecordingShot.abort} or a broken contract). */
  get signal(): AbortSignal {
    return this.shared.signal;
  }

  /** How many times the controller called `waitAllDevicesReady()` (the contract: once). */
  get barrierCalls(): number {
    return this.readyCalls;
  }

  /**
   * The timing the engine would store for the device: when it got ready and through the barrier,
   * its data waits and signals, its tracked calls (`calls`), in ms since the shot started.
   */
  get timing(): DeviceShotTiming {
    return this.shared.timings[this.deviceName]!;
  }

  /**
   * Aborts the shot, as the engine does when another device fails or the shot times out: the signal
   * fires with an `AbortedError` naming `reason`; the barrier and data waits reject.
   */
  abort(reason?: Error | string): void {
    this.shared.abort(
      reason instanceof Error ? reason : new Error(reason ?? 'the test aborted the shot'),
    );
  }

  waitAllDevicesReady(): Promise<ShotTimer> {
    this.readyCalls += 1;
    this.events.push('barrier');
    return this.view.waitAllDevicesReady();
  }

  signalData(label: DataLabel, data: DataValue): void {
    this.view.signalData(label, data);
    this.events.push(`data ${label}`);
    this.data.set(label, data);
  }

  waitData(label: DataLabel): Promise<DataValue> {
    return this.view.waitData(label);
  }

  sleep(milliseconds: number): Promise<void> {
    return this.view.sleep(milliseconds);
  }

  track<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.events.push(name);
    return this.view.track(name, work);
  }
}
