import { createContext, useContext, useEffect, useRef } from 'react';
import type { EventFeed } from './api/event-feed.js';
import type { WireEvent } from './api/api-types.js';
import type { LabApi } from './api/lab-api.js';

/** What every page works with: the API client and the event stream, for the logged-in user. */
export interface Lab {
  readonly api: LabApi;
  readonly feed: EventFeed;
}

/** The lab of the logged-in user. */
export const LabContext = createContext<Lab | null>(null);

/** The lab (only inside the logged-in part of the page). */
export function useLab(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab() outside a logged-in page');
  return lab;
}

/**
 * Calls `handler` for every engine event while the component is shown, and `onGap` when events
 * were lost (the component re-reads the state then). The latest handlers are used.
 */
export function useLabEvents(
  handler: (event: WireEvent, at: number) => void,
  onGap?: () => void,
): void {
  const { feed } = useLab();
  const current = useRef({ handler, onGap });
  current.current = { handler, onGap };
  useEffect(() => {
    const offEvent = feed.onEvent((event, at) => current.current.handler(event, at));
    const offGap = feed.onGap(() => current.current.onGap?.());
    return () => {
      offEvent();
      offGap();
    };
  }, [feed]);
}
