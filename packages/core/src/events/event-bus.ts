import type { ShotlineEvent, ShotlineEventOf, ShotlineEventType } from './shotline-event.js';

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** Options of {@link ShotlineEventBus}. */
export interface EventBusOptions {
  /**
   * Called when a listener throws (listeners must never break a sequence). Default: a process
   * warning naming the event type.
   */
  onListenerError?: (error: unknown, event: ShotlineEvent) => void;
}

/**
 * Synchronous, typed publish/subscribe for {@link ShotlineEvent}s: progress bars, logs, and later a
 * web UI subscribe here. Listeners run in subscription order; one that throws is reported and
 * does not affect the others or the engine. Keep listeners fast: they run on the engine's thread.
 */
export class ShotlineEventBus {
  private readonly listeners = new Map<string, Set<(event: ShotlineEvent) => void>>();
  private readonly anyListeners = new Set<(event: ShotlineEvent) => void>();
  private readonly onListenerError: (error: unknown, event: ShotlineEvent) => void;

  constructor(options: EventBusOptions = {}) {
    this.onListenerError =
      options.onListenerError ??
      ((error, event) => {
        process.emitWarning(
          `a listener of shotline event "${event.type}" threw: ${String(error)}`,
          'ShotlineListenerWarning',
        );
      });
  }

  /** Subscribes to one event type. */
  on<T extends ShotlineEventType>(
    type: T,
    listener: (event: ShotlineEventOf<T>) => void,
  ): Unsubscribe {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const wrapped = listener as (event: ShotlineEvent) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  /** Subscribes to every event. */
  onAny(listener: (event: ShotlineEvent) => void): Unsubscribe {
    this.anyListeners.add(listener);
    return () => {
      this.anyListeners.delete(listener);
    };
  }

  /** True if someone listens to this type (lets emitters skip building costly events). */
  hasListeners(type: ShotlineEventType): boolean {
    return this.anyListeners.size > 0 || (this.listeners.get(type)?.size ?? 0) > 0;
  }

  /** Delivers an event to its listeners. Never throws. */
  emit(event: ShotlineEvent): void {
    const set = this.listeners.get(event.type);
    if (set) for (const listener of [...set]) this.deliver(listener, event);
    for (const listener of [...this.anyListeners]) this.deliver(listener, event);
  }

  private deliver(listener: (event: ShotlineEvent) => void, event: ShotlineEvent): void {
    try {
      listener(event);
    } catch (error) {
      try {
        this.onListenerError(error, event);
      } catch {
        // the error reporter itself failed; nothing more can be done without breaking the engine
      }
    }
  }
}
