import { createHash } from 'node:crypto';
import {
  Expression,
  IterationConfiguration,
  SequencePath,
  type SessionStorage,
  TimeLanes,
  errorResponseSchema,
  summarizeError,
  timeLaneStepLabel,
  withContext,
  withoutStacks,
  type WireError,
} from '@shotline/core';
import { z } from 'zod';
import {
  EDITOR_ROUTES,
  checkDefinitionBodySchema,
  checkResultSchema,
  folderQuerySchema,
  movePathBodySchema,
  saveDefinitionBodySchema,
  treeNodeSchema,
  treeQuerySchema,
  versionedDefinitionSchema,
} from '../api/editor-api.js';
import { sequencePathQuerySchema } from '../api/lab-api.js';
import { SequenceVersionConflictError } from '../http/version-conflict-error.js';
import type { ServerContext } from '../server-context.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

/** The version of a definition: the first 16 hex digits of the SHA-256 of its JSON. */
export function definitionVersion(iteration: unknown, timeLanes: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ iteration, timeLanes }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Every error of a definition that core's parsers find, each with its location: the iteration, each
 * step duration and each lane on its own (so that one bad cell does not hide another), then the
 * table as a whole (lane lengths). Nothing is evaluated.
 */
export function checkDefinition(
  context: Pick<ServerContext, 'registry'>,
  body: { iteration: unknown; timeLanes: unknown },
): WireError[] {
  const found: WireError[] = [];
  const seen = new Set<string>();
  const attempt = (check: () => unknown): boolean => {
    try {
      check();
      return true;
    } catch (error) {
      const wire = withoutStacks(summarizeError(error));
      if (!seen.has(wire.message)) {
        seen.add(wire.message);
        found.push(wire);
      }
      return false;
    }
  };
  const laneTypes = context.registry.laneTypes;
  attempt(() => IterationConfiguration.fromJSON(body.iteration));
  if (!attempt(() => TimeLanes.fromJSON(body.timeLanes, laneTypes))) {
    const table = body.timeLanes as Partial<
      Record<'stepNames' | 'stepDurations' | 'lanes', unknown>
    >;
    const names = Array.isArray(table.stepNames) ? (table.stepNames as unknown[]) : [];
    const durations = Array.isArray(table.stepDurations) ? (table.stepDurations as unknown[]) : [];
    const usable = durations.map((source, i) =>
      typeof source === 'string' &&
      attempt(() => {
        try {
          return new Expression(source);
        } catch (error) {
          throw withContext(error, {
            step: timeLaneStepLabel(i, typeof names[i] === 'string' ? names[i] : ''),
          });
        }
      })
        ? source
        : '0 s',
    );
    if (Array.isArray(table.lanes) && names.length === durations.length) {
      for (const lane of table.lanes) {
        attempt(() =>
          TimeLanes.fromJSON({ stepNames: names, stepDurations: usable, lanes: [lane] }, laneTypes),
        );
      }
    }
  }
  return found;
}

/** Serialises the edits of each sequence: a version check and its write are one step. */
class PathLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

async function treeUnder(storage: SessionStorage, under: SequencePath) {
  const out: z.infer<typeof treeNodeSchema>[] = [];
  const visit = async (folder: SequencePath): Promise<void> => {
    for (const child of (await storage.children(folder)).unwrap()) {
      const isSequence = (await storage.isSequence(child)).unwrap();
      out.push({ path: child.toString(), kind: isSequence ? 'sequence' : 'folder' });
      if (!isSequence) await visit(child);
    }
  };
  await visit(under);
  return out;
}

/**
 * What an editor needs beyond the sequence routes: the definition with its version (a save from a
 * stale version is refused with 409, nothing saved), the static check of a definition as it is
 * typed (core's parsers; every error located), the path tree with folders, moving (renaming) a
 * folder or sequence, and creating a folder.
 */
export const editorRoutes: RoutePlugin = async (app, { context }) => {
  const { storage, session, registry, audit } = context;
  const locks = new PathLocks();
  const versioned = async (path: SequencePath) => {
    const info = await session.sequence(path);
    const iteration = info.iteration.toJSON();
    const timeLanes = info.timeLanes.toJSON();
    return {
      path: path.toString(),
      version: definitionVersion(iteration, timeLanes),
      iteration,
      timeLanes,
    };
  };

  app.get(
    EDITOR_ROUTES.definition,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The iteration and time lanes of a sequence, with their version',
        tags: ['editor'],
        querystring: sequencePathQuerySchema,
        response: { 200: versionedDefinitionSchema, ...errors },
      },
    },
    async (request) => versioned(SequencePath.parse(request.query.path)),
  );

  app.put(
    EDITOR_ROUTES.definition,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Save the definition of a DRAFT if it was made from the stored version (else 409)',
        tags: ['editor'],
        querystring: sequencePathQuerySchema,
        body: saveDefinitionBodySchema,
        response: { 200: versionedDefinitionSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const iteration = IterationConfiguration.fromJSON(request.body.iteration);
      const timeLanes = TimeLanes.fromJSON(request.body.timeLanes, registry.laneTypes);
      return locks.run(path.toString(), async () => {
        const current = await versioned(path);
        if (current.version !== request.body.version) {
          throw new SequenceVersionConflictError(
            `the sequence was changed by someone else since you loaded it (your version ${request.body.version}, stored ${current.version}); nothing was saved: reload it and make your change again`,
            { location: { sequence: path.toString() } },
          );
        }
        // Time lanes first so a refused iteration leaves a valid DRAFT (as PUT /api/sequence).
        await session.setTimeLanes(path, timeLanes);
        await session.setIteration(path, iteration);
        const saved = await versioned(path);
        await audit.record(userOf(request), 'sequence.edit', path.toString(), {
          from: current.version,
          to: saved.version,
        });
        return saved;
      });
    },
  );

  app.post(
    EDITOR_ROUTES.check,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Check a definition as it is typed (not saved): every error, located',
        tags: ['editor'],
        body: checkDefinitionBodySchema,
        response: { 200: checkResultSchema, ...errors },
      },
    },
    async (request) => ({ errors: checkDefinition(context, request.body) }),
  );

  app.get(
    EDITOR_ROUTES.tree,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Every folder and sequence at or below a folder, depth first, sorted by name',
        tags: ['editor'],
        querystring: treeQuerySchema,
        response: { 200: z.array(treeNodeSchema), ...errors },
      },
    },
    async (request) =>
      treeUnder(
        storage,
        request.query.under ? SequencePath.parse(request.query.under) : SequencePath.root,
      ),
  );

  app.post(
    EDITOR_ROUTES.move,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Move (rename) a folder or sequence with everything below it',
        tags: ['editor'],
        body: movePathBodySchema,
        response: { 200: z.object({ source: z.string(), destination: z.string() }), ...errors },
      },
    },
    async (request) => {
      const source = SequencePath.parse(request.body.source);
      const destination = SequencePath.parse(request.body.destination);
      (await storage.movePath(source, destination)).unwrap();
      await audit.record(userOf(request), 'path.move', destination.toString(), {
        source: source.toString(),
      });
      return { source: source.toString(), destination: destination.toString() };
    },
  );

  app.post(
    EDITOR_ROUTES.folder,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Create a folder and its missing parents',
        tags: ['editor'],
        querystring: folderQuerySchema,
        response: { 201: z.object({ created: z.array(z.string()) }), ...errors },
      },
    },
    async (request, reply) => {
      const path = SequencePath.parse(request.query.path);
      const created = (await storage.createPath(path)).unwrap();
      await audit.record(userOf(request), 'folder.create', path.toString());
      return reply.code(201).send({ created: created.map((p) => p.toString()) });
    },
  );
};
