import { errorResponseSchema, RemoteNotFoundError } from '@shotline/core';
import { z } from 'zod';
import {
  DEVICE_FORM_ROUTE,
  deviceFormSchema,
  deviceTypeQuerySchema,
} from '../api/device-form-api.js';
import type { RoutePlugin } from './route-plugin.js';

/**
 * A device type's configuration as JSON Schema, generated from the zod schema its plugin declares,
 * so that a client (the web control room) draws the configuration form of any plugin without code
 * of its own for it. What a form sends is still validated by the zod schema (`PUT /api/device`).
 */
export const deviceFormRoutes: RoutePlugin = async (app, { context }) => {
  app.get(
    DEVICE_FORM_ROUTE,
    {
      config: { scope: 'read' },
      schema: {
        summary: "A device type's configuration form: JSON Schema and default configuration",
        tags: ['devices'],
        querystring: deviceTypeQuerySchema,
        response: { 200: deviceFormSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const extension = context.registry.extensions().find((e) => e.type === request.query.type);
      if (!extension) {
        throw new RemoteNotFoundError(
          `no device type "${request.query.type}" among the server's plugins (${context.registry
            .extensions()
            .map((e) => e.type)
            .join(', ')})`,
        );
      }
      return {
        type: extension.type,
        label: extension.label,
        schema: z.toJSONSchema(extension.configurationSchema, {
          io: 'input',
          unrepresentable: 'any',
        }),
        defaultConfiguration: extension.defaultConfiguration() as unknown,
      };
    },
  );
};
