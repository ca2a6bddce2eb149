import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidValueError } from '@shotline/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A reply: text, or no reply at all (`null_response`, `null` or absent). */
const responseSchema = z.union([z.string(), z.null()]);

const dialogueSchema = z.strictObject({
  /** The exact message (case-insensitive, surrounding white space ignored). */
  q: z.string(),
  /** The reply; it may use `{name}` / `{name:spec}` fields naming properties of the same scope. */
  r: responseSchema.optional(),
});

const specsSchema = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  type: z.enum(['float', 'int', 'str']).optional(),
  valid: z.array(z.union([z.string(), z.number()])).optional(),
});

const propertySchema = z.strictObject({
  default: z.union([z.number(), z.string(), z.boolean()]),
  getter: z.strictObject({ q: z.string(), r: z.string() }).optional(),
  setter: z
    .strictObject({
      /** A template with one field, e.g. `C1:BSWV FRQ,{:g}`. */
      q: z.string(),
      /** The reply when the value is accepted (default none). */
      r: responseSchema.optional(),
      /** The reply when the value is refused (default none; the error queue gets an entry). */
      e: responseSchema.optional(),
    })
    .optional(),
  specs: specsSchema.optional(),
});

const eomSchema = z.strictObject({ q: z.string(), r: z.string() });

const errorQueueSchema = z.strictObject({
  q: z.string(),
  /** The reply when the queue is empty, e.g. `+0,"No error"`. */
  default: z.string(),
  command_error: z.string().optional(),
  query_error: z.string().optional(),
  /** Queued when a setter refuses a value (our extension; default `command_error`). */
  range_error: z.string().optional(),
});

const statusRegisterSchema = z.strictObject({
  q: z.string(),
  command_error: z.number().int().optional(),
  query_error: z.number().int().optional(),
  range_error: z.number().int().optional(),
});

const errorSchema = z.union([
  z.string(),
  z.strictObject({
    response: z
      .strictObject({
        command_error: responseSchema.optional(),
        query_error: responseSchema.optional(),
      })
      .optional(),
    status_register: z.array(statusRegisterSchema).optional(),
    error_queue: z.array(errorQueueSchema).optional(),
  }),
]);

const channelGroupSchema = z.strictObject({
  /** Channel ids; `{ch_id}` in the templates below is replaced by each id. */
  ids: z.array(z.union([z.number().int(), z.string()])).min(1),
  can_select: z.literal(false).optional(),
  properties: z.record(z.string(), propertySchema).optional(),
  dialogues: z.array(dialogueSchema).optional(),
});

const deviceSchema = z.strictObject({
  /** Message terminators per `"<INTERFACE> <CLASS>"`, e.g. `TCPIP SOCKET: {q: "\n", r: "\n"}`. */
  eom: z.record(z.string(), eomSchema).optional(),
  error: errorSchema.optional(),
  dialogues: z.array(dialogueSchema).optional(),
  properties: z.record(z.string(), propertySchema).optional(),
  channels: z.record(z.string(), channelGroupSchema).optional(),
});

/**
 * A pyvisa-sim style instrument description (spec 1.0/1.1): devices with message terminators,
 * dialogues, properties with getters, setters and specs, error responses, a status register and an
 * error queue, and channels. Extensions: replies may name properties (`{frequency:g}`), channel groups
 * may hold dialogues, and the error queue and status register have a `range_error` entry.
 */
export const dialogueFileSchema = z.strictObject({
  spec: z.string().optional(),
  devices: z.record(z.string(), deviceSchema),
  resources: z
    .record(z.string(), z.strictObject({ device: z.string(), filename: z.string().optional() }))
    .optional(),
});

/** A parsed dialogue file. */
export type DialogueFile = z.infer<typeof dialogueFileSchema>;
/** One device of a dialogue file. */
export type DeviceDefinition = z.infer<typeof deviceSchema>;
/** One property of a device or channel group. */
export type PropertyDefinition = z.infer<typeof propertySchema>;
/** A dialogue entry. */
export type DialogueDefinition = z.infer<typeof dialogueSchema>;

/** A dialogue file is not valid; the location names the file and the path inside it. */
export class DialogueFileError extends InvalidValueError {
  static override readonly code: string = 'VISA_DIALOGUE_FILE';
}

/** Parses the text of a YAML or JSON dialogue file; `fileName` is used in messages. */
export function parseDialogueFile(text: string, fileName = '<dialogue>'): DialogueFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new DialogueFileError(`cannot parse the dialogue file: ${(e as Error).message}`, {
      cause: e,
      location: { file: fileName },
    });
  }
  const result = dialogueFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new DialogueFileError(
      `invalid dialogue file at ${path || 'top level'}: ${issue.message}`,
      {
        cause: result.error,
        location: { file: path ? `${fileName}: ${path}` : fileName },
      },
    );
  }
  return result.data;
}

/** Reads and parses a dialogue file. */
export function loadDialogueFile(path: string): DialogueFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DialogueFileError(`cannot read the dialogue file: ${(e as Error).message}`, {
      cause: e,
      location: { file: path },
    });
  }
  return parseDialogueFile(text, path);
}

/** The bundled dialogue file of the Siglent SDG6000X simulator. */
export const SDG6000X_DIALOGUE_FILE = fileURLToPath(
  new URL('../../dialogues/sdg6000x.yaml', import.meta.url),
);
