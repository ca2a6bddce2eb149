/** Status codes of the Elliptec protocol (`GS` reply), with their meaning from Thorlabs' manual. */
export const ELL14_STATUS = {
  0: { name: 'OK', meaning: 'ok, no error' },
  1: { name: 'COMMUNICATION_TIMEOUT', meaning: 'communication timeout' },
  2: { name: 'MECHANICAL_TIMEOUT', meaning: 'mechanical timeout' },
  3: { name: 'COMMAND_NOT_SUPPORTED', meaning: 'command error or not supported' },
  4: { name: 'VALUE_OUT_OF_RANGE', meaning: 'value out of range' },
  5: { name: 'MODULE_ISOLATED', meaning: 'module isolated' },
  6: { name: 'MODULE_NOT_ISOLATED', meaning: 'module out of isolation' },
  7: { name: 'INITIALIZATION_ERROR', meaning: 'initialisation error' },
  8: { name: 'THERMAL_ERROR', meaning: 'thermal error' },
  9: { name: 'BUSY', meaning: 'busy' },
  10: { name: 'SENSOR_ERROR', meaning: 'sensor error' },
  11: { name: 'MOTOR_ERROR', meaning: 'motor error' },
  12: { name: 'OUT_OF_RANGE', meaning: 'out of range (move beyond the travel)' },
  13: { name: 'OVER_CURRENT', meaning: 'over current error' },
} as const;

/** A documented status code (0 to 13; 14 to 255 are reserved). */
export type Ell14StatusCode = keyof typeof ELL14_STATUS;

/** The symbolic name of a status code, e.g. `MECHANICAL_TIMEOUT`; `RESERVED` for 14 to 255. */
export type Ell14StatusName = (typeof ELL14_STATUS)[Ell14StatusCode]['name'] | 'RESERVED';

/** Name and meaning of a status code; reserved codes are reported as such. */
export function describeEll14Status(status: number): {
  readonly name: Ell14StatusName;
  readonly meaning: string;
} {
  return (
    (ELL14_STATUS as Record<number, { name: Ell14StatusName; meaning: string }>)[status] ?? {
      name: 'RESERVED',
      meaning: `reserved status code ${status}`,
    }
  );
}
