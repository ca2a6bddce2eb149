import { z } from 'zod';

/** `GET /api/device-type/schema?type=`. */
export const deviceTypeQuerySchema = z.object({ type: z.string().min(1).max(200) }).strict();

/** A device type's configuration form: its JSON Schema (from its zod schema) and defaults. */
export const deviceFormSchema = z.object({
  type: z.string(),
  label: z.string(),
  /** JSON Schema (draft 2020-12) of the configuration a client sends (zod's input side). */
  schema: z.unknown(),
  defaultConfiguration: z.unknown(),
});

/** The route of device configuration forms. */
export const DEVICE_FORM_ROUTE = '/api/device-type/schema';
