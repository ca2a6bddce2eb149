import { existsSync, statSync } from 'node:fs';
import {
  ExperimentManager,
  activeRunOf,
  parseDeviceConfiguration,
  type SequencePath,
  type ShotPipelineOptions,
} from '@shotline/core';
import { CliUsageError } from '../cli-errors.js';
import type { Lab } from '../lab/lab.js';
import type { StorageTarget } from '../lab/storage-url.js';
import { missingDevicePlugin } from '../lab/missing-plugin.js';
import type { Output } from '../output/output.js';
import { describeActiveRun, howToStop } from './active-run.js';
import { ProgressDisplay } from './progress-display.js';
import { steer, terminalKeys, type RunKeys } from './run-keys.js';

/** How a run ended, as `shotline run` and the demo report it. */
export interface RunSummary {
  readonly path: string;
  readonly state: 'finished' | 'interrupted' | 'crashed';
  readonly shots: number;
  readonly expectedShots: number | null;
  /** Wall time from the start of preparation to the end, in seconds. */
  readonly seconds: number;
  /** Shots per second while running. */
  readonly rate: number;
  /** Where the data is (storage location). */
  readonly storage: string;
  /** Size of the SQLite file (with its write-ahead log) in bytes; null for PostgreSQL. */
  readonly dataBytes: number | null;
}

/** Bytes the lab's storage takes on disk (the SQLite file and its WAL); null for PostgreSQL. */
export function storageBytes(target: StorageTarget): number | null {
  return target.kind === 'sqlite' ? sqliteBytes(target.file) : null;
}

/** Options of {@link runSequence}. */
export interface RunSequenceOptions {
  /** Reset a sequence that already ran to DRAFT first (erasing its shots). */
  readonly reset?: boolean;
  /** Pipeline options on top of the lab configuration's. */
  readonly pipeline?: ShotPipelineOptions;
  /** Where Ctrl-C comes from (default: this process). */
  readonly interrupts?: NodeJS.EventEmitter;
  /**
   * Continue an INTERRUPTED or CRASHED sequence (its missing shots, on its snapshot) instead of
   * running a DRAFT; a string is the reason recorded with the continuation.
   */
  readonly continue?: boolean | string;
  /**
   * Keys that steer the run (`p` pause, `r` resume, `g` resume with the current globals, Ctrl-C
   * interrupt); default: this process's standard input when it is a terminal.
   */
  readonly keys?: RunKeys;
}

/** Size in bytes of an SQLite database and its WAL. */
export function sqliteBytes(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

/**
 * Every default device must be provided by a loaded plugin and valid: checked before the sequence is
 * touched, so a missing plugin never leaves a half-opened setup. The error names the device, its
 * type and the package to install.
 */
export async function checkDevicePlugins(lab: Lab): Promise<void> {
  for (const device of await lab.storage.listDeviceConfigurations()) {
    if (!lab.registry.findExtension(device.type)) {
      throw missingDevicePlugin(device.name, device.type, lab.registry, lab.pluginReport);
    }
    parseDeviceConfiguration(lab.registry, device);
  }
}

/**
 * Runs one sequence of the lab with a progress display. Ctrl-C interrupts it cleanly: the running
 * shot finishes and is stored, nothing after it runs, the devices are closed and the sequence ends
 * INTERRUPTED (a second Ctrl-C quits at once). Resolves with the summary for FINISHED and
 * INTERRUPTED; rejects with the sequence's error when it crashed or could not start.
 */
export async function runSequence(
  lab: Lab,
  path: SequencePath,
  output: Output,
  options: RunSequenceOptions = {},
): Promise<RunSummary> {
  await checkDevicePlugins(lab);
  const state = await lab.session.state(path);
  const active = await activeRunOf(lab.storage, path);
  if (active) {
    throw new CliUsageError(
      `sequence ${path.toString()} is ${describeActiveRun(active)}: it cannot run twice; wait until it ends, or ${howToStop(active)}`,
      { location: { sequence: path.toString() } },
    );
  }
  if (options.continue !== undefined && options.continue !== false) {
    if (options.reset) {
      throw new CliUsageError(
        '--continue and --reset exclude each other (--reset erases the shots)',
      );
    }
    if (state !== 'interrupted' && state !== 'crashed') {
      throw new CliUsageError(
        `sequence ${path.toString()} is ${state.toUpperCase()}; only an INTERRUPTED or CRASHED sequence can be continued${state === 'draft' ? ' (run it without --continue)' : ''}`,
        { location: { sequence: path.toString() } },
      );
    }
  } else if (state !== 'draft') {
    if (!options.reset) {
      throw new CliUsageError(
        `sequence ${path.toString()} is ${state.toUpperCase()}; only a DRAFT can run (add --reset to erase its shots and run it again, or "shotline seq duplicate" it${state === 'interrupted' || state === 'crashed' ? '; or add --continue to run only the shots it has not stored' : ''})`,
        { location: { sequence: path.toString() } },
      );
    }
    await lab.session.resetToDraft(path);
  }
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    pipeline: { ...lab.config.pipeline, ...options.pipeline },
    suspenders: lab.config.suspenders,
    // Shown to whoever finds a device in use by this run.
    label: `shotline run ${path.toString()}${lab.config.managerId ? ` (${lab.config.managerId})` : ''}`,
  });
  const display = new ProgressDisplay(output, manager.events);
  const procedure = manager.createProcedure(`shotline run ${path.toString()}`);
  const interrupts = options.interrupts ?? process;
  let interrupted = 0;
  const onInterrupt = (): void => {
    interrupted += 1;
    if (interrupted === 1) {
      display.line(
        'interrupting: the running shot finishes, then the devices close (Ctrl-C again to quit at once)',
      );
      procedure.interruptSequence();
    } else {
      // The devices are not closed; the sequence stays RUNNING until the lab is opened next, which
      // finds this process gone and marks it CRASHED.
      display.line(
        'quitting at once: the devices were not closed; the sequence is marked CRASHED when the lab is next opened',
      );
      process.exit(130);
    }
  };
  interrupts.on('SIGINT', onInterrupt);
  const keys = options.keys ?? terminalKeys();
  const stopKeys = keys?.listen((key) => {
    if (key === 'interrupt') onInterrupt();
    else steer(procedure, display, key);
  });
  if (keys) {
    display.keys = true;
    display.line('keys: p pause, r resume, g resume with the current globals, Ctrl-C interrupt');
  }
  const started = performance.now();
  try {
    await procedure.run((p) =>
      options.continue !== undefined && options.continue !== false
        ? p.continueSequence(
            path,
            typeof options.continue === 'string' ? { reason: options.continue } : {},
          )
        : p.runSequence(path),
    );
  } finally {
    stopKeys?.();
    interrupts.off('SIGINT', onInterrupt);
    display.stop();
    await manager.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const record = (await lab.storage.getSequence(path)).unwrap();
  const running =
    record.startTime && record.stopTime
      ? (record.stopTime.getTime() - record.startTime.getTime()) / 1000
      : seconds;
  return {
    path: path.toString(),
    state: record.state === 'finished' || record.state === 'interrupted' ? record.state : 'crashed',
    shots: record.completedShots,
    expectedShots: record.expectedShots,
    seconds,
    rate: running > 0 ? record.completedShots / running : 0,
    storage: lab.storage.location,
    dataBytes: storageBytes(lab.storageTarget),
  };
}

/** `12.3 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
