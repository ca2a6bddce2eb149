import { InvalidValueError } from '@shotline/core';
import { LibrarySession } from '../internal/library-session.js';
import { MessageBasedSession } from '../internal/message-based-session.js';
import { SerialQueue } from '../internal/serial-queue.js';
import { callAsync, cString } from '../internal/visa-functions.js';
import type { MessageBasedResource, ResourceOptions } from '../message-based-resource.js';
import { parseResourceName } from '../resource-name.js';
import { VI_FIND_BUFLEN, VisaAccessMode, VisaStatus } from '../visa-constants.js';
import { VisaResourceClosedError } from '../visa-errors.js';
import { VisaLibrary } from './visa-library.js';
import type { VisaLibraryLocationOptions } from './visa-library-location.js';

/** Options of a session opened through a VISA library. */
export interface LibraryResourceOptions extends ResourceOptions {
  /** Lock taken when opening. Default `none`. */
  accessMode?: 'none' | 'exclusive' | 'shared';
}

const ACCESS_MODES = {
  none: VisaAccessMode.VI_NO_LOCK,
  exclusive: VisaAccessMode.VI_EXCLUSIVE_LOCK,
  shared: VisaAccessMode.VI_SHARED_LOCK,
} as const;

/**
 * A VISA resource manager session (`viOpenDefaultRM`) of a {@link VisaLibrary}: finds resources and
 * opens sessions. Closing it closes every session it opened.
 */
export class VisaResourceManager implements AsyncDisposable {
  private readonly queue = new SerialQueue();
  private readonly sessions = new Set<MessageBasedResource>();
  private closing: Promise<void> | undefined;

  private constructor(
    /** The library this manager belongs to. */
    readonly library: VisaLibrary,
    private readonly rm: number,
    /** Closed with its only session (see {@link VisaResourceManager.openSingleResource}). */
    private readonly ownedBySession = false,
  ) {}

  /**
   * Opens one session with a resource manager of its own, which closes with the session: what
   * `openResource(..., { backend: 'library' })` uses.
   */
  static async openSingleResource(
    resource: string,
    options: LibraryResourceOptions & { library?: VisaLibrary; libraryPath?: string } = {},
  ): Promise<MessageBasedResource> {
    parseResourceName(resource);
    const library = options.library ?? VisaLibrary.load({ path: options.libraryPath });
    const rm = await VisaResourceManager.create(library, true);
    try {
      return await rm.openResource(resource, options);
    } catch (e) {
      await rm.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Opens the default resource manager of a library: the given one, or the one found from the
   * location options (configured path, `SHOTLINE_VISA_LIBRARY`, standard locations).
   */
  static async open(
    source: VisaLibrary | VisaLibraryLocationOptions = {},
  ): Promise<VisaResourceManager> {
    const library = source instanceof VisaLibrary ? source : VisaLibrary.load(source);
    return VisaResourceManager.create(library, false);
  }

  private static async create(library: VisaLibrary, owned: boolean): Promise<VisaResourceManager> {
    const rm = [0];
    const status = await callAsync(library.functions.viOpenDefaultRM, rm);
    library.check(status, { operation: 'viOpenDefaultRM', object: 0 });
    return new VisaResourceManager(library, rm[0]!, owned);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * The resources matching a VISA search expression (`?*::INSTR` by default; `?` is one character,
   * `*` repeats the previous one). No match is an empty list, not an error.
   */
  findResources(expression = '?*::INSTR'): Promise<string[]> {
    return this.exclusive(async () => {
      const fn = this.library.functions;
      const description = Buffer.alloc(VI_FIND_BUFLEN);
      const list = [0];
      const count = [0];
      const status = await callAsync(fn.viFindRsrc, this.rm, expression, list, count, description);
      if (status === VisaStatus.VI_ERROR_RSRC_NFOUND) return [];
      this.library.check(status, { operation: `viFindRsrc("${expression}")`, object: this.rm });
      const found = [cString(description)];
      try {
        for (let i = 1; i < count[0]!; i++) {
          const next = await callAsync(fn.viFindNext, list[0], description);
          this.library.check(next, { operation: 'viFindNext', object: list[0]! });
          found.push(cString(description));
        }
      } finally {
        await callAsync(fn.viClose, list[0]);
      }
      return found;
    });
  }

  /**
   * Opens a message-based session. The resource string is checked first, so a malformed one is an
   * {@link InvalidResourceNameError} whatever the library.
   */
  async openResource(
    resource: string,
    options: LibraryResourceOptions = {},
  ): Promise<MessageBasedResource> {
    const name = parseResourceName(resource);
    const mode = ACCESS_MODES[options.accessMode ?? 'none'];
    if (mode === undefined) {
      throw new InvalidValueError(`unknown access mode "${String(options.accessMode)}"`, {
        location: { resource },
      });
    }
    const open = async (): Promise<number> => {
      const vi = [0];
      const status = await callAsync(
        this.library.functions.viOpen,
        this.rm,
        name.canonical,
        mode,
        options.openTimeout ?? 5000,
        vi,
      );
      this.library.check(status, {
        operation: 'viOpen',
        object: this.rm,
        resource: name.canonical,
      });
      return vi[0]!;
    };
    return this.exclusive(async () => {
      const vi = await open();
      // A raw socket has no device clear: clearing it means a new connection (see LibrarySession).
      const reopen = name.kind === 'tcpip-socket' ? open : undefined;
      const io = new LibrarySession(this.library, vi, name.canonical, reopen);
      const opened: { session?: MessageBasedResource } = {};
      const session = await MessageBasedSession.create(io, 'library', options, async () => {
        // Unset while `create` fails: then the caller closes an owned manager itself.
        if (!opened.session) return;
        this.sessions.delete(opened.session);
        if (this.ownedBySession) await this.close();
      });
      opened.session = session;
      this.sessions.add(session);
      return session;
    });
  }

  /** Closes every session opened here, then the resource manager; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const results = await Promise.allSettled([...this.sessions].map((s) => s.close()));
      await this.queue.idle();
      const status = await callAsync(this.library.functions.viClose, this.rm);
      this.library.check(status, { operation: 'viClose (resource manager)', object: this.rm });
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new VisaResourceClosedError(
          `the VISA resource manager of "${this.library.path}" is closed`,
        ),
      );
    }
    return this.queue.run(task);
  }
}
