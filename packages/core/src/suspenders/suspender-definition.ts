import { z } from 'zod';

// What a suspender is, as a lab writes it: in a sequence file or the lab configuration (the JSON
// spec, stored with the sequence) or in code (the same, where the watched value, the condition and
// the action before resuming may also be functions).

/** A bound of a condition: a number, or an expression with units such as `"0.2 V"`. */
export const suspenderBoundSchema = z.union([z.number(), z.string().min(1)]);

/**
 * The condition under which the run goes on (`okWhen`): the watched value is below, above, between
 * or outside bounds, or equals a value. Bounds with units are compared in SI base units; a global
 * must have the same dimension as its bounds.
 */
export const suspenderConditionSchema = z.union([
  z.object({ below: suspenderBoundSchema }).strict(),
  z.object({ above: suspenderBoundSchema }).strict(),
  z.object({ between: z.tuple([suspenderBoundSchema, suspenderBoundSchema]) }).strict(),
  z.object({ outside: z.tuple([suspenderBoundSchema, suspenderBoundSchema]) }).strict(),
  z.object({ equals: z.union([z.boolean(), z.number(), z.string()]) }).strict(),
]);

/** A condition (see {@link suspenderConditionSchema}). */
export type SuspenderCondition = z.infer<typeof suspenderConditionSchema>;

/** What a stored suspender watches: a data label its device signals every shot, or a global. */
export const suspenderWatchSchema = z.union([
  z.object({ data: z.string().min(1) }).strict(),
  z.object({ global: z.string().min(1) }).strict(),
]);

/**
 * zod schema of a suspender as stored with a sequence and written in sequence files and the lab
 * configuration:
 *
 * ```yaml
 * - name: cooler lock
 *   watch: { data: 'lockmon\error' }     # or { global: lock.ok }
 *   okWhen: { between: ['-0.2 V', '0.2 V'] }
 *   hold: 2 s                             # how long it must hold before the run resumes
 *   onTrip: pause                         # or repeat: abort and repeat the running shot
 *   beforeResume: { warmupShots: 3 }      # shots run (not stored) before resuming
 * ```
 */
export const suspenderSpecSchema = z
  .object({
    name: z.string().min(1).max(80),
    watch: suspenderWatchSchema,
    okWhen: suspenderConditionSchema,
    /** How long the condition must hold before the run resumes (a time expression). */
    hold: z.string().min(1).default('0 s'),
    /**
     * `pause`: the running shot finishes and is stored, then the run pauses. `repeat`: the running
     * shot is aborted (a polled value) or discarded (its data failed), and run again on resume.
     */
    onTrip: z.enum(['pause', 'repeat']).default('pause'),
    /** Done before resuming: shots run on the devices and not stored, to settle the setup. */
    beforeResume: z
      .object({ warmupShots: z.int().min(1).max(1000) })
      .strict()
      .optional(),
    /** How often a global is read (a time expression; default 500 ms). */
    poll: z.string().min(1).optional(),
    /**
     * While a data suspender holds the run paused, the next shot runs as a probe (not stored) this
     * often to read the label again (a time expression; default 0 s: back to back).
     */
    probeEvery: z.string().min(1).optional(),
  })
  .strict();

/** A stored suspender (see {@link suspenderSpecSchema}). */
export type SuspenderSpec = z.infer<typeof suspenderSpecSchema>;

/** A suspender as written (defaults not applied yet). */
export type SuspenderSpecInput = z.input<typeof suspenderSpecSchema>;

/** zod schema of a list of stored suspenders with distinct names. */
export const suspenderSpecsSchema = z.array(suspenderSpecSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `two suspenders are named "${s.name}"`,
      });
    }
    seen.add(s.name);
  });
});

/**
 * A suspender given in code: like {@link SuspenderSpecInput}, and it may also watch any value
 * through a function (`watch: { read }`), decide with a function (`okWhen: (value) => boolean`) and
 * run a function before resuming (e.g. to relock a laser or re-run a calibration). Such a
 * suspender lives only in the process that runs the sequence: it is recorded on the sequence by
 * name, not stored with it.
 */
export interface SuspenderDefinition {
  readonly name: string;
  readonly watch:
    | { readonly data: string }
    | { readonly global: string }
    | {
        /** Reads the watched value (may be async); polled every `poll`. */
        readonly read: () => unknown;
        /** How messages name it, e.g. `wavemeter`. Default `function`. */
        readonly describe?: string;
      };
  readonly okWhen: SuspenderCondition | ((value: unknown) => boolean);
  readonly hold?: string;
  readonly onTrip?: 'pause' | 'repeat';
  readonly beforeResume?: { readonly warmupShots: number } | (() => unknown);
  readonly poll?: string;
  readonly probeEvery?: string;
}

/** Where a suspender was configured, for messages. */
export type SuspenderOrigin = 'lab' | 'sequence' | 'run';

/** A suspender with where it comes from. */
export interface ConfiguredSuspender {
  readonly definition: SuspenderDefinition | SuspenderSpecInput;
  readonly origin: SuspenderOrigin;
}

/** The stored form of a suspender given in code: functions are replaced by their description. */
export function describeSuspenderForRecord(
  definition: SuspenderDefinition | SuspenderSpecInput,
): Record<string, unknown> {
  const watch =
    'read' in definition.watch
      ? { function: definition.watch.describe ?? 'function' }
      : { ...definition.watch };
  return {
    name: definition.name,
    watch,
    okWhen: typeof definition.okWhen === 'function' ? 'function' : definition.okWhen,
    hold: definition.hold ?? '0 s',
    onTrip: definition.onTrip ?? 'pause',
    ...(definition.beforeResume === undefined
      ? {}
      : {
          beforeResume:
            typeof definition.beforeResume === 'function' ? 'function' : definition.beforeResume,
        }),
  };
}
