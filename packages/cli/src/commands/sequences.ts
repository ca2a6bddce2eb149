import {
  IterationConfiguration,
  SequencePath,
  TimeLanes,
  activeRunOf,
  type ActiveRun,
  type ErrorSummary,
  type RunOwner,
  type SequenceEvent,
  type SequenceRecord,
} from '@shotline/core';
import { CliUsageError } from '../cli-errors.js';
import { labServerFor } from '../client/lab-server-access.js';
import {
  remoteSeqChange,
  remoteSeqList,
  remoteSeqShow,
  remoteSeqWrite,
} from '../client/remote-commands.js';
import { withLab, type CommandContext } from '../command-context.js';
import { SourceDocument } from '../input/source-document.js';
import { parseSequencePathArgument } from '../input/sequence-path-arg.js';
import type { Lab } from '../lab/lab.js';
import { oneLine, textTable } from '../output/output.js';
import { describeActiveRun, howToStop } from '../run/active-run.js';
import { sequenceEventText } from '../run/sequence-event-text.js';
import {
  formatSequenceFile,
  parseSequenceFile,
  sequenceToFileValue,
  type SequenceDefinition,
} from '../sequence-file/sequence-file.js';

async function readDefinition(lab: Lab, file: string): Promise<SequenceDefinition> {
  const source = await SourceDocument.read(file);
  return parseSequenceFile(source, lab.registry.laneTypes);
}

/** `shotline seq create <path> --file <file>`: a new DRAFT sequence from a sequence file. */
export async function seqCreateCommand(
  context: CommandContext,
  pathText: string,
  options: { file?: string },
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  if (!options.file) throw new CliUsageError('seq create needs --file <sequence file>');
  const file = options.file;
  const server = await labServerFor(context);
  if (server) return remoteSeqWrite(context, server, path, file, 'create');
  await withLab(context, async (lab) => {
    const definition = await readDefinition(lab, file);
    await lab.session.createSequence(path, definition);
    const stats = (await lab.storage.getStats(path)).unwrap();
    context.output.result(
      { path: path.toString(), state: stats.state, expectedShots: stats.expectedShots },
      () =>
        `created sequence ${path.toString()} (DRAFT, ${stats.expectedShots ?? 'unknown number of'} shots)`,
    );
  });
}

/** `shotline seq edit <path> --file <file>`: replaces the iteration and time lanes of a DRAFT. */
export async function seqEditCommand(
  context: CommandContext,
  pathText: string,
  options: { file?: string },
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  if (!options.file) throw new CliUsageError('seq edit needs --file <sequence file>');
  const file = options.file;
  const server = await labServerFor(context);
  if (server) return remoteSeqWrite(context, server, path, file, 'edit');
  await withLab(context, async (lab) => {
    const definition = await readDefinition(lab, file);
    const state = await lab.session.state(path);
    if (state !== 'draft') {
      throw new CliUsageError(
        `sequence ${path.toString()} is ${state.toUpperCase()}; only a DRAFT can be edited (reset it first with "shotline seq reset", which erases its shots, or duplicate it)`,
        { location: { sequence: path.toString() } },
      );
    }
    // Time lanes are written first: if the iteration write failed, the lanes of a DRAFT would be
    // new but still valid; both are validated above, so neither write is refused for content.
    await lab.session.setTimeLanes(path, definition.timeLanes);
    await lab.session.setSuspenders(path, definition.suspenders ?? []);
    await lab.session.setIteration(path, definition.iteration);
    const stats = (await lab.storage.getStats(path)).unwrap();
    context.output.result(
      { path: path.toString(), state: stats.state, expectedShots: stats.expectedShots },
      () =>
        `updated sequence ${path.toString()} (${stats.expectedShots ?? 'unknown number of'} shots)`,
    );
  });
}

/** One sequence in `seq list`. */
export interface SequenceListing {
  readonly path: string;
  readonly state: string;
  readonly completedShots: number;
  readonly expectedShots: number | null;
}

/** `shotline seq list [folder]`: every sequence at or below a folder, with state and progress. */
export async function seqListCommand(
  context: CommandContext,
  folderText: string | undefined,
): Promise<void> {
  const folder = folderText ? parseSequencePathArgument(folderText) : SequencePath.root;
  const server = await labServerFor(context);
  if (server) return remoteSeqList(context, server, folder);
  await withLab(context, async (lab) => {
    const paths = (await lab.storage.sequencesUnder(folder)).unwrap();
    const listing: SequenceListing[] = [];
    for (const path of paths) {
      const stats = (await lab.storage.getStats(path)).unwrap();
      listing.push({
        path: path.toString(),
        state: stats.state,
        completedShots: stats.completedShots,
        expectedShots: stats.expectedShots,
      });
    }
    printSequenceListing(context, folder, listing);
  });
}

/** Prints the sequences of `seq list`. */
export function printSequenceListing(
  context: CommandContext,
  folder: SequencePath,
  listing: readonly SequenceListing[],
): void {
  context.output.result(listing, () =>
    listing.length === 0
      ? [`no sequences under ${folder.toString()}`]
      : textTable(
          ['SEQUENCE', 'STATE', 'SHOTS'],
          listing.map((s) => [
            s.path,
            s.state.toUpperCase(),
            `${s.completedShots}/${s.expectedShots ?? '?'}`,
          ]),
        ),
  );
}

/** What `seq show` reports about a sequence. */
export interface SequenceReport {
  readonly path: string;
  readonly state: string;
  readonly completedShots: number;
  readonly expectedShots: number | null;
  readonly createdAt: Date;
  readonly startTime: Date | null;
  readonly stopTime: Date | null;
  readonly owner: RunOwner | null;
  /** Who runs it and since when, while PREPARING or RUNNING. */
  readonly run: ActiveRun | null;
  readonly devices: readonly { name: string; type: string }[] | null;
  readonly error: ErrorSummary | null;
  /** What happened to the run: pauses, resumes, suspender trips, continuations. */
  readonly events: readonly { time: Date; kind: string; text: string }[];
}

function report(
  record: SequenceRecord,
  run: ActiveRun | undefined,
  events: readonly SequenceEvent[],
): SequenceReport {
  return {
    run: run ?? null,
    path: record.path.toString(),
    state: record.state,
    completedShots: record.completedShots,
    expectedShots: record.expectedShots,
    createdAt: record.createdAt,
    startTime: record.startTime,
    stopTime: record.stopTime,
    owner: record.owner,
    devices: record.deviceConfigurations?.map((d) => ({ name: d.name, type: d.type })) ?? null,
    error: record.error,
    events: events.map((e) => ({ time: e.time, kind: e.kind, text: sequenceEventText(e) })),
  };
}

/** Lines describing an error summary and its causes. */
export function errorSummaryLines(summary: ErrorSummary, indent = '  '): string[] {
  const lines = [`${indent}[${summary.code ?? summary.type}] ${oneLine(summary.message)}`];
  for (const member of summary.errors ?? [])
    lines.push(...errorSummaryLines(member, `${indent}  `));
  if (summary.cause) {
    const cause = errorSummaryLines(summary.cause, `${indent}  `);
    cause[0] = cause[0]!.replace(/^(\s*)/, '$1caused by: ');
    lines.push(...cause);
  }
  return lines;
}

/** The text of `seq show`. */
export function sequenceReportLines(r: SequenceReport): string[] {
  const progress =
    r.expectedShots !== null && r.expectedShots > 0
      ? `${r.completedShots}/${r.expectedShots} shots (${Math.round((100 * r.completedShots) / r.expectedShots)}%)`
      : `${r.completedShots}/${r.expectedShots ?? '?'} shots`;
  const lines = [r.path, `  state:    ${r.state.toUpperCase()}`, `  progress: ${progress}`];
  lines.push(`  created:  ${r.createdAt.toISOString()}`);
  if (r.run) {
    const who = r.run.owner
      ? `${r.run.owner.label || r.run.owner.id} on host ${r.run.owner.host}, pid ${r.run.owner.pid}`
      : 'an unknown process';
    const since = r.run.since ? ` since ${r.run.since.toISOString()}` : '';
    const seen = r.run.lastSeen ? ` (last seen ${r.run.lastSeen.toISOString()})` : '';
    lines.push(`  run by:   ${who}${since}${seen}`);
  } else if (r.owner) {
    lines.push(
      `  ran by:   ${r.owner.label || r.owner.id} on host ${r.owner.host}, pid ${r.owner.pid}`,
    );
  }
  if (r.startTime) {
    const end = r.stopTime ?? new Date();
    const seconds = (end.getTime() - r.startTime.getTime()) / 1000;
    const rate = seconds > 0 ? ` (${(r.completedShots / seconds).toFixed(1)} shots/s)` : '';
    lines.push(
      `  ran:      ${r.startTime.toISOString()} → ${r.stopTime ? r.stopTime.toISOString() : 'now'}, ${seconds.toFixed(1)} s${rate}`,
    );
  }
  if (r.devices) {
    lines.push(`  devices:  ${r.devices.map((d) => `${d.name} (${d.type})`).join(', ') || 'none'}`);
  }
  if (r.error) lines.push('  error:', ...errorSummaryLines(r.error, '    '));
  if (r.events.length > 0) {
    lines.push('  events:');
    for (const e of r.events) lines.push(`    ${e.time.toISOString()}  ${e.text}`);
  }
  return lines;
}

/**
 * `shotline seq show <path>`: state, progress, times, devices, error summary; with `--definition`
 * the sequence file (YAML, or JSON with `--json`), ready to edit and apply with `seq edit`.
 */
export async function seqShowCommand(
  context: CommandContext,
  pathText: string,
  options: { definition?: boolean },
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const server = await labServerFor(context);
  if (server) return remoteSeqShow(context, server, path, options);
  await withLab(context, async (lab) => {
    const record = (await lab.storage.getSequence(path)).unwrap();
    if (options.definition) {
      const definition: SequenceDefinition = {
        iteration: IterationConfiguration.fromJSON(record.iteration),
        timeLanes: TimeLanes.fromJSON(record.timeLanes, lab.registry.laneTypes),
        suspenders: await lab.session.suspenders(path),
      };
      context.output.result(sequenceToFileValue(definition), () => formatSequenceFile(definition));
      return;
    }
    const events = record.state === 'draft' ? [] : await lab.session.events(path);
    const r = report(record, await activeRunOf(lab.storage, path), events);
    context.output.result(r, () => sequenceReportLines(r));
  });
}

/**
 * Refuses to reset or delete a sequence that a live run is running, saying who runs it and how to
 * stop it. (A run whose process is gone was already marked CRASHED when the lab was opened.)
 */
async function refuseActive(lab: Lab, path: SequencePath, what: string): Promise<void> {
  const active = await activeRunOf(lab.storage, path);
  if (!active) return;
  throw new CliUsageError(
    `cannot ${what} sequence ${path.toString()}: it is ${describeActiveRun(active)}; ${howToStop(active)} first`,
    { location: { sequence: path.toString() } },
  );
}

/** `shotline seq reset <path>`: FINISHED, INTERRUPTED or CRASHED back to DRAFT (erases shots). */
export async function seqResetCommand(context: CommandContext, pathText: string): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const server = await labServerFor(context);
  if (server) return remoteSeqChange(context, server, { kind: 'reset', path });
  await withLab(context, async (lab) => {
    await refuseActive(lab, path, 'reset');
    const before = (await lab.storage.getStats(path)).unwrap();
    await lab.session.resetToDraft(path);
    context.output.result(
      { path: path.toString(), state: 'draft', erasedShots: before.completedShots },
      () => `reset ${path.toString()} to DRAFT (${before.completedShots} shot(s) erased)`,
    );
  });
}

/** `shotline seq duplicate <source> <destination>`: a new DRAFT with the same definition. */
export async function seqDuplicateCommand(
  context: CommandContext,
  sourceText: string,
  destinationText: string,
): Promise<void> {
  const source = parseSequencePathArgument(sourceText);
  const destination = parseSequencePathArgument(destinationText);
  const server = await labServerFor(context);
  if (server) return remoteSeqChange(context, server, { kind: 'duplicate', source, destination });
  await withLab(context, async (lab) => {
    (await lab.storage.duplicateSequence(source, destination)).unwrap();
    context.output.result(
      { source: source.toString(), path: destination.toString(), state: 'draft' },
      () => `created ${destination.toString()} (DRAFT) from ${source.toString()}`,
    );
  });
}

/** `shotline seq delete <path> [--recursive]`: deletes a sequence (or a folder, recursively). */
export async function seqDeleteCommand(
  context: CommandContext,
  pathText: string,
  options: { recursive?: boolean },
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const server = await labServerFor(context);
  if (server) {
    return remoteSeqChange(context, server, {
      kind: 'delete',
      path,
      recursive: options.recursive === true,
    });
  }
  await withLab(context, async (lab) => {
    const isSequence = (await lab.storage.isSequence(path)).unwrap();
    if (isSequence) await refuseActive(lab, path, 'delete');
    (
      await lab.storage.deletePath(path, {
        deleteSequences: isSequence || options.recursive === true,
      })
    ).unwrap();
    context.output.result({ deleted: path.toString() }, () => `deleted ${path.toString()}`);
  });
}
