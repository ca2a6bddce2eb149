import {
  ContractViolationError,
  type DataValue,
  type DeviceController,
  type RunningShot,
} from '@shotline/core';
import type { DeviceMessage__Output } from '../generated/shotline/remote/v1/DeviceMessage.js';
import type { ManagerMessage } from '../generated/shotline/remote/v1/ManagerMessage.js';
import { errorFromCall } from '../internal/call-status.js';
import { deferred } from '../internal/deferred.js';
import { RemoteDeviceError, RemoteServerLostError } from '../remote-errors.js';
import { decodeValue, encodeValue } from '../wire/value-codec.js';
import { errorFromWireMessage, errorToWire } from '../wire/wire-error-codec.js';
import type { RemoteDevice } from './remote-device.js';

/**
 * Runs a shot of a device that lives on a device server: the server runs the device's own
 * controller; this stand-in carries, over the shot's stream, the readiness barrier (the server's
 * controller waits for every device of the shot, local or remote), the data it signals and waits
 * for, and the abort signal (an abort here reaches the server's controller at once). The server
 * sends a heartbeat while its controller runs: a server not heard from for `lossTimeoutMs` fails
 * the shot with a {@link RemoteServerLostError} naming the server and the device.
 */
export class RemoteController implements DeviceController<RemoteDevice> {
  async runShot(device: RemoteDevice, parameters: unknown, shot: RunningShot): Promise<void> {
    const { connection, handle } = device.opened();
    const target = { server: device.spec.server, device: device.name };
    if (connection.isLost(handle)) {
      throw new RemoteServerLostError(
        target,
        'the device is no longer open there (the server restarted, or its lease expired)',
        { location: { shot: shot.index } },
      );
    }
    const lossTimeoutMs = connection.options.lossTimeoutMs;
    const encoded = encodeValue(parameters, 'shot parameters');
    const outcome = deferred<void>();
    const session = device.shotSession();
    const calls = new Map<number, (value: void) => void>();
    let finished = false;
    let lastHeard = Date.now();

    /** `answered`: the server said done or failed (the stream stays for the next shot). */
    const finish = (error: Error | undefined, answered: boolean): void => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      shot.signal.removeEventListener('abort', onAbort);
      for (const end of calls.values()) end();
      session.endShot(answered);
      if (error) outcome.reject(error);
      else outcome.resolve();
    };
    const write = (message: ManagerMessage): void => {
      if (!finished) session.write(message);
    };
    const fail = (error: unknown): void => {
      // A rule broken on this side (a data label signalled twice...): the server's controller is
      // aborted and the shot fails with the error.
      write({ abort: { reason: errorToWire(error) } });
      finish(error instanceof Error ? error : new Error(String(error)), false);
    };
    const onAbort = (): void => write({ abort: { reason: errorToWire(shot.signal.reason) } });

    const watchdog = setInterval(
      () => {
        const silent = Date.now() - lastHeard;
        if (silent >= lossTimeoutMs) {
          finish(
            new RemoteServerLostError(
              target,
              `no answer for ${(silent / 1000).toFixed(1)} s while the device ran shot ${shot.index} (limit ${(lossTimeoutMs / 1000).toFixed(1)} s)`,
              { location: { shot: shot.index } },
            ),
            false,
          );
        }
      },
      Math.max(10, Math.floor(lossTimeoutMs / 10)),
    );

    session.beginShot({
      message: (message) => {
        lastHeard = Date.now();
        try {
          this.receive(message, shot, write, calls, finish, target);
        } catch (e) {
          fail(e);
        }
      },
      lost: (error) => {
        finish(
          error
            ? errorFromCall(error, target, `running shot ${shot.index}`)
            : new RemoteServerLostError(
                target,
                `the shot's stream ended before the device finished shot ${shot.index}`,
                { location: { shot: shot.index } },
              ),
          false,
        );
      },
    });
    write({
      start: {
        handle,
        shot: shot.index,
        parameters: encoded,
        heartbeatMs: Math.max(20, Math.floor(lossTimeoutMs / 4)),
      },
    });
    if (shot.signal.aborted) onAbort();
    else shot.signal.addEventListener('abort', onAbort, { once: true });
    return outcome.promise;
  }

  private receive(
    message: DeviceMessage__Output,
    shot: RunningShot,
    write: (message: ManagerMessage) => void,
    calls: Map<number, (value: void) => void>,
    finish: (error: Error | undefined, answered: boolean) => void,
    target: { server: string; device: string },
  ): void {
    switch (message.kind) {
      case 'heartbeat':
        return;
      case 'ready':
        shot.waitAllDevicesReady().then(
          () => write({ barrier: {} }),
          // The shot was aborted: the abort listener tells the server.
          () => undefined,
        );
        return;
      case 'signal': {
        const { label, value } = message.signal!;
        shot.signalData(label, decodeValue(value, `data "${label}"`) as DataValue);
        return;
      }
      case 'wait': {
        const label = message.wait!.label;
        shot.waitData(label).then(
          (value) => write({ data: { label, value: encodeValue(value, `data "${label}"`) } }),
          () => undefined,
        );
        return;
      }
      case 'call': {
        const call = message.call!;
        if (!call.finished) {
          const done = deferred<void>();
          calls.set(call.id, (value) => done.resolve(value));
          void shot.track(call.name, () => done.promise);
        } else {
          calls.get(call.id)?.();
          calls.delete(call.id);
        }
        return;
      }
      case 'done':
        finish(undefined, true);
        return;
      case 'failed':
        finish(new RemoteDeviceError(target, errorFromWireMessage(message.failed!)), true);
        return;
      default:
        throw new ContractViolationError('the device server sent an unknown message');
    }
  }
}
