import { z } from 'zod';
import { type ErrorLocation, type ErrorSummary, errorSummarySchema } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import { type Result, err, ok } from '../result/index.js';
import { type SequenceState, sequenceStateSchema } from '../sequence/index.js';
import type {
  PreparingSnapshot,
  SequenceDraft,
  StoredDeviceConfiguration,
} from './session-storage.js';
import { runOwnerSchema } from './run-owner.js';
import { InvalidStorageDataError } from './storage-errors.js';
import { decodeStorageJson, encodeStorageJson } from './storage-json.js';

// Validation and encoding shared by every SessionStorage backend, so that all of them accept and
// refuse exactly the same input, with the same messages. "Encoded" forms hold JSON text and
// milliseconds since the epoch: what a database row stores.

function sequenceAt(path: SequencePath): ErrorLocation {
  return { sequence: path.toString() };
}

/** A {@link SequenceDraft} checked and serialised for a database row. */
export interface EncodedSequenceDraft {
  iteration: string;
  timeLanes: string;
  expectedShots: number | null;
  /** JSON text of the suspenders (`[]` when none). */
  suspenders: string;
}

/** Checks the expected shot count: `null` (unknown) or a non-negative safe integer. */
export function checkExpectedShots(
  path: SequencePath,
  expectedShots: unknown,
): Result<number | null, InvalidStorageDataError> {
  if (
    expectedShots === null ||
    (typeof expectedShots === 'number' && Number.isSafeInteger(expectedShots) && expectedShots >= 0)
  ) {
    return ok(expectedShots);
  }
  return err(
    new InvalidStorageDataError(
      `expected shot count must be a non-negative integer or null, got ${typeof expectedShots === 'object' && expectedShots !== null ? 'an object' : String(expectedShots as string)}`,
      { location: sequenceAt(path) },
    ),
  );
}

/** Checks and serialises a draft (iteration, time lanes, expected shots). */
export function encodeSequenceDraft(
  path: SequencePath,
  draft: SequenceDraft,
): Result<EncodedSequenceDraft, InvalidStorageDataError> {
  if (typeof draft !== 'object' || draft === null) {
    return err(
      new InvalidStorageDataError('a sequence draft must be an object', {
        location: sequenceAt(path),
      }),
    );
  }
  const iteration = encodeStorageJson(draft.iteration, 'iteration', sequenceAt(path));
  if (!iteration.ok) return iteration;
  const timeLanes = encodeStorageJson(draft.timeLanes, 'time lanes', sequenceAt(path));
  if (!timeLanes.ok) return timeLanes;
  const expected = checkExpectedShots(path, draft.expectedShots);
  if (!expected.ok) return expected;
  const suspenders = encodeSuspenders(path, draft.suspenders ?? []);
  if (!suspenders.ok) return suspenders;
  return ok({
    iteration: iteration.value,
    timeLanes: timeLanes.value,
    expectedShots: expected.value,
    suspenders: suspenders.value,
  });
}

/**
 * Checks and serialises the suspenders of a sequence: a JSON array (their content is checked by
 * core's suspender schema before they reach storage).
 */
export function encodeSuspenders(
  path: SequencePath,
  suspenders: unknown,
): Result<string, InvalidStorageDataError> {
  if (!Array.isArray(suspenders)) {
    return err(
      new InvalidStorageDataError('the suspenders of a sequence must be a JSON array', {
        location: sequenceAt(path),
      }),
    );
  }
  return encodeStorageJson(suspenders, 'suspenders', sequenceAt(path));
}

/** Checks a date given to storage and returns its milliseconds since the epoch (UTC). */
export function encodeStorageDate(
  date: unknown,
  what: string,
  location: ErrorLocation = {},
): Result<number, InvalidStorageDataError> {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    return err(
      new InvalidStorageDataError(`${what} must be a valid Date, got ${String(date)}`, {
        location,
      }),
    );
  }
  return ok(date.getTime());
}

/** Reads a stored time: milliseconds (number, bigint or numeric string) or a Date; null stays null. */
export function decodeStorageDate(value: unknown, what: string, location?: ErrorLocation): Date;
export function decodeStorageDate(
  value: unknown,
  what: string,
  location: ErrorLocation,
  nullable: true,
): Date | null;
export function decodeStorageDate(
  value: unknown,
  what: string,
  location: ErrorLocation = {},
  nullable = false,
): Date | null {
  if (value === null && nullable) return null;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' || typeof value === 'bigint'
        ? Number(value)
        : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new InvalidStorageDataError(`stored ${what} is not a time (${String(value)})`, {
      location,
    });
  }
  return new Date(ms);
}

/** A device configuration checked and serialised for a database row. */
export interface EncodedDeviceConfiguration {
  name: string;
  type: string;
  configuration: string;
}

/** Checks a device configuration (non-empty name and type, JSON configuration). */
export function encodeDeviceConfiguration(
  configuration: StoredDeviceConfiguration,
): Result<EncodedDeviceConfiguration, InvalidStorageDataError> {
  const name: unknown = configuration?.name;
  if (typeof name !== 'string' || name.length === 0) {
    return err(
      new InvalidStorageDataError(
        `a device configuration needs a non-empty name, got ${JSON.stringify(name) ?? 'undefined'}`,
      ),
    );
  }
  const type: unknown = configuration.type;
  if (typeof type !== 'string' || type.length === 0) {
    return err(
      new InvalidStorageDataError('a device configuration needs a non-empty type tag', {
        location: { device: name },
      }),
    );
  }
  const json = encodeStorageJson(configuration.configuration, 'device configuration', {
    device: name,
  });
  if (!json.ok) return json;
  return ok({ name, type, configuration: json.value });
}

/** A {@link PreparingSnapshot} (owner: {@link RunOwner}) checked and serialised for a database row. */
export interface EncodedPreparingSnapshot {
  globals: string;
  /** JSON array of {@link StoredDeviceConfiguration}. */
  deviceConfigurations: string;
  /** JSON of the {@link RunOwner}. */
  owner: string;
}

/** Checks the snapshots written at PREPARING: JSON globals, valid and unique devices, an owner. */
export function encodePreparingSnapshot(
  path: SequencePath,
  snapshot: PreparingSnapshot,
): Result<EncodedPreparingSnapshot, InvalidStorageDataError> {
  const at = sequenceAt(path);
  if (typeof snapshot !== 'object' || snapshot === null) {
    return err(new InvalidStorageDataError('a snapshot must be an object', { location: at }));
  }
  const globals = encodeStorageJson(snapshot.globals, 'global parameters', at);
  if (!globals.ok) return globals;
  if (!Array.isArray(snapshot.deviceConfigurations)) {
    return err(
      new InvalidStorageDataError('the device configurations snapshot must be an array', {
        location: at,
      }),
    );
  }
  const names = new Set<string>();
  const devices: StoredDeviceConfiguration[] = [];
  for (const configuration of snapshot.deviceConfigurations) {
    const encoded = encodeDeviceConfiguration(configuration);
    if (!encoded.ok) {
      encoded.error.addContext(at);
      return encoded;
    }
    if (names.has(encoded.value.name)) {
      return err(
        new InvalidStorageDataError('two device configurations have the same name', {
          location: { ...at, device: encoded.value.name },
        }),
      );
    }
    names.add(encoded.value.name);
    devices.push({
      name: configuration.name,
      type: configuration.type,
      configuration: configuration.configuration,
    });
  }
  const owner = runOwnerSchema.safeParse(snapshot.owner);
  if (!owner.success) {
    return err(
      new InvalidStorageDataError(
        `the snapshot needs the owner who runs the sequence (host, pid, process start time): ${z.prettifyError(owner.error)}`,
        { location: at },
      ),
    );
  }
  return ok({
    globals: globals.value,
    deviceConfigurations: JSON.stringify(devices),
    owner: JSON.stringify(owner.data),
  });
}

const storedDeviceConfigurationsSchema = z.array(
  z.object({ name: z.string().min(1), type: z.string().min(1), configuration: z.unknown() }),
);

/** Reads a stored device-configurations snapshot (a JSON array); malformed content throws. */
export function decodeStoredDeviceConfigurations(
  text: unknown,
  location: ErrorLocation = {},
): StoredDeviceConfiguration[] {
  const parsed = storedDeviceConfigurationsSchema.safeParse(
    decodeStorageJson(text, 'device configurations', location),
  );
  if (!parsed.success) {
    throw new InvalidStorageDataError(
      `stored device configurations are malformed: ${z.prettifyError(parsed.error)}`,
      { location },
    );
  }
  return parsed.data as StoredDeviceConfiguration[];
}

/** Checks and serialises an error summary (it must match core's `errorSummarySchema`). */
export function encodeErrorSummary(
  path: SequencePath,
  summary: ErrorSummary,
): Result<string, InvalidStorageDataError> {
  const json = encodeStorageJson(summary, 'error summary', sequenceAt(path));
  if (!json.ok) return json;
  const parsed = errorSummarySchema.safeParse(summary);
  if (!parsed.success) {
    return err(
      new InvalidStorageDataError(
        `cannot store the error summary: ${z.prettifyError(parsed.error)}`,
        { location: sequenceAt(path) },
      ),
    );
  }
  return json;
}

/** Reads a stored error summary; malformed content throws. */
export function decodeStoredErrorSummary(
  text: unknown,
  location: ErrorLocation = {},
): ErrorSummary {
  const parsed = errorSummarySchema.safeParse(decodeStorageJson(text, 'error summary', location));
  if (!parsed.success) {
    throw new InvalidStorageDataError(
      `stored error summary is malformed: ${z.prettifyError(parsed.error)}`,
      { location },
    );
  }
  return parsed.data;
}

/** Reads a stored sequence state; anything else throws. */
export function decodeStoredState(value: unknown, location: ErrorLocation = {}): SequenceState {
  const parsed = sequenceStateSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidStorageDataError(`stored sequence state "${String(value)}" is unknown`, {
      location,
    });
  }
  return parsed.data;
}
