import { Expression } from '@shotline/core';
import { z } from 'zod';
import { cameraConfigurationFields } from '../camera-configuration.js';

/** An expression's source text, checked to parse (evaluated per shot by the compiler). */
const expressionSource = z.string().superRefine((source, context) => {
  try {
    new Expression(source);
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: error instanceof Error ? error.message : String(error),
    });
  }
});

/** Which pictures a fault applies to: a shot index, a picture name, both, or (empty) all. */
const faultTargetFields = {
  /** Shot index; absent: every shot. */
  shot: z.int().min(0).optional(),
  /** Picture name; absent: every picture. */
  picture: z.string().optional(),
};

/** A picture a fault applies to (see the fault lists of {@link simulatedCameraFaultsSchema}). */
export const simulatedFaultTargetSchema = z.object(faultTargetFields);

/** Where a fault applies. */
export type SimulatedFaultTarget = z.infer<typeof simulatedFaultTargetSchema>;

/** Faults the simulated camera can inject, to test how a lab reacts to a misbehaving camera. */
export const simulatedCameraFaultsSchema = z.object({
  /** `open()` fails with a `ConnectionFailedError`, as for an unplugged camera. */
  failOpen: z.boolean().default(false),
  /**
   * The frame of these pictures is lost after exposure. As with real hardware, the camera cannot
   * tell which picture was lost: the following frames arrive in its place and the shot ends with a
   * timeout on its last picture.
   */
  dropFrames: z.array(simulatedFaultTargetSchema).default([]),
  /** The trigger of these pictures comes `delayMs` late (the frame arrives that much later). */
  lateTriggers: z.array(z.object({ ...faultTargetFields, delayMs: z.number().min(0) })).default([]),
  /**
   * The camera disconnects while these pictures are awaited: a `CameraDisconnectedError`, and the
   * camera stays unusable until the sequence ends.
   */
  disconnects: z.array(simulatedFaultTargetSchema).default([]),
});

/** The injected faults of a simulated camera. */
export type SimulatedCameraFaults = z.infer<typeof simulatedCameraFaultsSchema>;

/**
 * Configuration of a simulated camera (type `shotline.camera.simulated`): the common camera settings,
 * a sensor, and a scene made of a Gaussian atom cloud whose position, size and brightness are
 * expressions of the shot parameters (e.g. `cloud.x`), plus seeded read-out noise.
 */
export const simulatedCameraConfigurationSchema = z.object({
  ...cameraConfigurationFields,
  sensor: z
    .object({
      width: z.int().min(1).max(16384),
      height: z.int().min(1).max(16384),
      /** Bits per pixel: 8 gives uint8 images, 9 to 16 give uint16. */
      bitDepth: z.int().min(8).max(16),
    })
    .default({ width: 512, height: 512, bitDepth: 16 }),
  /** Delay between the end of an exposure and the frame's arrival (read-out and transfer). */
  latencyMs: z.number().min(0).default(0),
  /** Most pictures one shot can take (the camera's buffer count). */
  maxImagesPerShot: z.int().min(1).max(1024).default(16),
  /**
   * The atom cloud: expressions of the shot parameters, dimensionless. `x`, `y` (centre) and
   * `sigma` (rms radius) are sensor pixels; `peak` is the peak signal in counts per ms of exposure.
   */
  cloud: z
    .object({
      x: expressionSource,
      y: expressionSource,
      sigma: expressionSource,
      peak: expressionSource,
    })
    .default({ x: '256', y: '256', sigma: '20', peak: '1000' }),
  /** Read-out noise: seeded, so pictures are reproducible. */
  noise: z
    .object({
      seed: z.int().min(0).max(0xffffffff),
      /** Rms of the Gaussian read-out noise, in counts. */
      sigma: z.number().min(0),
      /** Dark level, in counts. */
      offset: z.number().min(0),
    })
    .default({ seed: 1, sigma: 5, offset: 100 }),
  /** Mirror the read-out left-right (GenICam `ReverseX`). */
  reverseX: z.boolean().default(false),
  /** Mirror the read-out top-bottom (GenICam `ReverseY`). */
  reverseY: z.boolean().default(false),
  /**
   * With external triggers, the largest difference (seconds) allowed between a trigger pulse's width
   * and the picture's exposure before the picture is refused (at least the sequencer's time step).
   */
  triggerTolerance: z.number().min(0).default(1e-5),
  faults: simulatedCameraFaultsSchema.default({
    failOpen: false,
    dropFrames: [],
    lateTriggers: [],
    disconnects: [],
  }),
});

/** Configuration of a simulated camera. */
export type SimulatedCameraConfiguration = z.infer<typeof simulatedCameraConfigurationSchema>;
