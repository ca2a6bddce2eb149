import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ShotlineError } from '@shotline/core';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputFileError } from '../cli-errors.js';

/** A path into a YAML/JSON document: keys and list indices. */
export type DocumentPath = readonly (string | number)[];

/** How a path is shown in messages: `iteration[0].do[1].start`. */
export function formatDocumentPath(path: DocumentPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

type ErrorClass = new (detail: string, options?: { location?: { file?: string } }) => ShotlineError;

/**
 * A YAML or JSON input file, parsed once, that can say where any value came from
 * (`file:line:column`), so every error about its content points at the line to fix.
 */
export class SourceDocument {
  /** The plain value of the document (objects, arrays, strings, numbers, booleans, null). */
  readonly value: unknown;

  private constructor(
    /** File name as shown in messages (relative to the working directory when inside it). */
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {
    this.value = document.toJS({ maxAliasCount: 100 }) as unknown;
  }

  /** Parses YAML (JSON is YAML too); a syntax error names the file, line and column. */
  static parse(
    text: string,
    file: string,
    errorClass: ErrorClass = InputFileError,
  ): SourceDocument {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const problem = document.errors[0];
    if (problem) {
      const at = lines.linePos(problem.pos[0]);
      const message = problem.message.split('\n')[0] ?? problem.message;
      throw new errorClass(`invalid YAML/JSON: ${message}`, {
        location: { file: `${file}:${at.line}:${at.col}` },
      });
    }
    return new SourceDocument(file, document, lines);
  }

  /** Reads and parses a file; a missing file is an {@link InputFileError} naming it. */
  static async read(
    path: string,
    errorClass: ErrorClass = InputFileError,
  ): Promise<SourceDocument> {
    const shown = displayPath(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e);
      throw new errorClass(`cannot read ${shown}: ${reason}`, { location: { file: shown } });
    }
    return SourceDocument.parse(text, shown, errorClass);
  }

  /** `file:line:column` of the value at `path` (or of its nearest existing parent). */
  where(path: DocumentPath): string {
    for (let n = path.length; n >= 0; n--) {
      const node = this.document.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const at = this.lines.linePos(node.range[0]);
        return `${this.file}:${at.line}:${at.col}`;
      }
    }
    return this.file;
  }

  /** An error about the value at `path`: the message names the path, the location the position. */
  error(
    path: DocumentPath,
    detail: string,
    errorClass: ErrorClass = InputFileError,
  ): ShotlineError {
    const prefix = path.length > 0 ? `${formatDocumentPath(path)}: ` : '';
    return new errorClass(`${prefix}${detail}`, { location: { file: this.where(path) } });
  }

  /** Adds this file's position of `path` to an error raised while using the value there. */
  locate(error: unknown, path: DocumentPath): Error {
    const where = this.where(path);
    if (error instanceof ShotlineError) {
      const prefix = path.length > 0 ? `${formatDocumentPath(path)}: ` : '';
      const located = new InputFileError(`${prefix}${error.detail}`, {
        cause: error,
        location: { ...error.location, file: where },
      });
      return located;
    }
    return new InputFileError(String(error instanceof Error ? error.message : error), {
      cause: error,
      location: { file: where },
    });
  }

  /** Validates the whole document with a zod schema; the first issue names its path and position. */
  validate<T>(schema: z.ZodType<T>, errorClass: ErrorClass = InputFileError): T {
    return this.validateAt([], this.value, schema, errorClass);
  }

  /**
   * Validates `value`, found at `at` in the document, with a zod schema; the first issue names its
   * path and position.
   */
  validateAt<T>(
    at: DocumentPath,
    value: unknown,
    schema: z.ZodType<T>,
    errorClass: ErrorClass = InputFileError,
  ): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const path = [
      ...at,
      ...issue.path.filter(
        (p): p is string | number => typeof p === 'string' || typeof p === 'number',
      ),
    ];
    // Point at the first unknown key itself, not at the mapping that holds it.
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
      path.push(issue.keys[0]);
    }
    throw this.error(path, issue.message, errorClass);
  }
}

/** A path as shown in messages: relative to the working directory when it is inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
