import { Expression } from '@shotline/core';
import { z } from 'zod';
import { ELL14_BAUD_RATE } from './ell14-protocol.js';

/** Default allowed difference between the requested and the measured angle, degrees. */
export const DEFAULT_ELL14_TOLERANCE_DEGREES = 0.1;
/** Default time a move may take, seconds. */
export const DEFAULT_ELL14_MOVE_TIMEOUT_SECONDS = 10;

/**
 * Configuration of an ELL14 device, stored as is (JSON). Only `port` and `angle` are required.
 *
 * - `port`: serial port path (`/dev/ttyUSB0`, `COM3`, a pseudo-terminal).
 * - `baudRate`: default 9600, the Elliptec protocol's rate.
 * - `address`: bus address 0 to 15 (default 0), for several mounts on one multi-drop bus.
 * - `angle`: expression evaluated for every shot; it must be an angle (`45°`, `angle`,
 *   `30 deg + offset`, `0.5 rad`). A plain number is refused: say `90°`, not `90`.
 * - `toleranceDegrees`: allowed difference between the target and the position the mount reports
 *   after the move (default 0.1).
 * - `moveTimeoutSeconds`: time a move or a homing may take (default 10).
 * - `homeOnOpen`: home the mount when the sequence opens it (default false).
 */
export const ell14ConfigurationSchema = z.strictObject({
  port: z.string().min(1, 'the serial port path is empty'),
  baudRate: z.number().int().positive().optional(),
  address: z.number().int().min(0).max(15).optional(),
  angle: z
    .string()
    .min(1, 'the angle expression is empty')
    .superRefine((source, context) => {
      try {
        new Expression(source);
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  toleranceDegrees: z.number().positive().optional(),
  moveTimeoutSeconds: z.number().positive().optional(),
  homeOnOpen: z.boolean().optional(),
});

/** Configuration of an ELL14 device; see {@link ell14ConfigurationSchema}. */
export type Ell14Configuration = z.infer<typeof ell14ConfigurationSchema>;

/** The configuration of a newly added ELL14. */
export function defaultEll14Configuration(): Ell14Configuration {
  return {
    port: '/dev/ttyUSB0',
    baudRate: ELL14_BAUD_RATE,
    address: 0,
    angle: '0°',
    toleranceDegrees: DEFAULT_ELL14_TOLERANCE_DEGREES,
    moveTimeoutSeconds: DEFAULT_ELL14_MOVE_TIMEOUT_SECONDS,
    homeOnOpen: false,
  };
}
