import { isNDArray } from '../data/index.js';
import type { ErrorSummary } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import { type Result, err, ok } from '../result/index.js';
import { isActive } from '../sequence/index.js';
import type { SequenceRecord, SessionStorage, ShotInput } from './session-storage.js';
import {
  PathHasChildrenError,
  PathIsSequenceError,
  PathNotFoundError,
  SequenceRunningError,
} from './storage-errors.js';

/** Why {@link copyPath} refused to copy (checked before anything is written). */
export type CopyPathError =
  PathNotFoundError | PathIsSequenceError | PathHasChildrenError | SequenceRunningError;

/** Options of {@link copyPath}. */
export interface CopyPathOptions {
  /**
   * Shots are written in batches of about this many bytes of array data, one transaction each.
   * Default 64 MiB.
   */
  batchBytes?: number;
  /** Called after each sequence is copied (progress). */
  onSequenceCopied?: (path: SequencePath) => void;
}

interface Node {
  path: SequencePath;
  isSequence: boolean;
}

const UNKNOWN_ERROR: ErrorSummary = {
  type: 'Error',
  message: 'unknown error (the source sequence had no error summary)',
  recoverable: false,
};

async function collectSubtree(storage: SessionStorage, path: SequencePath): Promise<Node[]> {
  const nodes: Node[] = [];
  const visit = async (p: SequencePath): Promise<void> => {
    const isSequence = p.isRoot() ? false : (await storage.isSequence(p)).unwrap();
    if (!p.isRoot()) nodes.push({ path: p, isSequence });
    if (isSequence) return;
    for (const child of (await storage.children(p)).unwrap()) await visit(child);
  };
  await visit(path);
  return nodes;
}

/**
 * Copies the folder or sequence at `path`, with everything below it, from `source` to `destination`
 * (for example from a lab PC's SQLite file to the shared PostgreSQL database). Creation dates, states,
 * start and stop times, snapshots, error summaries and shots (parameters, data, times, timing) are
 * preserved; missing parent folders are created with their source creation dates.
 *
 * Everything is checked before anything is written: the source path must exist (else
 * {@link PathNotFoundError}), no sequence below it may be PREPARING or RUNNING
 * ({@link SequenceRunningError}), no copied node may already be a sequence in the destination
 * ({@link PathIsSequenceError}), and a sequence cannot land on a destination folder that has children
 * ({@link PathHasChildrenError}). Each sequence is copied by the ordinary storage methods, so a
 * failure of the destination part-way leaves the sequences copied so far. Returns the copied
 * sequences in order.
 */
export async function copyPath(
  source: SessionStorage,
  destination: SessionStorage,
  path: SequencePath,
  options: CopyPathOptions = {},
): Promise<Result<SequencePath[], CopyPathError>> {
  if (!(await source.pathExists(path))) return err(new PathNotFoundError(path));
  const nodes = await collectSubtree(source, path);

  for (const node of nodes) {
    if (!node.isSequence) continue;
    const stats = (await source.getStats(node.path)).unwrap();
    if (isActive(stats.state)) return err(new SequenceRunningError(node.path));
  }
  for (const ancestor of path.ancestors().slice(1)) {
    if (ancestor.isRoot() || !(await destination.pathExists(ancestor))) continue;
    if ((await destination.isSequence(ancestor)).unwrap()) {
      return err(
        new PathIsSequenceError(
          ancestor,
          `cannot copy "${path.toString()}": "${ancestor.toString()}" is a sequence in the destination`,
        ),
      );
    }
  }
  for (const node of nodes) {
    if (!(await destination.pathExists(node.path))) continue;
    if ((await destination.isSequence(node.path)).unwrap()) {
      return err(
        new PathIsSequenceError(
          node.path,
          `"${node.path.toString()}" is already a sequence in the destination`,
        ),
      );
    }
    if (node.isSequence && (await destination.children(node.path)).unwrap().length > 0) {
      return err(new PathHasChildrenError(node.path));
    }
  }

  const ensureFolder = async (folder: SequencePath): Promise<void> => {
    if (await destination.pathExists(folder)) return;
    const createdAt = (await source.creationDate(folder)).unwrap();
    (await destination.createPath(folder, { createdAt })).unwrap();
  };
  for (const ancestor of path.ancestors().slice(1).reverse()) {
    if (!ancestor.isRoot()) await ensureFolder(ancestor);
  }
  const copied: SequencePath[] = [];
  for (const node of nodes) {
    if (!node.isSequence) {
      await ensureFolder(node.path);
      continue;
    }
    await copySequence(source, destination, node.path, options.batchBytes ?? 64 * 2 ** 20);
    copied.push(node.path);
    options.onSequenceCopied?.(node.path);
  }
  return ok(copied);
}

async function copySequence(
  source: SessionStorage,
  destination: SessionStorage,
  path: SequencePath,
  batchBytes: number,
): Promise<void> {
  const record: SequenceRecord = (await source.getSequence(path)).unwrap();
  (
    await destination.createSequence(
      path,
      {
        iteration: record.iteration,
        timeLanes: record.timeLanes,
        expectedShots: record.expectedShots,
        suspenders: record.suspenders,
      },
      { createdAt: record.createdAt },
    )
  ).unwrap();
  if (record.state === 'draft') return;

  (
    await destination.setPreparing(path, {
      globals: record.globals ?? [],
      deviceConfigurations: record.deviceConfigurations ?? [],
      owner: record.owner ?? {
        id: 'unknown',
        host: 'unknown',
        pid: 0,
        processStartedAt: null,
        label: 'unknown',
      },
    })
  ).unwrap();
  // The events of the run (pauses, suspender trips, continuations), in their order.
  for (const event of (await source.sequenceEvents(path)).unwrap()) {
    (
      await destination.addSequenceEvent(path, {
        kind: event.kind,
        time: event.time,
        data: event.data,
      })
    ).unwrap();
  }
  if (record.startTime !== null) {
    (await destination.setRunning(path, record.startTime)).unwrap();
    let batch: ShotInput[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) (await destination.createShots(path, batch)).unwrap();
      batch = [];
      bytes = 0;
    };
    for (const index of (await source.shotIndices(path)).unwrap()) {
      const shot = (await source.getShot(path, index)).unwrap();
      const data = (await source.getAllShotData(path, index)).unwrap();
      batch.push({
        index,
        parameters: shot.parameters,
        data,
        startTime: shot.startTime,
        endTime: shot.endTime,
        timing: shot.timing,
      });
      for (const value of Object.values(data)) {
        if (isNDArray(value)) bytes += value.data.byteLength;
      }
      if (bytes >= batchBytes) await flush();
    }
    await flush();
  }
  const stopTime = record.stopTime ?? record.startTime ?? record.createdAt;
  switch (record.state) {
    case 'finished':
      (await destination.setFinished(path, stopTime)).unwrap();
      break;
    case 'interrupted':
      (await destination.setInterrupted(path, stopTime)).unwrap();
      break;
    case 'crashed':
      (await destination.setCrashed(path, record.error ?? UNKNOWN_ERROR, stopTime)).unwrap();
      break;
    default:
      break;
  }
}
