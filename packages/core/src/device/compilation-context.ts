import type { Parameters, ParameterSchema } from '../parameters/index.js';
import type { TimeLane, TimeLanes } from '../time-lanes/index.js';
import type { StoredDeviceConfiguration } from '../storage/index.js';
import type { DeviceCompiler } from './device-compiler.js';

/**
 * What a device compiler knows about the whole sequence: the device configurations in use, the
 * parameter schema (constants and the types of the scanned parameters) and the time lanes. Built once
 * per sequence, on the main thread and again in every compile worker, from serialisable inputs.
 */
export interface SequenceContext {
  /** Path of the sequence being compiled (`\...`), for messages. */
  readonly sequencePath: string;
  /** Constants and scanned parameter types. */
  readonly parameterSchema: ParameterSchema;
  readonly timeLanes: TimeLanes;
  /** Configurations of the devices in use (after "not used" devices were dropped), by name. */
  readonly deviceConfigurations: ReadonlyMap<string, StoredDeviceConfiguration>;
  /** The configuration of a device; throws naming the device if it is not in the sequence. */
  deviceConfiguration(deviceName: string): StoredDeviceConfiguration;
  /** The lane with that name, or undefined. Does not mark it used. */
  findLane(name: string): TimeLane | undefined;
  /** Lanes of a type tag (`digital`, `analog`, `camera`, or a plugin's tag). */
  lanesOfType(type: string): ReadonlyMap<string, TimeLane>;
}

/**
 * What a device compiler sees of one shot: its parameters, the exact step timing (integer
 * picoseconds) and the lanes. Reading a lane marks it used; a lane that no device used is an error
 * naming it. Other devices' shot parameters are available and memoised, so e.g. a sequencer can ask
 * a camera compiler for its trigger.
 */
export interface ShotContext {
  readonly sequence: SequenceContext;
  /** Index of the shot in the sequence. */
  readonly index: number;
  /** All parameters of the shot (constants and scanned values). */
  readonly parameters: Parameters;
  readonly stepNames: readonly string[];
  /** Duration of each step in picoseconds (integers). */
  readonly stepDurations: readonly number[];
  /** Start time of each step in picoseconds, plus the end of the shot (n + 1 values). */
  readonly stepStartTimes: readonly number[];
  /** Total duration in picoseconds. */
  readonly shotDuration: number;
  /** The lane; marks it used. Throws an error naming the lane if there is none. */
  lane(name: string): TimeLane;
  /** The lane or undefined; marks it used when found. */
  findLane(name: string): TimeLane | undefined;
  /** Lanes of a type tag; does not mark them used. */
  lanesOfType(type: string): ReadonlyMap<string, TimeLane>;
  /** Marks a lane as consumed without reading it. */
  markLaneUsed(name: string): void;
  /** True if the device is configured and used in this sequence. */
  isDeviceUsed(deviceName: string): boolean;
  /** The compiler of another device in use; throws naming it when it is not used. */
  deviceCompiler(deviceName: string): DeviceCompiler;
  /**
   * The shot parameters of a device (compiled on first request, then memoised for this shot).
   * A failure names that device.
   */
  shotParametersOf(deviceName: string): unknown;
}
