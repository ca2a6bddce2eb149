import { dirname, resolve } from 'node:path';
import { DeviceRegistry, discoverAndLoadPlugins } from '@shotline/core';
import {
  DeviceServer,
  REMOTE_DEVICE_TYPE,
  deviceServerConfigSchema,
  jsonLinesLogger,
  readDeviceServerSecrets,
} from '@shotline/remote';
import { CliUsageError, LabConfigError } from '../cli-errors.js';
import type { CommandContext } from '../command-context.js';
import { SourceDocument, displayPath } from '../input/source-document.js';
import { pluginRoot } from '../lab/plugin-root.js';

/** A running `shotline device-server`. */
export interface RunningDeviceServer {
  readonly server: DeviceServer;
  /** Resolves when the server stopped (SIGTERM/SIGINT, or `stop()`). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a device server from its configuration file: loads the plugins installed on this PC,
 * reads the certificates and the managers' tokens, listens, logs JSON lines on stdout, and stops on
 * SIGTERM or SIGINT (closing every device it hosts).
 */
export async function startDeviceServer(
  configFile: string,
  notice: (line: string) => void,
): Promise<RunningDeviceServer> {
  const file = resolve(configFile);
  const document = await SourceDocument.read(file, LabConfigError);
  const config = document.validate(deviceServerConfigSchema, LabConfigError);
  if (config.devices.allow.includes(REMOTE_DEVICE_TYPE)) {
    throw new LabConfigError(
      `devices.allow: a device server hosts the devices of its own plugins, not "${REMOTE_DEVICE_TYPE}"`,
      { location: { file: displayPath(file) } },
    );
  }
  const baseDir = dirname(file);
  const registry = new DeviceRegistry();
  const root = pluginRoot(baseDir, config.plugins.root);
  const report = await discoverAndLoadPlugins(root, registry, {
    ...(config.plugins.allow ? { allow: config.plugins.allow } : {}),
    ...(config.plugins.packages ? { packages: config.plugins.packages } : {}),
  });
  for (const failed of report.failed) {
    notice(`plugin ${failed.packageName} was not loaded: ${failed.error.message}`);
  }
  const secrets = readDeviceServerSecrets(config, baseDir);
  const server = await DeviceServer.start({
    name: config.name,
    registry,
    allow: config.devices.allow,
    managers: secrets.managers,
    tls: secrets.tls,
    listen: config.listen,
    logger: jsonLinesLogger,
    ...(config.maxMessageBytes ? { maxMessageBytes: config.maxMessageBytes } : {}),
    ...(config.maxLeaseMs ? { maxLeaseMs: config.maxLeaseMs } : {}),
    ...(config.closeTimeoutMs ? { closeTimeoutMs: config.closeTimeoutMs } : {}),
  });
  notice(
    `device server "${config.name}" on port ${server.port} (${displayPath(file)}); SIGTERM or Ctrl-C stops it`,
  );
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      try {
        await server.close();
      } finally {
        resolveStopped();
      }
    })();
    return stopping;
  };
  const onSignal = (): void => {
    notice('stopping: the devices close');
    void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { server, stopped, stop };
}

/** `shotline device-server --config <file>`: runs a device server until SIGTERM or Ctrl-C. */
export async function deviceServerCommand(
  context: CommandContext,
  options: { config?: string },
): Promise<void> {
  if (!options.config) {
    throw new CliUsageError('device-server needs --config <file> (see docs/remote-devices.md)');
  }
  const running = await startDeviceServer(options.config, (line) => context.output.notice(line));
  await running.stopped;
}
