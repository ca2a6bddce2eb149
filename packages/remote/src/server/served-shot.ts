import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import {
  AbortedError,
  InvalidValueError,
  assertDataValue,
  type DataLabel,
  type DataValue,
  type DeviceController,
  type RunningShot,
  type ShotTimer,
} from '@shotline/core';
import type { DeviceMessage } from '../generated/shotline/remote/v1/DeviceMessage.js';
import type { ManagerMessage__Output } from '../generated/shotline/remote/v1/ManagerMessage.js';
import type { StartShot__Output } from '../generated/shotline/remote/v1/StartShot.js';
import { abortableDelay, deferred, type Deferred } from '../internal/deferred.js';
import { decodeValue, encodeValue } from '../wire/value-codec.js';
import { errorFromWireMessage, errorToWire } from '../wire/wire-error-codec.js';
import type { HostedDevice } from './hosted-devices.js';

/** The shot's clock on the device server, started when the manager said the barrier passed. */
class LocalShotTimer implements ShotTimer {
  constructor(
    private readonly start: number,
    private readonly signal: AbortSignal,
  ) {}

  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  async waitUntil(seconds: number): Promise<number> {
    if (!(seconds >= 0)) {
      throw new InvalidValueError(
        `waitUntil needs a time >= 0 s after the barrier, got ${seconds}`,
      );
    }
    const planned = seconds - this.elapsed();
    for (let remaining = planned; remaining > 0; remaining = seconds - this.elapsed()) {
      await abortableDelay(Math.max(1, remaining * 1000), this.signal);
    }
    return planned;
  }
}

/** Smallest heartbeat period a manager may ask for (milliseconds). */
const MIN_HEARTBEAT_MS = 20;

/**
 * One device's shot on the device server: runs the device's controller with a {@link RunningShot}
 * whose barrier, data exchange and abort signal are the manager's, through the shot's stream. Sends
 * a heartbeat while the controller runs, then `done` or the error `runShot` threw (without stack).
 */
export class ServedShot {
  private readonly abortController = new AbortController();
  private readonly barrier: Deferred<ShotTimer> = deferred();
  private readonly waits = new Map<DataLabel, Deferred<DataValue>>();
  private nextCallId = 1;
  private ended = false;

  constructor(
    private readonly call: grpc.ServerDuplexStream<ManagerMessage__Output, DeviceMessage>,
    private readonly hosted: HostedDevice,
    private readonly start: StartShot__Output,
  ) {}

  /** Fires when the manager aborts the shot, the stream breaks or the device is being closed. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  private send(message: DeviceMessage): void {
    if (!this.ended && !this.call.cancelled && !this.call.writableEnded) this.call.write(message);
  }

  /** Aborts the local controller (its signal fires; the barrier and data waits reject). */
  abort(reason: Error): void {
    if (this.signal.aborted) return;
    this.abortController.abort(reason);
    this.barrier.reject(reason);
    for (const wait of this.waits.values()) wait.reject(reason);
  }

  /** A message of the manager on the shot's stream (after `start`). */
  receive(message: ManagerMessage__Output): void {
    switch (message.kind) {
      case 'barrier':
        this.barrier.resolve(new LocalShotTimer(performance.now(), this.signal));
        break;
      case 'data': {
        const label = message.data!.label;
        const wait = this.waits.get(label);
        if (!wait) return;
        try {
          wait.resolve(decodeValue(message.data!.value, `data "${label}"`) as DataValue);
        } catch (e) {
          wait.reject(e);
        }
        break;
      }
      case 'abort': {
        const cause = message.abort!.reason
          ? errorFromWireMessage(message.abort!.reason)
          : undefined;
        this.abort(
          new AbortedError(
            `the shot was aborted by the manager${cause ? `: ${cause.message}` : ''}`,
            {
              ...(cause ? { cause } : {}),
              location: { shot: this.start.shot, device: this.hosted.name },
            },
          ),
        );
        break;
      }
      default:
        this.abort(new InvalidValueError('the manager sent an unexpected message during a shot'));
    }
  }

  private runningShot(): RunningShot {
    const signal = this.signal;
    return {
      index: this.start.shot,
      deviceName: this.hosted.name,
      signal,
      waitAllDevicesReady: () => {
        this.send({ ready: {} });
        return this.barrier.promise;
      },
      signalData: (label: DataLabel, data: DataValue) => {
        assertDataValue(data, `data "${label}"`);
        this.send({ signal: { label, value: encodeValue(data, `data "${label}"`) } });
      },
      waitData: (label: DataLabel) => {
        if (signal.aborted) return Promise.reject(signal.reason as Error);
        let wait = this.waits.get(label);
        if (!wait) {
          wait = deferred();
          this.waits.set(label, wait);
          this.send({ wait: { label } });
        }
        return wait.promise;
      },
      sleep: (milliseconds: number) => abortableDelay(milliseconds, signal),
      track: async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const id = this.nextCallId++;
        this.send({ call: { id, name, finished: false } });
        try {
          return await work();
        } finally {
          this.send({ call: { id, name, finished: true } });
        }
      },
    };
  }

  /** Runs the controller to its end and reports the outcome on the stream. */
  async run(parameters: unknown): Promise<void> {
    const heartbeatMs = Math.max(MIN_HEARTBEAT_MS, this.start.heartbeatMs || 500);
    const heartbeat = setInterval(() => this.send({ heartbeat: {} }), heartbeatMs);
    this.hosted.shots.add(this.abortController);
    try {
      const controller = this.hosted.extension.createController(
        this.hosted.name,
      ) as DeviceController;
      await controller.runShot(this.hosted.device, parameters, this.runningShot());
      this.send({ done: {} });
    } catch (e) {
      this.send({ failed: errorToWire(e) });
    } finally {
      clearInterval(heartbeat);
      this.hosted.shots.delete(this.abortController);
      this.end();
    }
  }

  /** True until the controller's outcome was sent (the stream then carries the next shot). */
  get running(): boolean {
    return !this.ended;
  }

  private end(): void {
    this.ended = true;
  }
}
