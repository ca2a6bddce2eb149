import type { z } from 'zod';
import type { SequenceContext } from './compilation-context.js';
import type { Device } from './device.js';
import type { DeviceCompiler, DeviceNotUsed } from './device-compiler.js';
import type { DeviceController } from './device-controller.js';

/**
 * Everything shotline needs to use one kind of instrument. A plugin package registers one extension
 * per device type.
 *
 * The configuration is plain JSON described by a zod schema (no transforms: the parsed value is its
 * own stored form; expressions are strings the compiler parses). The `type` tag is stored with every
 * configuration, so it must never change once published.
 */
export interface DeviceExtension<
  Config = unknown,
  InitParameters = unknown,
  ShotParameters = unknown,
  D extends Device = Device,
> {
  /** Stable, globally unique type tag, e.g. `shotline.camera.simulated`. */
  readonly type: string;
  /** Human-readable name, e.g. `Simulated camera`. */
  readonly label: string;
  /** Validates a stored or user-written configuration. */
  readonly configurationSchema: z.ZodType<Config>;
  /** The configuration of a newly added device. */
  defaultConfiguration(): Config;
  /**
   * Builds the compiler for a sequence, or says the device is not used in it. Throw a recoverable
   * error for a configuration that cannot work with this sequence.
   */
  createCompiler(
    deviceName: string,
    configuration: Config,
    sequence: SequenceContext,
  ): DeviceCompiler<InitParameters, ShotParameters> | DeviceNotUsed;
  /** Builds the device from the compiler's initialization parameters (no I/O here). */
  createDevice(deviceName: string, initParameters: InitParameters): D;
  /** Builds a controller; called for every shot. */
  createController(deviceName: string): DeviceController<D, ShotParameters>;
  /**
   * The data labels a shot of this device produces in this sequence (e.g. `cam\picture 1`), for the
   * data schema, export and the conformance kit. Optional: default none declared.
   */
  dataLabels?(deviceName: string, configuration: Config, sequence: SequenceContext): string[];
  /**
   * Other device types whose plugins this extension's compiler uses (a wrapper that compiles with
   * another extension, e.g. a device on a device server compiles with its own type). Compile
   * workers load those plugins too. Optional: default none.
   */
  compilerDependencies?(configuration: Config): readonly string[];
}

/** Any device extension, for collections. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDeviceExtension = DeviceExtension<any, any, any, any>;
