import { MessageBasedSession } from './internal/message-based-session.js';
import { TcpipSocketSession } from './internal/tcpip-socket-session.js';
import { Vxi11Session } from './internal/vxi11-session.js';
import { VisaLibrary } from './library/visa-library.js';
import { VISA_LIBRARY_ENV } from './library/visa-library-location.js';
import {
  VisaResourceManager,
  type LibraryResourceOptions,
} from './library/visa-resource-manager.js';
import type { MessageBasedResource } from './message-based-resource.js';
import { parseResourceName, type ResourceName } from './resource-name.js';
import { VisaBackendUnsupportedError, VisaLibraryNotFoundError } from './visa-errors.js';

/**
 * Which backend opens a resource:
 * - `library`: a VISA shared library (configured path, `SHOTLINE_VISA_LIBRARY`, standard locations);
 * - `tcpip`: the pure-TypeScript backend (TCPIP SOCKET and VXI-11 INSTR only);
 * - `auto` (default): the library when one is configured or found, else `tcpip` for TCPIP resources.
 */
export type VisaBackendChoice = 'auto' | 'library' | 'tcpip';

/** Options of {@link openResource}. */
export interface OpenResourceOptions extends LibraryResourceOptions {
  backend?: VisaBackendChoice;
  /** Path of the VISA library (library and auto backends). */
  libraryPath?: string | undefined;
  /** A library already loaded (wins over `libraryPath`). */
  library?: VisaLibrary;
  /** Port of the VXI-11 portmapper (tcpip backend). Default 111. */
  portmapperPort?: number | undefined;
  /** Environment read for `SHOTLINE_VISA_LIBRARY`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Opens a message-based session on a VISA resource string, with the same API whatever the backend.
 * A malformed string is an {@link InvalidResourceNameError} before anything is opened.
 *
 * @example
 * await using scope = await openResource('TCPIP::192.168.1.5::5025::SOCKET', { backend: 'tcpip' });
 * console.log(await scope.query('*IDN?'));
 */
export async function openResource(
  resource: string,
  options: OpenResourceOptions = {},
): Promise<MessageBasedResource> {
  const name = parseResourceName(resource);
  const backend = options.backend ?? 'auto';
  if (backend === 'tcpip') return openTcpip(name, options);
  if (backend === 'library') return openWithLibrary(name, options, options.library);
  const explicit =
    options.library !== undefined ||
    (options.libraryPath ?? '') !== '' ||
    ((options.env ?? process.env)[VISA_LIBRARY_ENV] ?? '') !== '';
  if (explicit) return openWithLibrary(name, options, options.library);
  let library: VisaLibrary;
  try {
    library = VisaLibrary.load({ ...(options.env ? { env: options.env } : {}) });
  } catch (e) {
    if (e instanceof VisaLibraryNotFoundError && isTcpip(name)) return openTcpip(name, options);
    throw e;
  }
  return openWithLibrary(name, options, library);
}

function isTcpip(name: ResourceName): boolean {
  return name.kind === 'tcpip-socket' || name.kind === 'tcpip-instr';
}

async function openTcpip(
  name: ResourceName,
  options: OpenResourceOptions,
): Promise<MessageBasedResource> {
  const openTimeout = options.openTimeout ?? 5000;
  switch (name.kind) {
    case 'tcpip-socket':
      return MessageBasedSession.create(
        await TcpipSocketSession.open(name, openTimeout),
        'tcpip',
        options,
      );
    case 'tcpip-instr':
      return MessageBasedSession.create(
        await Vxi11Session.open(name, { openTimeout, portmapperPort: options.portmapperPort }),
        'tcpip',
        options,
      );
    default:
      throw new VisaBackendUnsupportedError(
        `the pure TCPIP backend opens TCPIP SOCKET and VXI-11 INSTR resources only; ` +
          `"${name.canonical}" needs a VISA library (backend "library")`,
        { location: { resource: name.canonical } },
      );
  }
}

function openWithLibrary(
  name: ResourceName,
  options: OpenResourceOptions,
  library: VisaLibrary | undefined,
): Promise<MessageBasedResource> {
  const loaded =
    library ??
    VisaLibrary.load({
      path: options.libraryPath,
      ...(options.env ? { env: options.env } : {}),
    });
  return VisaResourceManager.openSingleResource(name.canonical, { ...options, library: loaded });
}
