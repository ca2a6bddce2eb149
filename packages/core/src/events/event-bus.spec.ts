import { describe, expect, it } from 'vitest';
import { ShotlineEventBus } from './event-bus.js';
import type { ShotlineEvent } from './shotline-event.js';

const log = (message: string): ShotlineEvent => ({ type: 'log', level: 'info', message });

describe('the event bus', () => {
  it('delivers events by type and to catch-all listeners, until unsubscribed', () => {
    const bus = new ShotlineEventBus();
    const logs: string[] = [];
    const all: string[] = [];
    const off = bus.on('log', (e) => logs.push(e.message));
    bus.onAny((e) => all.push(e.type));
    bus.emit(log('one'));
    bus.emit({ type: 'shot-started', sequence: '\\s', index: 0, attempt: 1, time: new Date() });
    off();
    bus.emit(log('two'));
    expect(logs).toEqual(['one']);
    expect(all).toEqual(['log', 'shot-started', 'log']);
    expect(bus.hasListeners('shot-stored')).toBe(true);
  });

  it('isolates a throwing listener from the others and from the emitter', () => {
    const errors: unknown[] = [];
    const bus = new ShotlineEventBus({ onListenerError: (e) => errors.push(e) });
    const seen: string[] = [];
    bus.on('log', () => {
      throw new Error('progress bar crashed');
    });
    bus.on('log', (e) => seen.push(e.message));
    expect(() => bus.emit(log('still delivered'))).not.toThrow();
    expect(seen).toEqual(['still delivered']);
    expect((errors[0] as Error).message).toBe('progress bar crashed');
  });
});
