import { ShotlineError, type ParameterNamespace, type Parameters } from '@shotline/core';
import { withLab, type CommandContext } from '../command-context.js';
import { CliUsageError } from '../cli-errors.js';
import { labServerFor } from '../client/lab-server-access.js';
import { remoteGlobalsGet, remoteGlobalsSet } from '../client/remote-commands.js';
import {
  formatGlobalsFile,
  globalsToFileValue,
  parseGlobalsFile,
} from '../globals/globals-file.js';
import { SourceDocument } from '../input/source-document.js';
import { parseAssignment } from '../input/values.js';

function valuesJson(values: Parameters): Record<string, unknown> {
  return values.toJSON() as Record<string, unknown>;
}

/**
 * `shotline globals get [name]`: the global parameters as a YAML file (the form `globals set`
 * reads), or one parameter's expression; `--evaluated` shows the values instead.
 */
export async function globalsGetCommand(
  context: CommandContext,
  name: string | undefined,
  options: { evaluated?: boolean },
): Promise<void> {
  const server = await labServerFor(context);
  if (server) return remoteGlobalsGet(context, server, name, options);
  await withLab(context, async (lab) =>
    printGlobals(context, await lab.session.globals(), name, options),
  );
}

/** Prints the globals as `globals get` does (the whole file, one expression, or values). */
export function printGlobals(
  context: CommandContext,
  globals: ParameterNamespace,
  name: string | undefined,
  options: { evaluated?: boolean },
): void {
  if (name !== undefined) {
    const expression = globals.get(name);
    if (!expression) {
      throw new CliUsageError(`no global parameter "${name}"`, { location: { parameter: name } });
    }
    const value = options.evaluated ? globals.evaluate().get(name) : undefined;
    context.output.result(
      { name, expression: expression.source, ...(value !== undefined ? { value } : {}) },
      () => (value !== undefined ? String(value) : expression.source),
    );
    return;
  }
  if (options.evaluated) {
    const values = globals.evaluate();
    context.output.result(valuesJson(values), () =>
      values.names.map((n) => `${n} = ${String(values.get(n))}`),
    );
    return;
  }
  context.output.result(globalsToFileValue(globals), () =>
    globals.entries.length === 0 ? '# no global parameters' : formatGlobalsFile(globals),
  );
}

/**
 * `shotline globals set <file>` replaces the globals with a YAML/JSON file;
 * `shotline globals set name=expression...` changes or adds parameters. Every expression is parsed
 * and the whole namespace evaluated before anything is written.
 */
export async function globalsSetCommand(
  context: CommandContext,
  args: readonly string[],
): Promise<void> {
  if (args.length === 0) {
    throw new CliUsageError('globals set needs a file or name=expression pairs');
  }
  const pairs = args.every((a) => a.includes('='));
  if (!pairs && args.length !== 1) {
    throw new CliUsageError(
      'globals set takes one file, or name=expression pairs (quote pairs with spaces)',
    );
  }
  const fromFile = pairs ? undefined : await SourceDocument.read(args[0]!);
  const build = (current: ParameterNamespace): ParameterNamespace => {
    if (fromFile) return parseGlobalsFile(fromFile);
    let globals = current;
    for (const arg of args) {
      const { key, value } = parseAssignment(arg, 'name');
      try {
        globals = globals.get(key) ? globals.replace(key, value) : globals.with(key, value);
      } catch (e) {
        if (e instanceof Error && 'addContext' in e) throw e;
        throw new CliUsageError(`${key}: ${String(e)}`, { location: { parameter: key } });
      }
    }
    return globals;
  };
  const evaluate = (globals: ParameterNamespace): Parameters => {
    try {
      return globals.evaluate();
    } catch (e) {
      // Point at the definition in the file when there is one.
      const parameter = e instanceof ShotlineError ? e.location.parameter : undefined;
      if (fromFile && parameter !== undefined) throw fromFile.locate(e, parameter.split('.'));
      throw e;
    }
  };
  const server = await labServerFor(context);
  if (server) {
    return remoteGlobalsSet(context, server, (current) => {
      const globals = build(current);
      evaluate(globals);
      return globals;
    });
  }
  await withLab(context, async (lab) => {
    const globals = build(await lab.session.globals());
    const values = evaluate(globals);
    await lab.session.setGlobals(globals);
    context.output.result(
      { globals: globalsToFileValue(globals), values: valuesJson(values) },
      () => `set ${globals.names().length} global parameter(s)`,
    );
  });
}
