import { ShotlineError, formatLocation } from '@shotline/core';

/** Where a command writes: the two streams and whether scripts asked for JSON. */
export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * What commands print: readable text for a person, or one JSON document on stdout for scripts
 * (`--json`). Progress and notices go to stderr so that stdout stays parseable.
 */
export class Output {
  constructor(
    /** True with `--json`. */
    readonly json: boolean,
    readonly streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  /** True when stdout is a terminal (and not in JSON mode): colours, progress bars. */
  get interactive(): boolean {
    return !this.json && this.streams.stderr.isTTY === true;
  }

  /** Prints a command's result: `value` as JSON with `--json`, else the text lines. */
  result(value: unknown, text: () => string | readonly string[]): void {
    if (this.json) {
      this.streams.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
      return;
    }
    const lines = text();
    const out = typeof lines === 'string' ? lines : lines.join('\n');
    if (out !== '') this.streams.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  }

  /** A notice for the person at the terminal (stderr; silent with `--json`). */
  notice(message: string): void {
    if (!this.json) this.streams.stderr.write(`${message}\n`);
  }

  /** Prints an error as one line on stderr (and as one JSON line with `--json`). */
  error(error: unknown): void {
    if (this.json) {
      this.streams.stderr.write(`${JSON.stringify({ error: describeError(error) })}\n`);
    } else {
      this.streams.stderr.write(`${formatErrorLine(error)}\n`);
    }
  }
}

/** JSON of an error for `--json` output: code, message, location. */
export function describeError(error: unknown): {
  code: string;
  message: string;
  location?: Record<string, unknown>;
} {
  if (error instanceof ShotlineError) {
    const location = error.location as Record<string, unknown>;
    return {
      code: error.code,
      message: oneLine(error.message),
      ...(Object.keys(location).length > 0 ? { location } : {}),
    };
  }
  return {
    code: 'INTERNAL',
    message: oneLine(error instanceof Error ? error.message : String(error)),
  };
}

/** `error [CODE]: message (location)` on one line. */
export function formatErrorLine(error: unknown): string {
  if (error instanceof ShotlineError) return `error [${error.code}]: ${oneLine(error.message)}`;
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${oneLine(message)}`;
}

/** A message folded onto one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' | ').trim();
}

/** Dates as ISO strings, bigints as numbers, maps as objects. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** Formats a location alone (for summaries). */
export function locationText(location: Record<string, unknown> | undefined): string {
  return location ? formatLocation(location) : '';
}

/** A plain text table with aligned columns. */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
