/** The environment variable that names the VISA library to load. */
export const VISA_LIBRARY_ENV = 'SHOTLINE_VISA_LIBRARY';

/** Where a VISA library path comes from. */
export interface VisaLibraryLocationOptions {
  /** An explicit path, from the lab or device configuration. Wins over everything else. */
  path?: string | undefined;
  /** The environment to read {@link VISA_LIBRARY_ENV} from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The platform whose standard locations are used. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** The architecture (32-bit Windows uses `visa32.dll`). Default `process.arch`. */
  arch?: string;
}

/** A place to look for the library, and why it is on the list. */
export interface VisaLibraryCandidate {
  readonly path: string;
  readonly source: 'configuration' | 'environment' | 'standard location';
}

/**
 * The VISA libraries to try, in order: the configured path alone if there is one; else the path in
 * `SHOTLINE_VISA_LIBRARY` alone; else the standard locations of NI-VISA and of other VISAs with the
 * same ABI (Rohde & Schwarz, Keysight) for the platform. An explicit choice never falls back to
 * another library, so a typo is an error rather than a surprise.
 */
export function visaLibraryCandidates(
  options: VisaLibraryLocationOptions = {},
): VisaLibraryCandidate[] {
  if (options.path !== undefined && options.path !== '')
    return [{ path: options.path, source: 'configuration' }];
  const fromEnv = (options.env ?? process.env)[VISA_LIBRARY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return [{ path: fromEnv, source: 'environment' }];
  const standard = (paths: string[]): VisaLibraryCandidate[] =>
    paths.map((path) => ({ path, source: 'standard location' }));
  switch (options.platform ?? process.platform) {
    case 'win32':
      return standard(
        (options.arch ?? process.arch) === 'ia32'
          ? ['visa32.dll']
          : ['visa64.dll', 'RsVisa64.dll', 'ktvisa64.dll'],
      );
    case 'darwin':
      return standard(['/Library/Frameworks/VISA.framework/VISA', 'librsvisa.dylib']);
    default:
      return standard([
        'libvisa.so',
        'libvisa.so.0',
        '/usr/local/vxipnp/linux/lib64/libvisa.so',
        '/usr/lib/x86_64-linux-gnu/libvisa.so.0',
        'librsvisa.so',
        '/opt/keysight/iolibs/libktvisa32.so',
      ]);
  }
}
