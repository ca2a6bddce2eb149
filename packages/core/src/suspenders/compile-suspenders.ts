import { isNDArray } from '../data/index.js';
import { withContext } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import { Parameters, type ParameterValue } from '../parameters/index.js';
import { Dimension, Quantity } from '../units/index.js';
import {
  type ConfiguredSuspender,
  type SuspenderCondition,
  type SuspenderDefinition,
  type SuspenderOrigin,
  type SuspenderSpecInput,
  describeSuspenderForRecord,
  suspenderSpecSchema,
} from './suspender-definition.js';
import { SuspenderConfigurationError, SuspenderFailedError } from './suspender-errors.js';

/** What a device of the run offers to suspenders. */
export interface SuspenderDevice {
  /** False when the device's compiler said it is not used in this sequence. */
  readonly used: boolean;
  /** Why it is not used. */
  readonly notUsedReason?: string;
  /** The labels its extension declares for this sequence; undefined when it declares none. */
  readonly labels: readonly string[] | undefined;
}

/** What suspenders are checked against. */
export interface SuspenderCheckContext {
  readonly sequence: string;
  /** The evaluated globals of the run. */
  readonly constants: Parameters;
  /** The configured devices of the run, by name. */
  readonly devices: ReadonlyMap<string, SuspenderDevice>;
}

/** A value compared by a condition: a number in SI base units with its dimension, or as is. */
type Comparable =
  | { readonly kind: 'number'; readonly si: number; readonly dimension: Dimension }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string };

/**
 * A checked suspender, ready to run: what it watches, when it is satisfied, and the times it uses
 * (milliseconds).
 */
export interface CompiledSuspender {
  readonly name: string;
  readonly origin: SuspenderOrigin;
  /** `data lock\error`, `global lock.ok`, `function wavemeter`. */
  readonly watchText: string;
  readonly watch:
    | { readonly kind: 'data'; readonly label: string }
    | { readonly kind: 'global'; readonly name: string }
    | { readonly kind: 'function'; readonly read: () => unknown };
  readonly holdMs: number;
  readonly pollMs: number;
  readonly probeEveryMs: number;
  readonly onTrip: 'pause' | 'repeat';
  readonly beforeResume: { readonly warmupShots: number } | (() => unknown) | undefined;
  /**
   * True when the run may go on with this value; throws {@link SuspenderFailedError} for a value
   * the condition cannot judge (an array, a missing value, a value of another dimension).
   */
  isOk(value: unknown): boolean;
  /** The JSON form recorded on the sequence (functions named, not stored). */
  readonly record: Record<string, unknown>;
}

const DEFAULT_POLL_MS = 500;

/**
 * Checks the suspenders of a run against its devices and globals and compiles them: refused, with a
 * {@link SuspenderConfigurationError} naming the sequence and the suspender, when one watches an
 * unknown device or label, a device this sequence does not use, a global that does not exist, has
 * a condition of the wrong type for its global, or a bad time. Two suspenders may not share a name.
 */
export function compileSuspenders(
  configured: readonly ConfiguredSuspender[],
  context: SuspenderCheckContext,
): CompiledSuspender[] {
  const names = new Map<string, SuspenderOrigin>();
  return configured.map(({ definition, origin }) => {
    const name = typeof definition?.name === 'string' ? definition.name : '';
    const at = { sequence: context.sequence, ...(name ? { suspender: name } : {}) };
    const fail = (message: string): never => {
      const who = name ? `suspender "${name}" of the ${origin}` : `a suspender of the ${origin}`;
      throw new SuspenderConfigurationError(`${who}: ${message}`, { location: at });
    };
    const spec = checkShape(definition, fail);
    const previous = names.get(spec.name);
    if (previous !== undefined) {
      fail(
        `another suspender (of the ${previous}) has the name "${spec.name}"; give each a name of its own`,
      );
    }
    names.set(spec.name, origin);
    try {
      return compileOne(spec, origin, context, fail);
    } catch (e) {
      if (e instanceof SuspenderConfigurationError) throw e;
      throw withContext(e, at);
    }
  });
}

/** The definition with defaults, its shape checked (by the zod schema when it has no function). */
function checkShape(
  definition: SuspenderDefinition | SuspenderSpecInput,
  fail: (message: string) => never,
): SuspenderDefinition & { hold: string; onTrip: 'pause' | 'repeat' } {
  if (typeof definition !== 'object' || definition === null) fail('a suspender is an object');
  const hasFunction =
    (typeof definition.watch === 'object' &&
      definition.watch !== null &&
      'read' in definition.watch) ||
    typeof definition.okWhen === 'function' ||
    typeof definition.beforeResume === 'function';
  if (!hasFunction) {
    const parsed = suspenderSpecSchema.safeParse(definition);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(`${issue?.path.join('.') || 'definition'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data!;
  }
  if (typeof definition.name !== 'string' || definition.name.length === 0) {
    fail('a suspender needs a name');
  }
  if ('read' in definition.watch && typeof definition.watch.read !== 'function') {
    fail('watch.read must be a function');
  }
  if (typeof definition.okWhen !== 'function') {
    const condition = suspenderSpecSchema.shape.okWhen.safeParse(definition.okWhen);
    if (!condition.success) fail(`okWhen: ${condition.error.issues[0]?.message ?? 'invalid'}`);
  }
  const onTrip = definition.onTrip ?? 'pause';
  if (onTrip !== 'pause' && onTrip !== 'repeat') fail('onTrip is "pause" or "repeat"');
  return { ...(definition as SuspenderDefinition), hold: definition.hold ?? '0 s', onTrip };
}

function compileOne(
  spec: SuspenderDefinition & { hold: string; onTrip: 'pause' | 'repeat' },
  origin: SuspenderOrigin,
  context: SuspenderCheckContext,
  fail: (message: string) => never,
): CompiledSuspender {
  const watch = spec.watch;
  let compiledWatch: CompiledSuspender['watch'];
  let watchText: string;
  let watched: ParameterValue | undefined;
  if ('data' in watch) {
    compiledWatch = { kind: 'data', label: watch.data };
    watchText = `data ${watch.data}`;
    checkDataLabel(watch.data, context, fail);
  } else if ('global' in watch) {
    compiledWatch = { kind: 'global', name: watch.global };
    watchText = `global ${watch.global}`;
    watched = context.constants.get(watch.global);
    if (watched === undefined) {
      fail(
        `it watches the global "${watch.global}", which is not a global parameter of this run` +
          ` (suspenders watch globals that another program may change, e.g. "shotline globals set ${watch.global}=..."; globals: ${context.constants.names.join(', ') || 'none'})`,
      );
    }
  } else {
    compiledWatch = { kind: 'function', read: watch.read };
    watchText = `function ${watch.describe ?? 'function'}`;
  }
  const isOk =
    typeof spec.okWhen === 'function'
      ? functionCondition(spec.okWhen, spec.name, watchText)
      : declarativeCondition(spec.okWhen, spec.name, watchText, fail);
  if (watched !== undefined && typeof spec.okWhen !== 'function') {
    // A global's type is known now: a condition of the wrong type is refused at once.
    try {
      isOk(watched);
    } catch (e) {
      const detail = e instanceof SuspenderFailedError ? e.detail : String(e);
      fail(detail.replace(/^suspender "[^"]*" /, 'it '));
    }
  }
  const beforeResume = spec.beforeResume;
  if (
    beforeResume !== undefined &&
    typeof beforeResume !== 'function' &&
    !(Number.isInteger(beforeResume.warmupShots) && beforeResume.warmupShots >= 1)
  ) {
    fail('beforeResume is { warmupShots: n } with n >= 1, or a function');
  }
  return {
    name: spec.name,
    origin,
    watchText,
    watch: compiledWatch,
    holdMs: timeMs(spec.hold, 'hold', fail),
    pollMs:
      spec.poll === undefined ? DEFAULT_POLL_MS : Math.max(10, timeMs(spec.poll, 'poll', fail)),
    probeEveryMs: spec.probeEvery === undefined ? 0 : timeMs(spec.probeEvery, 'probeEvery', fail),
    onTrip: spec.onTrip,
    beforeResume,
    isOk,
    record: describeSuspenderForRecord(spec),
  };
}

function checkDataLabel(
  label: string,
  context: SuspenderCheckContext,
  fail: (message: string) => never,
): void {
  const cut = label.indexOf('\\');
  if (cut <= 0) {
    fail(`"${label}" is not a data label: a label is "<device>\\<name>", e.g. "lockmon\\error"`);
  }
  const deviceName = label.slice(0, cut);
  const device = context.devices.get(deviceName);
  if (device === undefined) {
    fail(
      `it watches "${label}" of the unknown device "${deviceName}" (devices of this run: ${[...context.devices.keys()].join(', ') || 'none'})`,
    );
  }
  if (!device!.used) {
    fail(
      `it watches "${label}", but device "${deviceName}" is not used in this sequence${device!.notUsedReason ? ` (${device!.notUsedReason})` : ''}, so it signals no data`,
    );
  }
  const labels = device!.labels;
  if (labels !== undefined && !labels.includes(label)) {
    fail(
      `device "${deviceName}" signals no data "${label}" in this sequence (it signals: ${labels.join(', ') || 'nothing'})`,
    );
  }
}

/** A time expression (`2 s`, `500 ms`, `0`) in milliseconds, >= 0. */
function timeMs(source: string, what: string, fail: (message: string) => never): number {
  let value: ParameterValue;
  try {
    value = new Expression(String(source)).evaluate(Parameters.empty);
  } catch (e) {
    return fail(`${what} "${source}" is not a time: ${e instanceof Error ? e.message : String(e)}`);
  }
  const seconds =
    typeof value === 'number'
      ? value
      : value instanceof Quantity && value.dimension.equals(Dimension.of('s'))
        ? value.toBase()
        : NaN;
  if (!(seconds >= 0) || !Number.isFinite(seconds)) {
    return fail(`${what} "${source}" must be a time >= 0, such as "2 s" or "500 ms"`);
  }
  return seconds * 1000;
}

/** A bound as a comparable number (SI base units). */
function bound(source: number | string, fail: (message: string) => never): Comparable {
  if (typeof source === 'number') {
    if (!Number.isFinite(source)) fail(`the bound ${source} is not a finite number`);
    return { kind: 'number', si: source, dimension: Dimension.dimensionless };
  }
  let value: ParameterValue;
  try {
    value = new Expression(source).evaluate(Parameters.empty);
  } catch (e) {
    return fail(
      `the bound "${source}" is not a value: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const comparable = comparableOf(value);
  if (comparable?.kind !== 'number') fail(`the bound "${source}" is not a number or a quantity`);
  return comparable!;
}

function comparableOf(value: unknown): Comparable | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { kind: 'number', si: value, dimension: Dimension.dimensionless }
      : undefined;
  }
  if (value instanceof Quantity)
    return { kind: 'number', si: value.toBase(), dimension: value.dimension };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'string') return { kind: 'string', value };
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (isNDArray(value)) return `an array (${value.dtype} ${JSON.stringify(value.shape)})`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Quantity) return `${value.toString()}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function declarativeCondition(
  condition: SuspenderCondition,
  name: string,
  watchText: string,
  fail: (message: string) => never,
): (value: unknown) => boolean {
  const wrong = (value: unknown, needs: string): never => {
    throw new SuspenderFailedError(
      `suspender "${name}" watches ${watchText}, which is ${describeValue(value)}: its condition ${JSON.stringify(condition)} needs ${needs}`,
      { location: { suspender: name } },
    );
  };
  /** The value as a number in SI units of the bounds' dimension. */
  const numeric = (value: unknown, bounds: readonly Comparable[]): number => {
    const v = comparableOf(value);
    if (v?.kind !== 'number') return wrong(value, 'a number');
    const dimension = (bounds[0] as { dimension: Dimension }).dimension;
    // Shot data are plain numbers (SI units): a bound with units is compared in SI units.
    if (!(value instanceof Quantity) && typeof value === 'number') return v.si;
    if (!v.dimension.equals(dimension)) {
      return wrong(
        value,
        dimension.isDimensionless
          ? 'a plain number'
          : `a value of dimension ${dimension.describe()}`,
      );
    }
    return v.si;
  };
  if ('below' in condition) {
    const b = [bound(condition.below, fail)];
    return (value) => numeric(value, b) < (b[0] as { si: number }).si;
  }
  if ('above' in condition) {
    const b = [bound(condition.above, fail)];
    return (value) => numeric(value, b) > (b[0] as { si: number }).si;
  }
  if ('between' in condition || 'outside' in condition) {
    const inside = 'between' in condition;
    const pair = inside ? condition.between : condition.outside;
    const lo = bound(pair[0], fail) as Extract<Comparable, { kind: 'number' }>;
    const hi = bound(pair[1], fail) as Extract<Comparable, { kind: 'number' }>;
    if (!lo.dimension.equals(hi.dimension)) {
      fail(`the bounds ${JSON.stringify(pair)} have different dimensions`);
    }
    if (lo.si > hi.si)
      fail(`the bounds ${JSON.stringify(pair)} are in the wrong order (low, high)`);
    return (value) => {
      const v = numeric(value, [lo]);
      const within = v >= lo.si && v <= hi.si;
      return inside ? within : !within;
    };
  }
  const expected = condition.equals;
  if (typeof expected === 'boolean') {
    return (value) =>
      typeof value === 'boolean' ? value === expected : wrong(value, 'true or false');
  }
  if (typeof expected === 'number') {
    const b = [bound(expected, fail)];
    return (value) => numeric(value, b) === (b[0] as { si: number }).si;
  }
  // A text: equal texts, or (for a number or quantity) an expression such as "0 V".
  return (value) => {
    if (typeof value === 'string') return value === expected;
    const b = [bound(expected, fail)];
    return numeric(value, b) === (b[0] as { si: number }).si;
  };
}

function functionCondition(
  okWhen: (value: unknown) => boolean,
  name: string,
  watchText: string,
): (value: unknown) => boolean {
  return (value) => {
    let ok: unknown;
    try {
      ok = okWhen(value);
    } catch (e) {
      throw new SuspenderFailedError(
        `the condition of suspender "${name}" (watching ${watchText}) threw: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e, location: { suspender: name } },
      );
    }
    if (typeof ok !== 'boolean') {
      throw new SuspenderFailedError(
        `the condition of suspender "${name}" (watching ${watchText}) returned ${describeValue(ok)}; it must return true (go on) or false (suspend)`,
        { location: { suspender: name } },
      );
    }
    return ok;
  };
}
