import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { type ErrorLocation, InvalidStorageDataError } from '@shotline/core';
import type { ChunkReference } from './chunk-layout.js';

const PLAIN_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why the bytes of one array cannot be read back from its chunk file, or undefined if they can. */
export type ChunkDamage = 'missing' | 'truncated' | 'checksum' | 'unreadable';

/**
 * Reads arrays back from chunk files (main thread). Each read opens the file, reads the bytes at
 * their offset and checks their CRC-32, so a file removed or cut short by hand is noticed at once
 * (no file handle is kept that would still see the old content), and the error names the
 * sequence, shot, label and file. Nothing else is affected: other arrays read as usual.
 */
export class ChunkReader {
  constructor(private readonly directory: string) {}

  /** The bytes of one array; throws an InvalidStorageDataError naming where they should be. */
  read(reference: ChunkReference, at: ErrorLocation): Uint8Array {
    const result = this.tryRead(reference);
    if (result instanceof Uint8Array) return result;
    throw new InvalidStorageDataError(describeChunkDamage(this.directory, reference, at, result), {
      location: { ...at, file: join(this.directory, reference.file) },
    });
  }

  /** The bytes, or what is wrong with them. */
  tryRead(reference: ChunkReference): Uint8Array | { damage: ChunkDamage; detail: string } {
    if (!PLAIN_FILE_NAME.test(reference.file)) {
      return { damage: 'unreadable', detail: `"${reference.file}" is not a chunk file name` };
    }
    let fd: number;
    try {
      fd = openSync(join(this.directory, reference.file), 'r');
    } catch (e) {
      const code = (e as { code?: string }).code;
      return code === 'ENOENT'
        ? { damage: 'missing', detail: 'the file does not exist' }
        : { damage: 'unreadable', detail: (e as Error).message };
    }
    try {
      const bytes = new Uint8Array(reference.length);
      let done = 0;
      while (done < bytes.byteLength) {
        const n = readSync(fd, bytes, done, bytes.byteLength - done, reference.offset + done);
        if (n === 0) {
          return {
            damage: 'truncated',
            detail: `the file ends at byte ${reference.offset + done}, before the array's ${reference.length} bytes at offset ${reference.offset} end`,
          };
        }
        done += n;
      }
      if (crc32(bytes) !== reference.crc32) {
        return {
          damage: 'checksum',
          detail: `the ${reference.length} bytes at offset ${reference.offset} do not match their CRC-32`,
        };
      }
      return bytes;
    } catch (e) {
      return { damage: 'unreadable', detail: (e as Error).message };
    } finally {
      closeSync(fd);
    }
  }
}

/** The message for an array whose chunk bytes cannot be read. */
export function describeChunkDamage(
  directory: string,
  reference: ChunkReference,
  at: ErrorLocation,
  problem: { damage: ChunkDamage; detail: string },
): string {
  const what =
    problem.damage === 'missing'
      ? 'is missing'
      : problem.damage === 'truncated'
        ? 'was cut short'
        : problem.damage === 'checksum'
          ? 'is damaged'
          : 'cannot be read';
  return `array "${at.label}" of shot ${at.shot} in sequence "${at.sequence}": its chunk file "${join(directory, reference.file)}" ${what} (${problem.detail}); "shotline storage check" lists every damaged array`;
}
