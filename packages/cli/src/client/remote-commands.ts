// The `seq`, `globals` and `device` commands when a server owns the lab: the same inputs and the
// same outputs as the local commands, through the server's routes.
import {
  type ErrorSummary,
  IterationConfiguration,
  LaneTypeRegistry,
  ParameterNamespace,
  type JsonValue,
  type SequenceEvent,
  type SequencePath,
  TimeLanes,
  decodeSequenceEvent,
  suspenderSpecsSchema,
} from '@shotline/core';
import type { LabClient, SequenceDetail } from '@shotline/server/client';
import { stringify } from 'yaml';
import { CliUsageError } from '../cli-errors.js';
import type { CommandContext } from '../command-context.js';
import { printGlobals } from '../commands/globals.js';
import { globalsToFileValue } from '../globals/globals-file.js';
import { SourceDocument } from '../input/source-document.js';
import { parseAssignment, parseSetValue, setAtPath } from '../input/values.js';
import { textTable } from '../output/output.js';
import { sequenceEventText } from '../run/sequence-event-text.js';
import {
  formatSequenceFile,
  parseSequenceFile,
  sequenceToFileValue,
} from '../sequence-file/sequence-file.js';
import {
  type SequenceReport,
  printSequenceListing,
  sequenceReportLines,
} from '../commands/sequences.js';

/**
 * A sequence file read for the server. Lanes of the built-in types (digital, analog, camera) are
 * read here; the server checks everything again with its plugins.
 */
async function readDefinitionJson(
  file: string,
): Promise<{ iteration: unknown; timeLanes: unknown; suspenders: unknown[] }> {
  const definition = parseSequenceFile(
    await SourceDocument.read(file),
    LaneTypeRegistry.withBuiltins(),
  );
  return {
    iteration: definition.iteration.toJSON(),
    timeLanes: definition.timeLanes.toJSON(),
    suspenders: [...(definition.suspenders ?? [])],
  };
}

function report(detail: SequenceDetail, events: readonly SequenceEvent[]): SequenceReport {
  return {
    path: detail.path,
    state: detail.state,
    completedShots: detail.completedShots,
    expectedShots: detail.expectedShots,
    createdAt: new Date(detail.createdAt),
    startTime: detail.startTime ? new Date(detail.startTime) : null,
    stopTime: detail.stopTime ? new Date(detail.stopTime) : null,
    owner: detail.owner,
    run: detail.run
      ? {
          state: detail.run.state,
          owner: detail.run.owner,
          since: detail.run.since ? new Date(detail.run.since) : null,
          lastSeen: detail.run.lastSeen ? new Date(detail.run.lastSeen) : null,
        }
      : null,
    devices: detail.devices,
    error: detail.error as ErrorSummary | null,
    events: events.map((e) => ({ time: e.time, kind: e.kind, text: sequenceEventText(e) })),
  };
}

/** `seq create|edit <path> --file f` through the server. */
export async function remoteSeqWrite(
  context: CommandContext,
  client: LabClient,
  path: SequencePath,
  file: string,
  mode: 'create' | 'edit',
): Promise<void> {
  const definition = await readDefinitionJson(file);
  const detail =
    mode === 'create'
      ? await client.createSequence(path.toString(), definition)
      : await client.editSequence(path.toString(), definition);
  context.output.result(
    { path: detail.path, state: detail.state, expectedShots: detail.expectedShots },
    () =>
      `${mode === 'create' ? 'created sequence' : 'updated sequence'} ${detail.path} (${mode === 'create' ? 'DRAFT, ' : ''}${detail.expectedShots ?? 'unknown number of'} shots)`,
  );
}

/** `seq list [folder]` through the server. */
export async function remoteSeqList(
  context: CommandContext,
  client: LabClient,
  folder: SequencePath,
): Promise<void> {
  printSequenceListing(context, folder, await client.sequences(folder.toString()));
}

/** `seq show <path> [--definition]` through the server. */
export async function remoteSeqShow(
  context: CommandContext,
  client: LabClient,
  path: SequencePath,
  options: { definition?: boolean },
): Promise<void> {
  const detail = await client.sequence(path.toString());
  if (options.definition) {
    const definition = {
      iteration: IterationConfiguration.fromJSON(detail.iteration),
      timeLanes: TimeLanes.fromJSON(detail.timeLanes, LaneTypeRegistry.withBuiltins()),
      suspenders: suspenderSpecsSchema.parse(detail.suspenders),
    };
    context.output.result(sequenceToFileValue(definition), () => formatSequenceFile(definition));
    return;
  }
  const events =
    detail.state === 'draft'
      ? []
      : (await client.sequenceEvents(path.toString())).map((e) =>
          decodeSequenceEvent(path, { ...e, time: new Date(e.time), data: e.data as JsonValue }),
        );
  const r = report(detail, events);
  context.output.result(r, () => sequenceReportLines(r));
}

/** `seq reset|duplicate|delete` through the server. */
export async function remoteSeqChange(
  context: CommandContext,
  client: LabClient,
  change:
    | { kind: 'reset'; path: SequencePath }
    | { kind: 'duplicate'; source: SequencePath; destination: SequencePath }
    | { kind: 'delete'; path: SequencePath; recursive: boolean },
): Promise<void> {
  switch (change.kind) {
    case 'reset': {
      const before = await client.sequence(change.path.toString());
      await client.resetSequence(change.path.toString());
      context.output.result(
        { path: before.path, state: 'draft', erasedShots: before.completedShots },
        () => `reset ${before.path} to DRAFT (${before.completedShots} shot(s) erased)`,
      );
      return;
    }
    case 'duplicate': {
      const detail = await client.duplicateSequence(
        change.source.toString(),
        change.destination.toString(),
      );
      context.output.result(
        { source: change.source.toString(), path: detail.path, state: 'draft' },
        () => `created ${detail.path} (DRAFT) from ${change.source.toString()}`,
      );
      return;
    }
    case 'delete': {
      const listing = await client.sequences(change.path.toString()).catch(() => []);
      const isSequence = listing.length === 1 && listing[0]!.path === change.path.toString();
      await client.deleteSequence(change.path.toString(), isSequence || change.recursive);
      context.output.result(
        { deleted: change.path.toString() },
        () => `deleted ${change.path.toString()}`,
      );
    }
  }
}

/** `globals get [name] [--evaluated]` through the server. */
export async function remoteGlobalsGet(
  context: CommandContext,
  client: LabClient,
  name: string | undefined,
  options: { evaluated?: boolean },
): Promise<void> {
  printGlobals(context, ParameterNamespace.fromJSON(await client.globals()), name, options);
}

/** `globals set` through the server: the new namespace is built here, checked and stored there. */
export async function remoteGlobalsSet(
  context: CommandContext,
  client: LabClient,
  build: (current: ParameterNamespace) => ParameterNamespace,
): Promise<void> {
  const globals = build(ParameterNamespace.fromJSON(await client.globals()));
  const values = globals.evaluate();
  await client.setGlobals(globals.toJSON());
  context.output.result(
    { globals: globalsToFileValue(globals), values: values.toJSON() },
    () => `set ${globals.names().length} global parameter(s)`,
  );
}

/** `device list|show|remove` through the server. */
export async function remoteDeviceCommand(
  context: CommandContext,
  client: LabClient,
  command: { kind: 'list' } | { kind: 'show'; name: string } | { kind: 'remove'; name: string },
): Promise<void> {
  if (command.kind === 'list') {
    const devices = await client.devices();
    context.output.result(devices, () =>
      devices.length === 0
        ? ['no devices; add one with "shotline device add <name> --type <type tag>"']
        : textTable(
            ['NAME', 'TYPE'],
            devices.map((d) => [d.name, d.type]),
          ),
    );
  } else if (command.kind === 'show') {
    const device = await client.device(command.name);
    context.output.result(device, () => [
      `${device.name} (${device.type})`,
      ...stringify(device.configuration)
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    ]);
  } else {
    await client.removeDevice(command.name);
    context.output.result({ removed: command.name }, () => `removed device "${command.name}"`);
  }
}

/** `device add|edit` through the server (validated there by the type's schema). */
export async function remoteDeviceWrite(
  context: CommandContext,
  client: LabClient,
  name: string,
  options: { type?: string; config?: string; set?: readonly string[] },
  mode: 'add' | 'edit',
): Promise<void> {
  let type = options.type;
  let configuration: unknown = {};
  if (mode === 'edit') {
    const current = await client.device(name);
    type = current.type;
    configuration = current.configuration;
  } else if ((await client.devices()).some((d) => d.name === name)) {
    throw new CliUsageError(
      `device "${name}" exists; change it with "shotline device edit ${name}"`,
      {
        location: { device: name },
      },
    );
  }
  if (!type) throw new CliUsageError('device add needs --type <type tag>');
  if (mode === 'add' && !options.config) {
    const known = (await client.deviceTypes()).find((t) => t.type === type);
    if (!known) {
      throw new CliUsageError(
        `the server has no device type "${type}": see its plugins with "shotline devices" on the server's machine`,
        { location: { device: name } },
      );
    }
    configuration = known.defaultConfiguration;
  }
  if (options.config) configuration = (await SourceDocument.read(options.config)).value;
  for (const text of options.set ?? []) {
    const { key, value } = parseAssignment(text, 'key');
    configuration = setAtPath(configuration, key, parseSetValue(value));
  }
  const stored = await client.setDevice(name, type, configuration);
  context.output.result(stored, () => [
    `${mode === 'add' ? 'added' : 'updated'} device "${name}" (${type})`,
    ...stringify(stored.configuration)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  ]);
}
