import {
  RequestValidationError,
  ShotlineError,
  summarizeError,
  withoutStacks,
} from '@shotline/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { httpStatusOf } from './error-status.js';

/** Where a validation issue is, e.g. `body.deviceConfigurations.0.name`. */
function issuePlace(context: string | undefined, instancePath: string): string {
  const where = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [context ?? 'request', where].filter(Boolean).join('.');
}

/** The error (and HTTP status) a failed request answers with. */
export function requestError(
  error: unknown,
  request: FastifyRequest,
): { status: number; error: Error } {
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation
      .map(
        (issue) => `${issuePlace(error.validationContext, issue.instancePath)}: ${issue.message}`,
      )
      .join('; ');
    return {
      status: 400,
      error: new RequestValidationError(`invalid request to ${route}: ${issues}`, {
        location: { resource: route },
      }),
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (
    !(error instanceof ShotlineError) &&
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode < 500
  ) {
    const detail =
      fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'the request body is larger than this server accepts'
        : fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? `the request body is not valid JSON (${fastifyError.message ?? ''})`
          : (fastifyError.message ?? 'bad request');
    return {
      status: fastifyError.statusCode,
      error: new RequestValidationError(`invalid request to ${route}: ${detail}`, {
        location: { resource: route },
      }),
    };
  }
  const status = httpStatusOf(error);
  return { status, error: error instanceof Error ? error : new Error(String(error)) };
}

/** Fastify's error handler: every error as `{ error: WireError }` (never a stack trace). */
export function handleRequestError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, error: answer } = requestError(error, request);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: (answer as { code?: string }).code, status }, answer.message);
  return reply
    .code(status)
    .type('application/json')
    .send({ error: withoutStacks(summarizeError(answer, { stack: false })) });
}
