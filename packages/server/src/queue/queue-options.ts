import { z } from 'zod';

/** How a queued run is to be run: what the server stores as its options. */
export const queuedRunOptionsSchema = z
  .object({
    /** Reset a sequence that already ran to DRAFT first (erasing its shots). */
    reset: z.boolean().optional(),
    globals: z.array(z.tuple([z.string(), z.unknown()])).optional(),
    deviceConfigurations: z
      .array(z.object({ name: z.string(), type: z.string(), configuration: z.unknown() }).strict())
      .optional(),
  })
  .strict();

/** The options of a queued run. */
export type QueuedRunOptions = z.infer<typeof queuedRunOptionsSchema>;
