import { wireErrorSchema } from '@shotline/core';
import { z } from 'zod';

const path = z.string().min(1).max(4096);

/**
 * A sequence's definition with its version: the first 16 hex digits of the SHA-256 of its JSON.
 * An editor sends the version it loaded back with its changes; a stale one is refused (409).
 */
export const versionedDefinitionSchema = z.object({
  path: z.string(),
  version: z.string(),
  /** The iteration and the time lanes, in core's JSON form. */
  iteration: z.unknown(),
  timeLanes: z.unknown(),
});

/** `PUT /api/sequence/definition?path=`: the new definition and the version it was made from. */
export const saveDefinitionBodySchema = z
  .object({
    version: z.string().min(1).max(64),
    iteration: z.unknown(),
    timeLanes: z.unknown(),
  })
  .strict();

/** `POST /api/sequence/check`: a definition to check, not saved. */
export const checkDefinitionBodySchema = z
  .object({ iteration: z.unknown(), timeLanes: z.unknown() })
  .strict();

/** The answer of the check: every error found, each with its location (lane, block, step...). */
export const checkResultSchema = z.object({ errors: z.array(wireErrorSchema) });

/** `POST /api/sequence/move`: rename or move a folder or sequence (with everything below it). */
export const movePathBodySchema = z.object({ source: path, destination: path }).strict();

/** `POST /api/folder?path=`: create a folder (and its missing parents). */
export const folderQuerySchema = z.object({ path }).strict();

/** `GET /api/tree?under=`: every folder and sequence at or below a folder. */
export const treeQuerySchema = z.object({ under: path.optional() }).strict();

/** A node of the path tree. */
export const treeNodeSchema = z.object({
  path: z.string(),
  kind: z.enum(['folder', 'sequence']),
});

/** The editor routes (sequence definitions with versions, checking, moving, folders). */
export const EDITOR_ROUTES = {
  definition: '/api/sequence/definition',
  check: '/api/sequence/check',
  move: '/api/sequence/move',
  folder: '/api/folder',
  tree: '/api/tree',
} as const;
