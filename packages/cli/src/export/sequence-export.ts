import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  type SequencePath,
  type SequenceShot,
  type StoredShots,
  ShotlineError,
  openSequence,
} from '@shotline/core';
import { ExportError } from '../cli-errors.js';
import { displayPath } from '../input/source-document.js';
import { writeArrow } from './arrow-export.js';
import { type ByteSink, fileSink, streamSink, writeAll } from './byte-sink.js';
import { writeCsv } from './csv-export.js';
import type { ExportSettings } from './export-format.js';
import { type ExportPlan, type ShotBatch, exportPlan, npyFileName } from './export-plan.js';
import { ExportProgress } from './export-progress.js';
import { writeHdf5 } from './hdf5-export.js';
import { arrayBytes, npyHeader } from './npy-file.js';
import { writeParquet } from './parquet-export.js';
import type { Output } from '../output/output.js';

/** Where an export goes: a file (replaced only with `force`), or a stream (stdout). */
export type ExportDestination =
  { file: string; force: boolean } | { stream: NodeJS.WritableStream };

/** What an export wrote. */
export interface ExportSummary {
  path: string;
  format: string;
  arrays: string;
  file: string | null;
  /** The folder of the .npy files (`--arrays files`). */
  arraysFolder: string | null;
  rows: number;
  columns: string[];
  arrayColumns: string[];
  arrayBytes: number;
  seconds: number;
}

/** Array data per batch: one Parquet row group, one Arrow record batch. */
const BATCH_BYTES = 8 * 2 ** 20;
const MAX_BATCH_SHOTS = 1024;

/** The folder of the .npy files of an export to `file`: `<name>.arrays` beside it. */
export function arraysFolderOf(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.arrays`);
}

function isNoSpace(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  const text = `${typeof code === 'string' ? code : ''} ${(e as Error)?.message ?? ''}`;
  return /ENOSPC|EDQUOT|no space left/i.test(text);
}

/**
 * Exports the shots of a sequence: the shots stored when it starts (a consistent snapshot of a
 * sequence being written), streamed in batches of about 8 MiB of arrays, so memory stays bounded
 * whatever the sequence's size. A file export is written under a temporary name beside the target
 * and renamed into place only when complete; on any failure (a full disk, a damaged array) the
 * partial file and folder are removed and the error says what happened.
 */
export async function exportSequence(
  storage: StoredShots,
  path: SequencePath,
  settings: ExportSettings,
  destination: ExportDestination,
  output: Output,
): Promise<ExportSummary> {
  const t0 = performance.now();
  const file = 'file' in destination ? destination.file : null;
  const arraysFolder = file !== null && settings.arrays === 'files' ? arraysFolderOf(file) : null;
  if ('file' in destination && !destination.force) {
    for (const target of [file, arraysFolder]) {
      if (target !== null && existsSync(target)) {
        throw new ExportError(
          `${displayPath(target)} exists: give --force to replace it, or another --out`,
          { location: { file: displayPath(target) } },
        );
      }
    }
  }
  const reader = openSequence(storage, path);
  const layout = await reader.layout();
  const plan = exportPlan(
    layout,
    settings.arrays,
    arraysFolder === null ? '' : basename(arraysFolder),
  );
  const rows = layout.table.index.length;
  const shotsPerBatch = Math.max(
    1,
    Math.min(MAX_BATCH_SHOTS, Math.floor(BATCH_BYTES / Math.max(1, plan.arrayBytesPerShot))),
  );
  if (rows === 0) {
    output.notice(
      `${path.toString()} has no shots: ${file === null ? 'writing' : `wrote ${displayPath(file)} as`} an empty ${settings.format} file with the columns ${plan.columns.map((c) => c.name).join(', ')}`,
    );
  }

  const partial =
    file === null ? null : join(dirname(file), `.${basename(file)}.${randomUUID()}.partial`);
  const partialFolder =
    arraysFolder === null
      ? null
      : join(dirname(arraysFolder), `.${basename(arraysFolder)}.${randomUUID()}.partial`);
  const progress = new ExportProgress(output, rows, plan.arrayBytesPerShot);
  let sink: ByteSink | undefined;
  try {
    if (partialFolder !== null) await mkdir(partialFolder);
    const batches = shotBatches(reader, plan, shotsPerBatch, partialFolder, progress);
    if (settings.format === 'hdf5') {
      await writeHdf5(partial!, plan, batches);
    } else {
      sink =
        partial === null
          ? streamSink((destination as { stream: NodeJS.WritableStream }).stream)
          : await fileSink(partial);
      if (settings.format === 'csv') await writeCsv(sink, plan.columns, batches);
      else if (settings.format === 'arrow') await writeArrow(sink, plan, batches);
      else await writeParquet(sink, plan, batches, shotsPerBatch, settings.parquetArrays);
      await sink.close();
    }
    if (partial !== null) await syncFile(partial);
    if (partialFolder !== null) {
      await rm(arraysFolder!, { recursive: true, force: true });
      await rename(partialFolder, arraysFolder!);
    }
    if (partial !== null) await rename(partial, file!);
  } catch (e) {
    await sink?.close().catch(() => undefined);
    if (partial !== null) await rm(partial, { force: true });
    if (partialFolder !== null) await rm(partialFolder, { recursive: true, force: true });
    if (isNoSpace(e)) {
      throw new ExportError(
        `no space left on the device while writing ${displayPath(file ?? arraysFolder ?? 'the export')}: the partial export was removed; free some space or choose another --out`,
        { cause: e, location: { file: displayPath(file ?? '') } },
      );
    }
    if (e instanceof ShotlineError) throw e;
    throw new ExportError(
      `cannot write ${file === null ? 'the export' : displayPath(file)}: ${(e as Error).message}${partial === null ? '' : ' (the partial file was removed)'}`,
      { cause: e, ...(file === null ? {} : { location: { file: displayPath(file) } }) },
    );
  } finally {
    progress.stop();
  }
  return {
    path: path.toString(),
    format: settings.format,
    arrays: settings.arrays,
    file,
    arraysFolder,
    rows,
    columns: plan.columns.map((c) => c.name),
    arrayColumns: plan.inline.map((a) => a.label),
    arrayBytes: rows * plan.arrayBytesPerShot,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Flushes a finished file to disk before it is renamed into place. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * The export's shots in batches: rows only when no array is written; otherwise each shot read with
 * the arrays the plan writes, checked against their column, and written as .npy files for
 * `--arrays files`.
 */
async function* shotBatches(
  reader: ReturnType<typeof openSequence>,
  plan: ExportPlan,
  shotsPerBatch: number,
  npyFolder: string | null,
  progress: ExportProgress,
): AsyncGenerator<ShotBatch, void, undefined> {
  const indices = plan.layout.table.index;
  const wanted = [...plan.inline, ...plan.files];
  if (wanted.length === 0) {
    for (let start = 0; start < indices.length; start += shotsPerBatch) {
      const count = Math.min(shotsPerBatch, indices.length - start);
      yield { start, count, shots: [] };
      progress.update(start + count);
    }
    return;
  }
  const labels = wanted.map((a) => a.label);
  const created = new Set<string>();
  let batch: SequenceShot[] = [];
  let start = 0;
  for await (const shot of reader.shots({ indices, labels })) {
    for (const column of wanted) reader.checkArray(shot.index, column, shot.data[column.label]);
    if (npyFolder !== null) {
      for (const column of plan.files) {
        const value = shot.data[column.label];
        if (value === undefined) continue;
        const target = join(npyFolder, npyFileName(column.label, shot.index));
        const folder = dirname(target);
        if (!created.has(folder)) {
          await mkdir(folder, { recursive: true });
          created.add(folder);
        }
        const handle = await open(target, 'wx');
        try {
          await writeAll(handle, [npyHeader(value as never), arrayBytes(value as never)]);
        } finally {
          await handle.close();
        }
      }
    }
    batch.push(shot);
    if (batch.length === shotsPerBatch) {
      yield { start, count: batch.length, shots: batch };
      start += batch.length;
      batch = [];
      progress.update(start);
    }
  }
  if (batch.length > 0) {
    yield { start, count: batch.length, shots: batch };
    progress.update(start + batch.length);
  }
}
