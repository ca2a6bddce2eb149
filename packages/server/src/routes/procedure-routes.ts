import {
  PROCEDURE_ROUTES as ROUTES,
  RemoteNotFoundError,
  activationQuerySchema,
  createProcedureBodySchema,
  errorResponseSchema,
  interruptResponseSchema,
  procedureParamsSchema,
  procedureStatusSchema,
  runParamsSchema,
  runStatusSchema,
  startSequenceBodySchema,
} from '@shotline/core';
import { z } from 'zod';
import { LabLockedError, ServerClosingError } from '../http/server-errors.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const DEFAULT_WAIT_MS = 20_000;

/**
 * The Procedure API of remote managers (`ExperimentManager.connect`): procedures of the server's
 * manager, one per client procedure, bound to the client's event-stream session.
 */
export const procedureRoutes: RoutePlugin = async (app, { context }) => {
  const { procedures, sessions, audit } = context;

  app.get(
    ROUTES.procedures,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The procedures of remote clients',
        tags: ['procedures'],
        response: { 200: z.array(procedureStatusSchema) },
      },
    },
    async () => procedures.list(),
  );

  app.post(
    ROUTES.procedures,
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Create a procedure and wait (bounded) for its activation',
        tags: ['procedures'],
        body: createProcedureBodySchema,
        response: { 200: procedureStatusSchema, ...errors },
      },
    },
    async (request) => {
      const user = userOf(request);
      if (context.closing()) throw new ServerClosingError('the server is shutting down');
      if (!context.labLockHeld()) {
        throw new LabLockedError(
          `the lab is locked by ${context.labLockHolder() ?? 'someone else'}: no procedure can run on this server until it is released`,
        );
      }
      if (!sessions.get(request.body.session, user)) {
        throw new RemoteNotFoundError(
          `no event-stream session "${request.body.session}" for this token: open the event stream first (${ROUTES.events})`,
        );
      }
      const status = procedures.create(
        request.body.session,
        user,
        request.body.name,
        request.body.acquisitionTimeoutMs,
      );
      await audit.record(user, 'procedure.create', request.body.name, { id: status.id });
      return procedures.waitActive(status.id, user, request.body.waitMs ?? DEFAULT_WAIT_MS);
    },
  );

  app.get(
    '/api/procedures/:id/activation',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Wait (bounded) for the activation of a procedure',
        tags: ['procedures'],
        params: procedureParamsSchema,
        querystring: activationQuerySchema,
        response: { 200: procedureStatusSchema, ...errors },
      },
    },
    async (request) =>
      procedures.waitActive(
        request.params.id,
        userOf(request),
        request.query.waitMs ?? DEFAULT_WAIT_MS,
      ),
  );

  app.post(
    '/api/procedures/:id/sequences',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Start a sequence in an active procedure (returns at once)',
        tags: ['procedures'],
        params: procedureParamsSchema,
        body: startSequenceBodySchema,
        response: { 202: z.object({ run: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      procedures.start(request.params.id, user, request.body);
      await audit.record(user, 'sequence.start', request.body.sequence, {
        procedure: request.params.id,
        run: request.body.run,
        globals: request.body.globals !== undefined,
        deviceConfigurations: request.body.deviceConfigurations?.map((d) => d.name),
      });
      return reply.code(202).send({ run: request.body.run });
    },
  );

  app.get(
    '/api/procedures/:id/runs/:run',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'How a run of a procedure ended',
        tags: ['procedures'],
        params: runParamsSchema,
        response: { 200: runStatusSchema, ...errors },
      },
    },
    async (request) => procedures.runStatus(request.params.id, userOf(request), request.params.run),
  );

  app.post(
    '/api/procedures/:id/interrupt',
    {
      config: { scope: 'run' },
      schema: {
        summary: "Interrupt the procedure's running sequence",
        tags: ['procedures'],
        params: procedureParamsSchema,
        response: { 200: interruptResponseSchema, ...errors },
      },
    },
    async (request) => {
      const user = userOf(request);
      const interrupted = procedures.interrupt(request.params.id, user);
      await audit.record(user, 'sequence.interrupt', request.params.id, { interrupted });
      return { interrupted };
    },
  );

  app.post(
    '/api/procedures/:id/deactivate',
    {
      config: { scope: 'run' },
      schema: {
        summary: 'Leave a procedure (after its running sequence)',
        tags: ['procedures'],
        params: procedureParamsSchema,
        response: { 200: z.object({}), ...errors },
      },
    },
    async (request) => {
      const user = userOf(request);
      await procedures.deactivate(request.params.id, user);
      await audit.record(user, 'procedure.leave', request.params.id);
      return {};
    },
  );

  app.post(
    ROUTES.interruptActive,
    {
      config: { scope: 'run' },
      schema: {
        summary: "Interrupt the sequence of the lab's active procedure, whoever's",
        tags: ['procedures'],
        response: { 200: interruptResponseSchema },
      },
    },
    async (request) => {
      const interrupted = context.manager.interruptRunningProcedure();
      await audit.record(userOf(request), 'procedure.interrupt-active', null, { interrupted });
      return { interrupted };
    },
  );
};
