import type { TimedInstruction } from '../instructions/index.js';
import type { ShotContext } from './compilation-context.js';

/**
 * Turns a device configuration and the user's parameters into instrument instructions. Pure and
 * synchronous: it may run in a worker thread, where it is rebuilt once per sequence from serialisable
 * inputs (the configuration JSON and the sequence context); state kept between shots is lost.
 *
 * The values it returns must be structured-cloneable or core types (TimedInstruction, NDArray,
 * Quantity), because they cross thread boundaries.
 */
export interface DeviceCompiler<InitParameters = unknown, ShotParameters = unknown> {
  /** Arguments for `createDevice`, computed once per sequence. */
  initializationParameters(): InitParameters;
  /** Arguments for the controller's `runShot`, computed for every shot. */
  compileShot(shot: ShotContext): ShotParameters;
}

/**
 * A compiler whose device a sequencer channel can trigger (`DeviceTrigger` output). The camera does not
 * import the sequencer, nor the reverse: they meet through this contract.
 */
export interface TriggerableCompiler {
  /**
   * The boolean signal the sequencer must output to trigger this device, at the sequencer's time step
   * `timeStep` (picoseconds), with exactly `numberTicks(0, shot.shotDuration, timeStep)` ticks.
   */
  computeTrigger(timeStep: number, shot: ShotContext): TimedInstruction;
}

/** True if the compiler can compute a trigger. */
export function isTriggerableCompiler(compiler: unknown): compiler is TriggerableCompiler {
  return (
    typeof compiler === 'object' &&
    compiler !== null &&
    typeof (compiler as TriggerableCompiler).computeTrigger === 'function'
  );
}

/**
 * Returned by `DeviceExtension.createCompiler` when the device has nothing to do in this sequence
 * (e.g. a camera without a lane): the device is then neither opened nor run. Not an error.
 */
export class DeviceNotUsed {
  readonly notUsed = true as const;
  constructor(readonly reason: string) {}
}

/** Shorthand for `new DeviceNotUsed(reason)`. */
export function deviceNotUsed(reason: string): DeviceNotUsed {
  return new DeviceNotUsed(reason);
}

/** True for a {@link DeviceNotUsed} result (also from another copy of core). */
export function isDeviceNotUsed(value: unknown): value is DeviceNotUsed {
  return (
    value instanceof DeviceNotUsed ||
    (typeof value === 'object' && value !== null && (value as DeviceNotUsed).notUsed === true)
  );
}
