import { once } from 'node:events';
import { type FileHandle, open } from 'node:fs/promises';

/** Where an export's bytes go: a file or a stream (stdout). Writes are awaited (back-pressure). */
export interface ByteSink {
  write(bytes: Uint8Array | string): Promise<void>;
  /** Writes what is buffered and closes. */
  close(): Promise<void>;
}

/** Writes all of `chunks` at the end of the file (a short write is continued, never ignored). */
export async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  let { bytesWritten: written } = await handle.writev([...chunks]);
  if (written === total) return;
  const rest = Buffer.concat([...chunks]);
  while (written < total) written += (await handle.write(rest, written)).bytesWritten;
}

/** Bytes gathered before one `writev` call. */
const GATHER_BYTES = 4 * 2 ** 20;

/**
 * A new file (`wx`: never an existing one). Small pieces (Arrow metadata, CSV lines) are gathered
 * into writes of a few MiB; large ones go straight through. Errors (ENOSPC...) reject the write or
 * close that meets them.
 */
export async function fileSink(file: string): Promise<ByteSink> {
  const handle: FileHandle = await open(file, 'wx');
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    await writeAll(handle, chunks);
  };
  let closed = false;
  return {
    async write(bytes) {
      const chunk = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= GATHER_BYTES) await flush();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await flush();
      } finally {
        await handle.close();
      }
    },
  };
}

/** A stream (stdout), waiting for `drain` when it is full. */
export function streamSink(stream: NodeJS.WritableStream): ByteSink {
  return {
    async write(bytes) {
      if (!stream.write(bytes)) await once(stream, 'drain');
    },
    async close() {
      // stdout is not ours to close.
    },
  };
}
