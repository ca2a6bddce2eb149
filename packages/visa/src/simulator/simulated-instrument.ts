import {
  TemplateSyntaxError,
  formatTemplate,
  parseTemplate,
  templateFields,
  templateRegExp,
  type Template,
} from '../internal/python-format.js';
import {
  DialogueFileError,
  loadDialogueFile,
  type DeviceDefinition,
  type DialogueDefinition,
  type DialogueFile,
  type PropertyDefinition,
} from './dialogue-file.js';

/** A reply: bytes (text replies are latin1), or null for no reply at all. */
type Reply = Buffer | null;

/** The value of a simulated property. */
export type SimulatedValue = number | string | boolean;

/** The kinds of error a dialogue file describes. */
export type SimulatedErrorKind = 'command_error' | 'query_error' | 'range_error';

/** Message terminators of one interface (`eom` in the file). */
export interface Terminators {
  /** Ends each received message. */
  readonly query: string;
  /** Appended to each reply. */
  readonly response: string;
}

interface PropertyState {
  readonly label: string;
  readonly definition: PropertyDefinition;
  readonly type: 'float' | 'int' | 'str';
  value: SimulatedValue;
}

interface Setter {
  readonly regex: RegExp;
  readonly property: PropertyState;
  readonly reply: string | null;
  readonly errorReply: string | null;
}

interface ErrorQueue {
  readonly query: string;
  readonly empty: string;
  readonly entries: Partial<Record<SimulatedErrorKind, string>>;
  readonly queue: string[];
}

interface StatusRegister {
  readonly query: string;
  readonly bits: Partial<Record<SimulatedErrorKind, number>>;
  value: number;
}

const MAX_QUEUE = 100;
const EAV = 0x04; // error/event queue not empty
const ESB = 0x20; // standard event status summary

/** Normal form of a received message for exact matches: trimmed, single spaces, upper case. */
function normalise(message: string): string {
  return message.trim().replace(/\s+/g, ' ').toUpperCase();
}

/**
 * One simulated SCPI instrument, driven by a device of a pyvisa-sim style dialogue file. `respond`
 * maps each received message to a reply by table lookup only: exact dialogues and getters, setter
 * templates compiled to regular expressions, the error queue and status register, and the IEEE 488.2
 * common commands `*CLS`, `*ESR?`, `*STB?`, `*OPC?` when the file does not define them. Nothing it
 * receives is ever evaluated. Property values persist between messages (one instrument, shared by
 * every connection).
 *
 * Errors follow pyvisa-sim: a message nothing matches raises a `command_error` (error queue entry,
 * status register bits) and gets the `command_error` response, which is no reply at all when the
 * file says `null_response` (or gives none); a setter's refused value raises a `range_error`. A
 * message may hold several commands separated by `;` (outside quotes); their replies are joined
 * with `;` into one reply, as IEEE 488.2 instruments do.
 */
export class SimulatedInstrument {
  private readonly exact = new Map<string, () => string | Buffer | null>();
  private readonly setters: Setter[] = [];
  private readonly properties = new Map<string, PropertyState>();
  private readonly errorQueues: ErrorQueue[] = [];
  private readonly statusRegisters: StatusRegister[] = [];
  private readonly commandErrorReply: string | null;

  /** Every message received, in order (for tests and logs). */
  readonly received: string[] = [];

  private constructor(
    /** The device key in the dialogue file. */
    readonly deviceName: string,
    private readonly definition: DeviceDefinition,
    private readonly fileName: string,
  ) {
    const error = definition.error;
    this.commandErrorReply = nullable(
      typeof error === 'string' ? error : (error?.response?.command_error ?? null),
    );
    this.compileErrors();
    this.compileScope('', `devices.${deviceName}`, definition.properties, definition.dialogues);
    for (const [group, channels] of Object.entries(definition.channels ?? {})) {
      for (const id of channels.ids) {
        const at = `devices.${deviceName}.channels.${group}`;
        const substitute = (text: string): string => text.replaceAll('{ch_id}', String(id));
        const properties = Object.fromEntries(
          Object.entries(channels.properties ?? {}).map(([name, p]) => [
            name,
            JSON.parse(substitute(JSON.stringify(p))) as PropertyDefinition,
          ]),
        );
        const dialogues = (channels.dialogues ?? []).map(
          (d) => JSON.parse(substitute(JSON.stringify(d))) as DialogueDefinition,
        );
        this.compileScope(String(id), at, properties, dialogues);
      }
    }
    this.addBuiltIns();
  }

  /**
   * Builds the instrument of one device of a parsed file. `device` is a device key or a resource
   * name listed under `resources`; by default the first device.
   */
  static fromDefinition(
    file: DialogueFile,
    options: { device?: string; fileName?: string } = {},
  ): SimulatedInstrument {
    const fileName = options.fileName ?? '<dialogue>';
    const keys = Object.keys(file.devices);
    const wanted = options.device ?? keys[0];
    let key: string | undefined = wanted;
    if (wanted !== undefined && !(wanted in file.devices)) {
      key = Object.entries(file.resources ?? {}).find(
        ([resource]) => resource.toUpperCase() === wanted.toUpperCase(),
      )?.[1].device;
    }
    if (key === undefined || !(key in file.devices)) {
      throw new DialogueFileError(
        `no device "${options.device ?? ''}" in the dialogue file (devices: ${keys.join(', ')})`,
        { location: { file: fileName } },
      );
    }
    return new SimulatedInstrument(key, file.devices[key]!, fileName);
  }

  /** Loads a YAML or JSON dialogue file and builds the instrument of one of its devices. */
  static fromFile(path: string, device?: string): SimulatedInstrument {
    return SimulatedInstrument.fromDefinition(loadDialogueFile(path), {
      fileName: path,
      ...(device === undefined ? {} : { device }),
    });
  }

  /** The terminators of an interface (`TCPIP SOCKET`, `TCPIP INSTR`...), default `\n` both ways. */
  terminators(interfaceAndClass: string): Terminators {
    const eom = this.definition.eom?.[interfaceAndClass];
    return { query: eom?.q ?? '\n', response: eom?.r ?? '\n' };
  }

  /**
   * The reply to one message (without terminator) as text, or null when the instrument stays
   * silent. See {@link respond}.
   */
  handle(message: string): string | null {
    const reply = this.respond(message);
    return reply === null ? null : reply.toString('latin1');
  }

  /**
   * The reply to one message (without terminator) as bytes, or null when the instrument stays
   * silent. Commands separated by `;` are handled in order and their replies joined with `;`.
   */
  respond(message: string): Reply {
    this.received.push(message);
    const whole = this.exact.get(normalise(message));
    if (whole) return toReply(whole());
    const replies: Buffer[] = [];
    for (const unit of splitProgramMessage(message)) {
      const reply = this.respondToUnit(unit);
      if (reply !== null) replies.push(reply);
    }
    if (replies.length === 0) return null;
    if (replies.length === 1) return replies[0]!;
    const joined: Buffer[] = [];
    replies.forEach((r, i) => joined.push(...(i === 0 ? [r] : [SEMICOLON, r])));
    return Buffer.concat(joined);
  }

  /**
   * Adds an exact dialogue at run time, like a `dialogues` entry of the file (pyvisa-sim's
   * `add_dialogue`): `reply` is text, bytes (e.g. a large binary reply for a test or a benchmark),
   * or null for no reply. Replaces an earlier dialogue of the same message.
   */
  addDialogue(query: string, reply: string | Uint8Array | null): void {
    const bytes =
      reply === null || reply === 'null_response'
        ? null
        : typeof reply === 'string'
          ? Buffer.from(reply, 'latin1')
          : Buffer.from(reply);
    this.exact.set(normalise(query), () => bytes);
  }

  private respondToUnit(unit: string): Reply {
    const key = normalise(unit);
    if (key === '') return null;
    const exact = this.exact.get(key);
    if (exact) return toReply(exact());
    const text = unit.trim();
    let refused: Setter | undefined;
    for (const setter of this.setters) {
      const match = setter.regex.exec(text);
      if (!match) continue;
      const value = this.accept(setter.property, match[1]!);
      if (value !== undefined) {
        setter.property.value = value;
        return toReply(setter.reply);
      }
      refused ??= setter;
    }
    if (refused) {
      this.raise('range_error');
      return toReply(refused.errorReply);
    }
    this.raise('command_error');
    return toReply(this.commandErrorReply);
  }

  /** Records an error of a kind described in the file (queue entry and status bits). */
  raise(kind: SimulatedErrorKind): void {
    for (const queue of this.errorQueues) {
      const entry =
        queue.entries[kind] ?? (kind === 'range_error' ? queue.entries.command_error : undefined);
      if (entry !== undefined) this.enqueue(queue, entry);
    }
    for (const register of this.statusRegisters) {
      const bits =
        register.bits[kind] ?? (kind === 'range_error' ? register.bits.command_error : undefined);
      if (bits !== undefined) register.value |= bits;
    }
  }

  /** Puts an arbitrary entry (e.g. `-310,"System error"`) in every error queue. */
  queueError(entry: string): void {
    for (const queue of this.errorQueues) this.enqueue(queue, entry);
  }

  /** The IEEE 488.2 status byte: EAV when an error is queued, ESB when an event bit is set. */
  get statusByte(): number {
    const eav = this.errorQueues.some((q) => q.queue.length > 0) ? EAV : 0;
    const esb = this.statusRegisters.some((r) => r.value !== 0) ? ESB : 0;
    return eav | esb;
  }

  /** The current value of a property (of a channel when `channel` is given). */
  property(name: string, channel?: string | number): SimulatedValue {
    const state = this.properties.get(
      propertyKey(channel === undefined ? '' : String(channel), name),
    );
    if (!state) {
      throw new DialogueFileError(
        `no property "${name}"${channel === undefined ? '' : ` on channel ${channel}`}`,
        { location: { file: this.fileName } },
      );
    }
    return state.value;
  }

  /** Restores every property to its default and empties the queues and the `received` log. */
  reset(): void {
    for (const state of this.properties.values()) state.value = state.definition.default;
    this.clearStatus();
    this.received.length = 0;
  }

  // ------------------------------------------------------------------ compilation

  private fail(where: string, reason: string, cause?: unknown): never {
    throw new DialogueFileError(`invalid dialogue file at ${where}: ${reason}`, {
      cause,
      location: { file: `${this.fileName}: ${where}` },
    });
  }

  private template(source: string, where: string): Template {
    try {
      return parseTemplate(source);
    } catch (e) {
      if (e instanceof TemplateSyntaxError) this.fail(where, e.message, e);
      throw e;
    }
  }

  private addExact(query: string, where: string, reply: () => string | null): void {
    const key = normalise(query);
    if (this.exact.has(key)) this.fail(where, `the message "${query}" is defined twice`);
    this.exact.set(key, reply);
  }

  /** A reply template whose fields name properties of the scope (or of the device). */
  private replyFunction(
    source: string | null | undefined,
    scope: string,
    where: string,
    own?: PropertyState,
  ): () => string | null {
    if (source === undefined || source === null || source === 'null_response') return () => null;
    const template = this.template(source, where);
    const lookups = new Map<string, PropertyState>();
    for (const field of templateFields(template)) {
      if (field.name === '') {
        if (!own) this.fail(where, `"{}" in "${source}" has no property to show; name one`);
        lookups.set('', own);
        continue;
      }
      const state =
        this.properties.get(propertyKey(scope, field.name)) ??
        this.properties.get(propertyKey('', field.name));
      if (!state) this.fail(where, `"{${field.name}}" in "${source}" names no property`);
      lookups.set(field.name, state);
    }
    return () => formatTemplate(template, (name) => lookups.get(name)!.value);
  }

  private compileScope(
    scope: string,
    at: string,
    properties: Record<string, PropertyDefinition> | undefined,
    dialogues: DialogueDefinition[] | undefined,
  ): void {
    const entries = Object.entries(properties ?? {});
    for (const [name, definition] of entries) {
      const type = definition.specs?.type ?? inferType(definition.default);
      const state: PropertyState = {
        label: scope === '' ? name : `${name} (channel ${scope})`,
        definition,
        type,
        value: definition.default,
      };
      this.properties.set(propertyKey(scope, name), state);
    }
    for (const [name, definition] of entries) {
      const where = `${at}.properties.${name}`;
      const state = this.properties.get(propertyKey(scope, name))!;
      if (definition.getter) {
        this.addExact(
          definition.getter.q,
          `${where}.getter.q`,
          this.replyFunction(definition.getter.r, scope, `${where}.getter.r`, state),
        );
      }
      if (definition.setter) {
        const template = this.template(definition.setter.q, `${where}.setter.q`);
        if (templateFields(template).length !== 1)
          this.fail(`${where}.setter.q`, `"${definition.setter.q}" must have exactly one field`);
        this.setters.push({
          regex: templateRegExp(template),
          property: state,
          reply: nullable(definition.setter.r),
          errorReply: nullable(definition.setter.e),
        });
      }
    }
    (dialogues ?? []).forEach((dialogue, i) => {
      const where = `${at}.dialogues.${i}`;
      this.addExact(dialogue.q, `${where}.q`, this.replyFunction(dialogue.r, scope, `${where}.r`));
    });
  }

  private compileErrors(): void {
    const error = this.definition.error;
    if (error === undefined || typeof error === 'string') return;
    const at = `devices.${this.deviceName}.error`;
    for (const [i, spec] of (error.error_queue ?? []).entries()) {
      const queue: ErrorQueue = {
        query: spec.q,
        empty: spec.default,
        entries: {
          ...(spec.command_error === undefined ? {} : { command_error: spec.command_error }),
          ...(spec.query_error === undefined ? {} : { query_error: spec.query_error }),
          ...(spec.range_error === undefined ? {} : { range_error: spec.range_error }),
        },
        queue: [],
      };
      this.errorQueues.push(queue);
      this.addExact(spec.q, `${at}.error_queue.${i}.q`, () => queue.queue.shift() ?? queue.empty);
    }
    for (const [i, spec] of (error.status_register ?? []).entries()) {
      const register: StatusRegister = {
        query: spec.q,
        bits: {
          ...(spec.command_error === undefined ? {} : { command_error: spec.command_error }),
          ...(spec.query_error === undefined ? {} : { query_error: spec.query_error }),
          ...(spec.range_error === undefined ? {} : { range_error: spec.range_error }),
        },
        value: 0,
      };
      this.statusRegisters.push(register);
      this.addExact(spec.q, `${at}.status_register.${i}.q`, () => {
        const value = register.value;
        register.value = 0;
        return String(value);
      });
    }
  }

  private addBuiltIns(): void {
    const builtIns: [string, () => string | null][] = [
      ['*CLS', () => (this.clearStatus(), null)],
      ['*STB?', () => String(this.statusByte)],
      ['*OPC?', () => '1'],
      ['*ESR?', () => '0'],
    ];
    for (const [query, reply] of builtIns) {
      if (!this.exact.has(normalise(query))) this.exact.set(normalise(query), reply);
    }
  }

  private clearStatus(): void {
    for (const queue of this.errorQueues) queue.queue.length = 0;
    for (const register of this.statusRegisters) register.value = 0;
  }

  private enqueue(queue: ErrorQueue, entry: string): void {
    if (queue.queue.length < MAX_QUEUE) queue.queue.push(entry);
  }

  /** The parsed value if it satisfies the property's specs, else undefined. */
  private accept(property: PropertyState, text: string): SimulatedValue | undefined {
    const specs = property.definition.specs ?? {};
    let value: SimulatedValue;
    if (property.type === 'str') {
      value = text.trim();
    } else {
      const n = Number(text);
      if (!Number.isFinite(n) || (property.type === 'int' && !Number.isInteger(n)))
        return undefined;
      value = n;
    }
    if (specs.valid !== undefined) {
      const match = specs.valid.find((v) =>
        typeof v === 'string' && typeof value === 'string'
          ? v.toUpperCase() === value.toUpperCase()
          : v === value,
      );
      if (match === undefined) return undefined;
      value = match;
    }
    if (typeof value === 'number') {
      if (specs.min !== undefined && value < specs.min) return undefined;
      if (specs.max !== undefined && value > specs.max) return undefined;
    }
    return value;
  }
}

const SEMICOLON = Buffer.from(';', 'latin1');

function toReply(reply: string | Buffer | null): Reply {
  return reply === null ? null : typeof reply === 'string' ? Buffer.from(reply, 'latin1') : reply;
}

/**
 * Splits a program message into its message units at `;` outside double quotes (IEEE 488.2 7.3.3);
 * a quoted string may hold semicolons.
 */
export function splitProgramMessage(message: string): string[] {
  const units: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      units.push(message.slice(start, i));
      start = i + 1;
    }
  }
  units.push(message.slice(start));
  return units;
}

function propertyKey(scope: string, name: string): string {
  return `${scope}\u0000${name}`;
}

function inferType(value: SimulatedValue): 'float' | 'int' | 'str' {
  return typeof value === 'number' ? 'float' : 'str';
}

function nullable(reply: string | null | undefined): string | null {
  return reply === undefined || reply === 'null_response' ? null : reply;
}
