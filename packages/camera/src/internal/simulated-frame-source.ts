import { picosecondsToSeconds, type TriggerBus, type TriggerEdge } from '@shotline/core';
import type { AcquisitionRequest } from '../acquisition.js';
import { CameraAcquisitionError, CameraDisconnectedError } from '../camera-errors.js';
import type { CameraImage } from '../camera-image.js';
import { pictureLabel } from '../picture-label.js';
import { renderSimulatedImage } from '../simulated/render-simulated-image.js';
import type {
  SimulatedCameraInitParameters,
  SimulatedShotSettings,
} from '../simulated/simulated-camera-compiler.js';
import type { SimulatedFaultTarget } from '../simulated/simulated-camera-configuration.js';
import type { FrameSource } from '../frame-source.js';

/** What the frame source needs from its camera. */
export interface SimulatedSensor {
  readonly deviceName: string;
  readonly roi: SimulatedCameraInitParameters['roi'];
  readonly parameters: SimulatedCameraInitParameters;
  readonly triggerBus: TriggerBus;
  /** Called when an injected disconnect happens: the camera stays unusable. */
  markDisconnected(): void;
}

/** A frame that has arrived: which trigger exposed it, and for how long (seconds). */
interface Frame {
  readonly triggerIndex: number;
  readonly exposure: number;
}

function matches(target: SimulatedFaultTarget, shot: number, picture: string): boolean {
  return (
    (target.shot === undefined || target.shot === shot) &&
    (target.picture === undefined || target.picture === picture)
  );
}

/**
 * The frames of one simulated acquisition. Each trigger (a rising/falling edge pair from the trigger
 * bus, or a software trigger at the end of each picture block, counted from the first awaited
 * picture) exposes one frame, which arrives `latencyMs` later, in order; injected faults drop frames,
 * delay triggers or disconnect the camera. Frames are rendered when they are taken from the source.
 */
export class SimulatedFrameSource implements FrameSource {
  private readonly arrived: Frame[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private failure: Error | undefined;
  private triggers = 0;
  private risingAt: number | undefined;
  private softwareStarted = false;
  /** Time (ms, performance clock) of the last scheduled arrival: frames never overtake. */
  private lastArrival = 0;
  private stopped = false;

  constructor(
    private readonly sensor: SimulatedSensor,
    private readonly request: AcquisitionRequest<SimulatedShotSettings>,
  ) {
    if (sensor.parameters.externalTrigger) {
      this.unsubscribe = sensor.triggerBus.subscribe(sensor.deviceName, (edge) =>
        this.onEdge(edge),
      );
    }
  }

  private onEdge(edge: TriggerEdge): void {
    if (this.stopped || (edge.shot !== undefined && edge.shot !== this.request.shotIndex)) return;
    if (edge.edge === 'rising') {
      this.risingAt = edge.time;
    } else if (this.risingAt !== undefined) {
      const width = picosecondsToSeconds(edge.time - this.risingAt);
      this.risingAt = undefined;
      this.trigger(width);
    }
  }

  /** One trigger: exposes the next frame for `exposure` seconds. */
  private trigger(exposure: number): void {
    const index = this.triggers++;
    const picture = this.request.pictures[index];
    if (picture === undefined) return; // more triggers than pictures: the camera ignores them
    const { parameters, deviceName } = this.sensor;
    const shot = this.request.shotIndex;
    if (
      parameters.externalTrigger &&
      Math.abs(exposure - picture.exposure) > parameters.triggerTolerance
    ) {
      this.fail(
        new CameraAcquisitionError(
          `camera "${deviceName}" was triggered for ${exposure} s for picture "${picture.name}", ` +
            `whose exposure is ${picture.exposure} s (tolerance ${parameters.triggerTolerance} s)`,
          { location: { device: deviceName, label: pictureLabel(deviceName, picture.name) } },
        ),
      );
      return;
    }
    if (parameters.faults.dropFrames.some((t) => matches(t, shot, picture.name))) return;
    const late = parameters.faults.lateTriggers
      .filter((t) => matches(t, shot, picture.name))
      .reduce((sum, t) => sum + t.delayMs, 0);
    const arrival = Math.max(performance.now() + late + parameters.latencyMs, this.lastArrival);
    this.lastArrival = arrival;
    this.after(arrival - performance.now(), () => {
      this.arrived.push({ triggerIndex: index, exposure });
      this.notify();
    });
  }

  private after(milliseconds: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) action();
      },
      Math.max(0, milliseconds),
    );
    this.timers.add(timer);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Software triggering: the camera exposes each picture at its time in the shot. */
  private startSoftwareTriggers(): void {
    if (this.softwareStarted || this.sensor.parameters.externalTrigger) return;
    this.softwareStarted = true;
    for (const picture of this.request.pictures) {
      this.after((picture.start + picture.exposure) * 1000, () => this.trigger(picture.exposure));
    }
  }

  async nextFrame(index: number, signal: AbortSignal): Promise<CameraImage> {
    this.startSoftwareTriggers();
    const { deviceName, parameters } = this.sensor;
    const picture = this.request.pictures[index]!;
    if (
      parameters.faults.disconnects.some((t) => matches(t, this.request.shotIndex, picture.name))
    ) {
      this.sensor.markDisconnected();
      throw new CameraDisconnectedError(
        `camera "${deviceName}" disconnected while waiting for picture "${picture.name}" ` +
          `(injected fault)`,
        { location: { device: deviceName } },
      );
    }
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.failure !== undefined) done(this.failure);
        else if (signal.aborted) done(signal.reason as Error);
        else if (this.arrived.length > index) done();
      };
      const done = (error?: Error): void => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', check);
        if (error === undefined) resolve();
        else reject(error);
      };
      this.waiters.add(check);
      signal.addEventListener('abort', check);
      check();
    });
    const frame = this.arrived[index]!;
    return renderSimulatedImage({
      sensor: parameters.sensor,
      roi: this.sensor.roi,
      bitDepth: parameters.sensor.bitDepth,
      exposure: frame.exposure,
      cloud: this.request.settings.cloud,
      noise: parameters.noise,
      reverseX: parameters.reverseX,
      reverseY: parameters.reverseY,
      shotIndex: this.request.shotIndex,
      pictureIndex: frame.triggerIndex,
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.fail(new Error('the acquisition was stopped'));
    return Promise.resolve();
  }
}
