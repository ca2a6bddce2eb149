import { CliUsageError } from '../cli-errors.js';
import { withLab, type CommandContext } from '../command-context.js';
import { remoteServersOf } from './lab-remote-servers.js';

/** One device type a device server offers, compared with this PC's plugins. */
export interface RemoteDeviceTypeListing {
  readonly type: string;
  readonly label: string;
  readonly plugin: string;
  readonly version: string | null;
  /** The version of the plugin on this PC (null: not installed here). */
  readonly localVersion: string | null;
  /** True when both PCs have the same plugin version (a device of this type can be used). */
  readonly usable: boolean;
}

/**
 * `shotline devices --server <name>`: what a device server of the lab file offers (device types,
 * plugins and their versions), compared with the plugins of this PC: a type whose plugin version
 * differs, or is not installed here, cannot be used (its devices are refused when they open).
 */
export async function remoteDevicesCommand(context: CommandContext, server: string): Promise<void> {
  if (server.includes('://')) {
    throw new CliUsageError(
      `devices --server takes the name of a device server of the lab file ("servers:"), not a lab server's URL (got "${server}")`,
    );
  }
  await withLab(context, async (lab) => {
    const servers = remoteServersOf(lab);
    const connection = servers.connection(server);
    const description = await connection.describe();
    const types: RemoteDeviceTypeListing[] = description.deviceTypes.map((t) => {
      const local = lab.registry.providerOf(t.type);
      const localVersion = local ? (local.version ?? '') : null;
      return {
        type: t.type,
        label: t.label,
        plugin: t.plugin,
        version: t.pluginVersion || null,
        localVersion: localVersion === null ? null : localVersion || null,
        usable:
          local !== undefined &&
          local.name === t.plugin &&
          (local.version ?? '') === t.pluginVersion,
      };
    });
    const result = {
      server,
      address: connection.options.address,
      serverName: description.serverName,
      manager: description.manager,
      coreVersion: description.coreVersion,
      protocolVersion: description.protocolVersion,
      deviceTypes: types,
    };
    context.output.result(result, () => {
      const lines = [
        `device server "${server}" at ${result.address} (name ${description.serverName}, shotline core ${description.coreVersion}, protocol ${description.protocolVersion}); this PC is manager "${description.manager}"`,
      ];
      if (types.length === 0) lines.push('  (no device types)');
      for (const t of types) {
        const here =
          t.localVersion === null
            ? 'not installed on this PC'
            : t.usable
              ? 'same version on this PC'
              : `this PC has ${t.localVersion ?? '(no version)'}: refused until both match`;
        lines.push(`  ${t.type.padEnd(36)} ${t.plugin}@${t.version ?? '?'}  ${here}`);
      }
      return lines;
    });
  });
}
