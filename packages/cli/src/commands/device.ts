import {
  parseDeviceConfiguration,
  type DeviceConfiguration,
  type StoredDeviceConfiguration,
} from '@shotline/core';
import { stringify } from 'yaml';
import { CliUsageError } from '../cli-errors.js';
import { labServerFor } from '../client/lab-server-access.js';
import { remoteDeviceCommand, remoteDeviceWrite } from '../client/remote-commands.js';
import { withLab, type CommandContext } from '../command-context.js';
import { SourceDocument } from '../input/source-document.js';
import { parseAssignment, parseSetValue, setAtPath } from '../input/values.js';
import type { Lab } from '../lab/lab.js';
import { missingDevicePlugin } from '../lab/missing-plugin.js';
import { oneLine, textTable } from '../output/output.js';

/** Options of `device add` and `device edit`. */
export interface DeviceEditOptions {
  readonly type?: string;
  /** A YAML or JSON file holding the configuration. */
  readonly config?: string;
  /** `key=value` changes (dotted keys). */
  readonly set?: readonly string[];
}

function applySets(configuration: unknown, sets: readonly string[] | undefined): unknown {
  let out = configuration;
  for (const text of sets ?? []) {
    const { key, value } = parseAssignment(text, 'key');
    out = setAtPath(out, key, parseSetValue(value));
  }
  return out;
}

/**
 * The configuration in a file. When no `--set` follows, it is checked against the extension's schema
 * here, so an invalid field is reported with its line and column.
 */
async function readConfigFile(
  lab: Lab,
  path: string,
  type: string,
  options: DeviceEditOptions,
): Promise<unknown> {
  const source = await SourceDocument.read(path);
  const extension = lab.registry.findExtension(type);
  if (extension && (options.set ?? []).length === 0) {
    source.validate(extension.configurationSchema);
  }
  return source.value;
}

function validate(lab: Lab, configuration: DeviceConfiguration): DeviceConfiguration {
  if (!lab.registry.findExtension(configuration.type)) {
    throw missingDevicePlugin(
      configuration.name,
      configuration.type,
      lab.registry,
      lab.pluginReport,
    );
  }
  return parseDeviceConfiguration(lab.registry, configuration);
}

function checkName(name: string): void {
  if (name.trim() === '' || name !== name.trim()) {
    throw new CliUsageError(`invalid device name "${name}": no leading or trailing spaces`);
  }
}

/** `shotline device add <name> --type <tag> [--config file] [--set key=value...]`. */
export async function deviceAddCommand(
  context: CommandContext,
  name: string,
  options: DeviceEditOptions,
): Promise<void> {
  checkName(name);
  if (!options.type) throw new CliUsageError('device add needs --type <type tag>');
  const type = options.type;
  const server = await labServerFor(context);
  if (server) return remoteDeviceWrite(context, server, name, options, 'add');
  await withLab(context, async (lab) => {
    if ((await lab.storage.getDeviceConfiguration(name)).ok) {
      throw new CliUsageError(
        `device "${name}" already exists; change it with "shotline device edit ${name}"`,
        { location: { device: name } },
      );
    }
    const extension = lab.registry.findExtension(type);
    if (!extension) throw missingDevicePlugin(name, type, lab.registry, lab.pluginReport);
    const base = options.config
      ? await readConfigFile(lab, options.config, type, options)
      : (extension.defaultConfiguration() as unknown);
    const configuration = validate(lab, {
      name,
      type,
      configuration: applySets(base, options.set),
    });
    await lab.session.setDeviceConfiguration(configuration);
    context.output.result(configuration, () => [
      `added device "${name}" (${type})`,
      ...indent(stringify(configuration.configuration)),
    ]);
  });
}

/** `shotline device edit <name> [--config file] [--set key=value...]`. */
export async function deviceEditCommand(
  context: CommandContext,
  name: string,
  options: DeviceEditOptions,
): Promise<void> {
  if (!options.config && (options.set ?? []).length === 0 && !options.type) {
    throw new CliUsageError('device edit needs --config <file> and/or --set key=value');
  }
  const server = await labServerFor(context);
  if (server) return remoteDeviceWrite(context, server, name, options, 'edit');
  await withLab(context, async (lab) => {
    const stored = (await lab.storage.getDeviceConfiguration(name)).unwrap();
    const type = options.type ?? stored.type;
    const base = options.config
      ? await readConfigFile(lab, options.config, type, options)
      : stored.configuration;
    const configuration = validate(lab, {
      name,
      type,
      configuration: applySets(base, options.set),
    });
    await lab.session.setDeviceConfiguration(configuration);
    context.output.result(configuration, () => [
      `updated device "${name}" (${type})`,
      ...indent(stringify(configuration.configuration)),
    ]);
  });
}

/** A stored configuration and whether its plugin accepts it. */
interface DeviceListing extends StoredDeviceConfiguration {
  readonly valid: boolean;
  readonly problem?: string;
}

function check(lab: Lab, stored: StoredDeviceConfiguration): DeviceListing {
  try {
    validate(lab, stored);
    return { ...stored, valid: true };
  } catch (e) {
    return { ...stored, valid: false, problem: oneLine((e as Error).message) };
  }
}

/** `shotline device list`. */
export async function deviceListCommand(context: CommandContext): Promise<void> {
  const server = await labServerFor(context);
  if (server) return remoteDeviceCommand(context, server, { kind: 'list' });
  await withLab(context, async (lab) => {
    const devices = (await lab.storage.listDeviceConfigurations()).map((d) => check(lab, d));
    context.output.result(devices, () =>
      devices.length === 0
        ? ['no devices; add one with "shotline device add <name> --type <type tag>"']
        : textTable(
            ['NAME', 'TYPE', 'STATUS'],
            devices.map((d) => [d.name, d.type, d.valid ? 'ok' : `invalid: ${d.problem ?? ''}`]),
          ),
    );
  });
}

/** `shotline device show <name>`: the configuration as YAML. */
export async function deviceShowCommand(context: CommandContext, name: string): Promise<void> {
  const server = await labServerFor(context);
  if (server) return remoteDeviceCommand(context, server, { kind: 'show', name });
  await withLab(context, async (lab) => {
    const device = check(lab, (await lab.storage.getDeviceConfiguration(name)).unwrap());
    context.output.result(device, () => [
      `${device.name} (${device.type})${device.valid ? '' : ` — invalid: ${device.problem ?? ''}`}`,
      ...indent(stringify(device.configuration)),
    ]);
  });
}

/** `shotline device remove <name>`. */
export async function deviceRemoveCommand(context: CommandContext, name: string): Promise<void> {
  const server = await labServerFor(context);
  if (server) return remoteDeviceCommand(context, server, { kind: 'remove', name });
  await withLab(context, async (lab) => {
    await lab.session.deleteDeviceConfiguration(name);
    context.output.result({ removed: name }, () => `removed device "${name}"`);
  });
}

function indent(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`);
}
