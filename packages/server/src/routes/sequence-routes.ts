import {
  IterationConfiguration,
  SequencePath,
  TimeLanes,
  activeRunOf,
  errorResponseSchema,
  type SuspenderSpecInput,
} from '@shotline/core';
import { z } from 'zod';
import {
  LAB_ROUTES,
  deleteSequenceQuerySchema,
  duplicateSequenceBodySchema,
  sequenceDefinitionBodySchema,
  sequenceDetailSchema,
  sequenceListQuerySchema,
  sequencePathQuerySchema,
  sequenceSummarySchema,
} from '../api/lab-api.js';
import { sequenceJson } from './json-forms.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

/** Sequences: list, show, create, edit a DRAFT, reset, duplicate, delete. */
export const sequenceRoutes: RoutePlugin = async (app, { context }) => {
  const { storage, session, registry, audit } = context;
  const definition = (body: z.infer<typeof sequenceDefinitionBodySchema>) => ({
    iteration: IterationConfiguration.fromJSON(body.iteration),
    timeLanes: TimeLanes.fromJSON(body.timeLanes, registry.laneTypes),
    // Checked by the session (suspenderSpecSchema): a malformed one is refused, naming it.
    suspenders: (body.suspenders ?? []) as SuspenderSpecInput[],
  });

  app.get(
    LAB_ROUTES.sequences,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The sequences at or below a folder, with state and progress',
        tags: ['sequences'],
        querystring: sequenceListQuerySchema,
        response: { 200: z.array(sequenceSummarySchema), ...errors },
      },
    },
    async (request) => {
      const under = request.query.under
        ? SequencePath.parse(request.query.under)
        : SequencePath.root;
      const paths = (await storage.sequencesUnder(under)).unwrap();
      const out = [];
      for (const path of paths) {
        const stats = (await storage.getStats(path)).unwrap();
        out.push({
          path: path.toString(),
          state: stats.state,
          completedShots: stats.completedShots,
          expectedShots: stats.expectedShots,
        });
      }
      return out;
    },
  );

  app.get(
    LAB_ROUTES.sequence,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'A sequence: state, progress, times, error, definition',
        tags: ['sequences'],
        querystring: sequencePathQuerySchema,
        response: { 200: sequenceDetailSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const info = await session.sequence(path);
      return sequenceJson(info, await activeRunOf(storage, path));
    },
  );

  app.post(
    LAB_ROUTES.sequence,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Create a DRAFT sequence',
        tags: ['sequences'],
        querystring: sequencePathQuerySchema,
        body: sequenceDefinitionBodySchema,
        response: { 201: sequenceDetailSchema, ...errors },
      },
    },
    async (request, reply) => {
      const path = SequencePath.parse(request.query.path);
      await session.createSequence(path, definition(request.body));
      await audit.record(userOf(request), 'sequence.create', path.toString());
      return reply.code(201).send(sequenceJson(await session.sequence(path)));
    },
  );

  app.put(
    LAB_ROUTES.sequence,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Replace the iteration and time lanes of a DRAFT',
        tags: ['sequences'],
        querystring: sequencePathQuerySchema,
        body: sequenceDefinitionBodySchema,
        response: { 200: sequenceDetailSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const { iteration, timeLanes, suspenders } = definition(request.body);
      // Both are checked above; time lanes first so a refused iteration leaves a valid DRAFT.
      await session.setTimeLanes(path, timeLanes);
      await session.setSuspenders(path, suspenders);
      await session.setIteration(path, iteration);
      await audit.record(userOf(request), 'sequence.edit', path.toString());
      return sequenceJson(await session.sequence(path));
    },
  );

  app.post(
    LAB_ROUTES.reset,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Set a sequence that ran back to DRAFT (erases its shots)',
        tags: ['sequences'],
        querystring: sequencePathQuerySchema,
        response: { 200: sequenceDetailSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      await session.resetToDraft(path);
      await audit.record(userOf(request), 'sequence.reset', path.toString());
      return sequenceJson(await session.sequence(path));
    },
  );

  app.post(
    LAB_ROUTES.duplicate,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Copy a sequence as a DRAFT (without shots)',
        tags: ['sequences'],
        body: duplicateSequenceBodySchema,
        response: { 201: sequenceDetailSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = SequencePath.parse(request.body.source);
      const destination = SequencePath.parse(request.body.destination);
      (await storage.duplicateSequence(source, destination)).unwrap();
      await audit.record(userOf(request), 'sequence.duplicate', destination.toString(), {
        source: source.toString(),
      });
      return reply.code(201).send(sequenceJson(await session.sequence(destination)));
    },
  );

  app.delete(
    LAB_ROUTES.sequence,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Delete a sequence (a folder with sequences needs recursive=true)',
        tags: ['sequences'],
        querystring: deleteSequenceQuerySchema,
        response: { 200: z.object({ deleted: z.string() }), ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      (
        await storage.deletePath(path, { deleteSequences: request.query.recursive === 'true' })
      ).unwrap();
      await audit.record(userOf(request), 'sequence.delete', path.toString(), {
        recursive: request.query.recursive === 'true',
      });
      return { deleted: path.toString() };
    },
  );
};
