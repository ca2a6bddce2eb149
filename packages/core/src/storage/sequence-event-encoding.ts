import type { ErrorLocation } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import { type Result, err, ok } from '../result/index.js';
import type { SequenceEventInput, SequenceEventRecord } from './session-storage.js';
import { InvalidStorageDataError } from './storage-errors.js';
import { decodeStorageJson, encodeStorageJson } from './storage-json.js';
import type { StoredTime } from './storage-rows.js';
import { decodeStorageDate, encodeStorageDate } from './storage-validation.js';

// What every backend stores of a sequence's events (pauses, resumes, suspender trips,
// continuations, requests): a kind, a time and JSON content, checked and encoded once here.

/** Longest event kind. */
const MAX_KIND_LENGTH = 64;

/** A {@link SequenceEventInput} checked and serialised for a database row. */
export interface EncodedSequenceEvent {
  kind: string;
  /** Milliseconds since the epoch (UTC). */
  time: number;
  /** JSON text of the event's data. */
  content: string;
}

/** A stored event of a sequence, as a database row holds it. */
export interface StoredSequenceEventRow {
  id: number;
  time: StoredTime;
  kind: string;
  content: string;
}

/** Checks and serialises an event of a sequence: a short kind, a valid time, JSON data. */
export function encodeSequenceEvent(
  path: SequencePath,
  event: SequenceEventInput,
): Result<EncodedSequenceEvent, InvalidStorageDataError> {
  const at: ErrorLocation = { sequence: path.toString() };
  if (typeof event !== 'object' || event === null) {
    return err(new InvalidStorageDataError('a sequence event must be an object', { location: at }));
  }
  const kind: unknown = event.kind;
  if (
    typeof kind !== 'string' ||
    !/^[a-z][a-z0-9-]*$/.test(kind) ||
    kind.length > MAX_KIND_LENGTH
  ) {
    return err(
      new InvalidStorageDataError(
        `a sequence event kind is lower-case words joined by "-" (at most ${MAX_KIND_LENGTH} characters), got ${JSON.stringify(kind) ?? 'nothing'}`,
        { location: at },
      ),
    );
  }
  const time = encodeStorageDate(event.time, `time of the "${kind}" event`, at);
  if (!time.ok) return time;
  const content = encodeStorageJson(event.data, `data of the "${kind}" event`, at);
  if (!content.ok) return content;
  return ok({ kind, time: time.value, content: content.value });
}

/** Reads a stored event of a sequence; malformed content throws. */
export function decodeSequenceEventRow(
  path: SequencePath,
  row: StoredSequenceEventRow,
): SequenceEventRecord {
  const at = { sequence: path.toString() };
  return {
    id: Number(row.id),
    kind: row.kind,
    time: decodeStorageDate(row.time, `time of the "${row.kind}" event`, at),
    data: decodeStorageJson(row.content, `data of the "${row.kind}" event`, at),
  };
}

/** Checks the id after which {@link SessionStorage.sequenceEvents} lists events. */
export function checkEventCursor(afterId: unknown): Result<number, InvalidStorageDataError> {
  if (typeof afterId === 'number' && Number.isSafeInteger(afterId) && afterId >= 0) {
    return ok(afterId);
  }
  return err(
    new InvalidStorageDataError(
      `events are listed after an event id (a whole number >= 0), got ${String(afterId)}`,
    ),
  );
}
