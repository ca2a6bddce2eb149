import type { ShotlineEvent, ShotlineEventBus } from '@shotline/core';

/** Collects every event of a bus. */
export function collectEvents(events: ShotlineEventBus): ShotlineEvent[] {
  const all: ShotlineEvent[] = [];
  events.onAny((e) => all.push(e));
  return all;
}
