import { z } from 'zod';

/** How a queued run is to be run: what the server stores as its options. */
export const queuedRunOptionsSchema = z
  .object({
    /** Reset a sequence that already ran to DRAFT first (erasing its shots). */
    reset: z.boolean().optional(),
    /**
     * Continue an INTERRUPTED or CRASHED sequence (only the shots it has not stored, on its
     * snapshot); a string is the reason recorded with the continuation.
     */
    continue: z.union([z.boolean(), z.string().min(1).max(500)]).optional(),
    globals: z.array(z.tuple([z.string(), z.unknown()])).optional(),
    deviceConfigurations: z
      .array(z.object({ name: z.string(), type: z.string(), configuration: z.unknown() }).strict())
      .optional(),
  })
  .strict();

/** The options of a queued run. */
export type QueuedRunOptions = z.infer<typeof queuedRunOptionsSchema>;
