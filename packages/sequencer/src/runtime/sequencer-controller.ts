import type { DeviceController, RunningShot } from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import type { SequencerDevice } from './sequencer-device.js';

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs a sequencer for one shot: program it; with a software trigger, wait for every device to be
 * ready and then start; with an external trigger, arm it first, then wait for the others (the
 * master's trigger may come as soon as they are ready). Then wait for the end of the sequence, and
 * stop the outputs whatever happened (an error, an abort of the shot).
 */
export class SequencerController implements DeviceController<
  SequencerDevice,
  SequencerShotParameters
> {
  constructor(readonly deviceName: string) {}

  async runShot(
    device: SequencerDevice,
    parameters: SequencerShotParameters,
    shot: RunningShot,
  ): Promise<void> {
    await shot.track('program', () => device.program(parameters, shot.index));
    const software = device.trigger.type === 'software';
    if (software) await shot.waitAllDevicesReady();
    const run = await shot.track(software ? 'start' : 'arm', () => device.run());
    let failure: { readonly error: unknown } | undefined;
    try {
      if (!software) await shot.waitAllDevicesReady();
      await shot.track('play', () => run.finished(shot.signal));
    } catch (e) {
      failure = { error: e };
    }
    try {
      await run.stop(failure === undefined ? undefined : (failure.error ?? 'failed'));
    } catch (e) {
      failure ??= { error: e };
    }
    if (failure !== undefined) throw asError(failure.error);
  }
}
