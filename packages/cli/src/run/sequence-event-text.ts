import type { SequenceEvent } from '@shotline/core';

/** One line of text for a stored event of a run (pause, resume, suspender, continuation...). */
export function sequenceEventText(event: SequenceEvent): string {
  if ('unknown' in event) return `${event.kind} (written by a newer shotline)`;
  switch (event.kind) {
    case 'pause-requested':
      return `pause asked by ${event.data.by}`;
    case 'resume-requested':
      return `resume asked by ${event.data.by}${event.data.reloadGlobals ? ' (reloading the globals)' : ''}`;
    case 'paused':
      return `PAUSED before shot ${event.data.nextIndex}: ${
        event.data.reason === 'suspender'
          ? `suspender ${event.data.suspenders.map((s) => `"${s}"`).join(', ')} tripped`
          : `asked by ${event.data.by ?? 'someone'}`
      }`;
    case 'resumed': {
      const reloaded = event.data.reloadedGlobals;
      const globals = reloaded
        ? `; globals reloaded (${reloaded.changed.join(', ') || 'none changed'})`
        : '';
      return `resumed at shot ${event.data.nextIndex} (${
        event.data.reason === 'suspender'
          ? 'suspenders cleared'
          : `asked by ${event.data.by ?? 'someone'}`
      })${globals}`;
    }
    case 'suspender-tripped':
      return `suspender "${event.data.suspender}" tripped: ${event.data.watch} = ${JSON.stringify(event.data.value)}${
        event.data.shot !== null ? ` at shot ${event.data.shot}` : ''
      } (${event.data.action === 'repeat' ? 'the shot is repeated' : 'pausing'})`;
    case 'suspender-cleared':
      return `suspender "${event.data.suspender}" cleared: ${event.data.watch} = ${JSON.stringify(event.data.value)}, held ${(event.data.heldMs / 1000).toFixed(1)} s`;
    case 'continued':
      return `continued from shot ${event.data.fromIndex} (${event.data.storedShots} stored, was ${event.data.previousState.toUpperCase()}): ${event.data.reason}`;
    case 'suspenders':
      return `suspenders: ${
        event.data.suspenders
          .map((s) =>
            typeof s === 'object' && s !== null && 'name' in s ? `"${String(s.name)}"` : '?',
          )
          .join(', ') || 'none'
      }`;
  }
}
