import { RemoteServers, remoteServerSources } from '@shotline/remote';
import { LabConfigError } from '../cli-errors.js';
import { displayPath } from '../input/source-document.js';
import type { Lab } from '../lab/lab.js';

/**
 * The device servers of a lab file (`servers:`), registered in the lab's plugin container so that
 * `shotline.remote` devices reach them. Credentials are read when a server is first used.
 */
export function registerLabRemoteServers(lab: Lab): RemoteServers | undefined {
  const config = lab.config.servers;
  if (!config || Object.keys(config).length === 0) return undefined;
  return new RemoteServers(remoteServerSources(config, lab.location.dir)).registerIn(
    lab.registry.container,
  );
}

/** The lab's device servers; an error naming the lab file when it defines none. */
export function remoteServersOf(lab: Lab): RemoteServers {
  const servers = RemoteServers.of(lab.registry.container);
  if (!servers) {
    throw new LabConfigError(
      `the lab file defines no device servers: add them under "servers:" (see docs/remote-devices.md)`,
      { location: { file: displayPath(lab.location.configFile) } },
    );
  }
  return servers;
}
