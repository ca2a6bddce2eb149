/** One line of a device server's log: a level, a message and structured fields (never secrets). */
export interface DeviceServerLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Where a device server writes its log. */
export type DeviceServerLogger = (entry: DeviceServerLogEntry) => void;

/** The default logger: one JSON object per line on stdout, with the time. */
export const jsonLinesLogger: DeviceServerLogger = (entry) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};
