import { performance } from 'node:perf_hooks';

/** Something a simulated device did. */
export interface SimulationEvent {
  readonly device: string;
  readonly kind:
    | 'opened'
    | 'open-failed'
    | 'closed'
    | 'shot-started'
    | 'shot-finished'
    | 'shot-failed'
    | 'aborted';
  /** Shot index, for shot events. */
  readonly shot?: number;
  /** Attempt of the shot (1 for the first). */
  readonly attempt?: number;
  /** `performance.now()` when it happened. */
  readonly at: number;
}

/** Token under which tests register a {@link SimulationRecorder} in the registry's container. */
export const SIMULATION_RECORDER_TOKEN: unique symbol = Symbol.for(
  'shotline.testing.SimulationRecorder',
);

/**
 * Records what simulated devices do on the main thread (open, close, shots, aborts), so tests can
 * assert on it. Register one in the lab's container under {@link SIMULATION_RECORDER_TOKEN}; compile
 * workers have none, which is fine: compilers record nothing.
 */
export class SimulationRecorder {
  readonly events: SimulationEvent[] = [];

  /** Appends an event (time stamped now). */
  record(event: Omit<SimulationEvent, 'at'>): void {
    this.events.push({ ...event, at: performance.now() });
  }

  /** Events of one kind, optionally of one device. */
  of(kind: SimulationEvent['kind'], device?: string): SimulationEvent[] {
    return this.events.filter(
      (e) => e.kind === kind && (device === undefined || e.device === device),
    );
  }

  /** Devices whose `close()` was called. */
  closedDevices(): string[] {
    return [...new Set(this.of('closed').map((e) => e.device))].sort();
  }

  /** Devices that were created and asked to open (successfully or not). */
  devicesAskedToOpen(): string[] {
    return [
      ...new Set([...this.of('opened'), ...this.of('open-failed')].map((e) => e.device)),
    ].sort();
  }
}
