import type { DataLabel, DataValue } from '../data/index.js';
import type { SequencePath } from '../path/index.js';
import type {
  JsonValue,
  SequenceRecord,
  SequenceStats,
  ShotRecord,
  StoredDeviceConfiguration,
} from './session-storage.js';
import { decodeStorageJson, decodeStorageJsonObject } from './storage-json.js';
import { decodeStoredArray } from './stored-shot.js';
import { decodeRunOwner } from './run-owner.js';
import {
  decodeStorageDate,
  decodeStoredDeviceConfigurations,
  decodeStoredErrorSummary,
  decodeStoredState,
} from './storage-validation.js';

// What every backend reads back, in the encoded forms a database row holds (JSON as text, times as
// milliseconds or Date, arrays as dtype + JSON shape + bytes; column names as in the SQL schemas),
// and the one way these rows become the records of `SessionStorage`. Content that cannot be read
// back throws an InvalidStorageDataError naming what and where.

/** A stored time: milliseconds since the epoch (UTC), or a Date (PostgreSQL's timestamptz). */
export type StoredTime = number | Date;

/** The state, shot count and times of a stored sequence. */
export interface StoredSequenceStatsRow {
  state: string;
  expected_shots: number | null;
  start_time: StoredTime | null;
  stop_time: StoredTime | null;
  /** Shots stored. */
  completed: number;
}

/** Everything stored about a sequence except its shots. */
export interface StoredSequenceRow extends StoredSequenceStatsRow {
  created_at: StoredTime;
  iteration: string;
  time_lanes: string;
  globals: string | null;
  device_configurations: string | null;
  error: string | null;
  owner: string | null;
  /** JSON of the sequence's suspenders. */
  suspenders: string;
}

/** A stored shot without its data, with the labels of its data (any order). */
export interface StoredShotRow {
  start_time: StoredTime;
  end_time: StoredTime;
  parameters: string;
  timing: string;
  labels: string[];
}

/** One stored data value: structured JSON, or an array's dtype, JSON shape and bytes. */
export type StoredDataRow =
  | { label: string; content: string }
  | { label: string; dtype: string; shape: string; bytes: Uint8Array };

/** A stored default device configuration. */
export interface StoredDeviceRow {
  name: string;
  type: string;
  content: string;
}

/** The snapshots taken when a sequence was launched (PREPARING). */
export interface StoredSnapshotRow {
  globals: string;
  deviceConfigurations: string;
}

/**
 * What `readShotTable` reads: `[index, start ms, end ms, parameters JSON]` per shot in index order,
 * and `[index, label, content JSON]` per structured data value.
 */
export interface StoredShotTableRows {
  shots: [index: number, startMs: number, endMs: number, parameters: string][];
  data: [index: number, label: string, content: string][];
}

/** The stats of a stored sequence. */
export function decodeSequenceStatsRow(
  path: SequencePath,
  row: StoredSequenceStatsRow,
): SequenceStats {
  const at = { sequence: path.toString() };
  return {
    state: decodeStoredState(row.state, at),
    completedShots: row.completed,
    expectedShots: row.expected_shots,
    startTime: decodeStorageDate(row.start_time, 'start time', at, true),
    stopTime: decodeStorageDate(row.stop_time, 'stop time', at, true),
  };
}

/** The record of a stored sequence. */
export function decodeSequenceRow(path: SequencePath, row: StoredSequenceRow): SequenceRecord {
  const at = { sequence: path.toString() };
  return {
    path,
    createdAt: decodeStorageDate(row.created_at, 'creation date', at),
    ...decodeSequenceStatsRow(path, row),
    iteration: decodeStorageJson(row.iteration, 'iteration', at),
    timeLanes: decodeStorageJson(row.time_lanes, 'time lanes', at),
    globals: row.globals === null ? null : decodeStorageJson(row.globals, 'global parameters', at),
    deviceConfigurations:
      row.device_configurations === null
        ? null
        : decodeStoredDeviceConfigurations(row.device_configurations, at),
    error: row.error === null ? null : decodeStoredErrorSummary(row.error, at),
    owner: row.owner === null ? null : decodeRunOwner(row.owner, at),
    suspenders: decodeStorageJson(row.suspenders, 'suspenders', at),
  };
}

/** The snapshots of a launched sequence. */
export function decodeSnapshotRow(
  path: SequencePath,
  row: StoredSnapshotRow,
): { globals: JsonValue; deviceConfigurations: StoredDeviceConfiguration[] } {
  const at = { sequence: path.toString() };
  return {
    globals: decodeStorageJson(row.globals, 'global parameters', at),
    deviceConfigurations: decodeStoredDeviceConfigurations(row.deviceConfigurations, at),
  };
}

/** The record of a stored shot; its labels sorted. */
export function decodeShotRow(path: SequencePath, index: number, row: StoredShotRow): ShotRecord {
  const at = { sequence: path.toString(), shot: index };
  return {
    index,
    parameters: decodeStorageJsonObject(row.parameters, 'parameters', at),
    startTime: decodeStorageDate(row.start_time, 'shot start time', at),
    endTime: decodeStorageDate(row.end_time, 'shot end time', at),
    timing: decodeStorageJson(row.timing, 'timing', at),
    labels: [...row.labels].sort(),
  };
}

/** One data value of a stored shot. */
export function decodeDataRow(path: SequencePath, index: number, row: StoredDataRow): DataValue {
  const location = { sequence: path.toString(), shot: index, label: row.label };
  if ('content' in row) return decodeStorageJson(row.content, `data "${row.label}"`, location);
  return decodeStoredArray(row.dtype, row.shape, row.bytes, location);
}

/** All data values of a stored shot, by label in sorted order. */
export function decodeDataRows(
  path: SequencePath,
  index: number,
  rows: readonly StoredDataRow[],
): Record<DataLabel, DataValue> {
  const data: Record<DataLabel, DataValue> = {};
  const sorted = [...rows].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (const row of sorted) data[row.label] = decodeDataRow(path, index, row);
  return data;
}

/** A stored default device configuration. */
export function decodeDeviceRow(row: StoredDeviceRow): StoredDeviceConfiguration {
  return {
    name: row.name,
    type: row.type,
    configuration: decodeStorageJson(row.content, 'device configuration', { device: row.name }),
  };
}
