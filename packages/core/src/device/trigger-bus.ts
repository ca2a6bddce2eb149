import type { DependencyContainer } from '../plugins/container.js';

/**
 * One edge of a simulated trigger line, as a simulated sequencer publishes it: the line that
 * triggers `device` went high (`rising`) or low (`falling`) at `time`.
 */
export interface TriggerEdge {
  /** Name of the triggered device (the `DeviceTrigger` output's device). */
  readonly device: string;
  /** Picoseconds since the start of the shot (integer, on the publishing sequencer's tick grid). */
  readonly time: number;
  readonly edge: 'rising' | 'falling';
  /** Index of the shot; consumers ignore edges of another shot. Optional. */
  readonly shot?: number;
}

/**
 * An in-process channel of trigger edges between simulated devices: a simulated sequencer publishes
 * the edges of its `DeviceTrigger` outputs; simulated devices (cameras, slave sequencers) subscribe
 * to the edges addressed to them. Lets a whole lab run in simulation with hardware-like triggering,
 * without driver packages importing each other.
 */
export interface TriggerBus {
  /** Delivers an edge synchronously to the current subscribers of `edge.device`. */
  publish(edge: TriggerEdge): void;
  /** Receives the edges for `device` until the returned function is called. */
  subscribe(device: string, listener: (edge: TriggerEdge) => void): () => void;
}

/**
 * Token of the lab's {@link TriggerBus} in the plugin container. A global symbol
 * (`Symbol.for('shotline.TriggerBus')`), so every copy of every package agrees on it.
 */
export const TRIGGER_BUS_TOKEN: unique symbol = Symbol.for('shotline.TriggerBus');

/** The {@link TriggerBus} of one process (or one lab): synchronous fan-out to subscribers. */
export class InProcessTriggerBus implements TriggerBus {
  private readonly listeners = new Map<string, Set<(edge: TriggerEdge) => void>>();

  publish(edge: TriggerEdge): void {
    for (const listener of [...(this.listeners.get(edge.device) ?? [])]) listener(edge);
  }

  subscribe(device: string, listener: (edge: TriggerEdge) => void): () => void {
    let set = this.listeners.get(device);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(device, set);
    }
    const wrapped = (edge: TriggerEdge): void => listener(edge);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
      if (set.size === 0 && this.listeners.get(device) === set) this.listeners.delete(device);
    };
  }

  /** Number of current subscribers for `device` (for tests and diagnostics). */
  subscriberCount(device: string): number {
    return this.listeners.get(device)?.size ?? 0;
  }
}

/**
 * The trigger bus of a lab: the one registered under {@link TRIGGER_BUS_TOKEN} in `container`, or a
 * new {@link InProcessTriggerBus} registered there. Every simulated device of the lab that calls this
 * gets the same bus, whichever plugin registers first.
 */
export function triggerBusOf(container: DependencyContainer): TriggerBus {
  if (!container.isRegistered(TRIGGER_BUS_TOKEN, true)) {
    container.registerInstance<TriggerBus>(TRIGGER_BUS_TOKEN, new InProcessTriggerBus());
  }
  return container.resolve<TriggerBus>(TRIGGER_BUS_TOKEN);
}
