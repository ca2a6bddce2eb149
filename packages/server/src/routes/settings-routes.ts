import { ParameterNamespace, errorResponseSchema, parseDeviceConfiguration } from '@shotline/core';
import { z } from 'zod';
import {
  LAB_ROUTES,
  auditEntrySchema,
  auditQuerySchema,
  deviceBodySchema,
  deviceConfigurationSchema,
  deviceQuerySchema,
  deviceTypeSchema,
  globalsSchema,
} from '../api/lab-api.js';
import { auditEntryJson } from './json-forms.js';
import { type RoutePlugin, userOf } from './route-plugin.js';

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

/** The lab's globals, default device configurations, device types and audit log. */
export const settingsRoutes: RoutePlugin = async (app, { context }) => {
  const { session, registry, audit, storage } = context;

  app.get(
    LAB_ROUTES.globals,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The global parameters',
        tags: ['globals'],
        response: { 200: globalsSchema },
      },
    },
    async () => ({ globals: (await session.globals()).toJSON() }),
  );

  app.put(
    LAB_ROUTES.globals,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Replace the global parameters (expressions are checked)',
        tags: ['globals'],
        body: globalsSchema.strict(),
        response: { 200: globalsSchema, ...errors },
      },
    },
    async (request) => {
      const globals = ParameterNamespace.fromJSON(request.body.globals);
      await session.setGlobals(globals);
      await audit.record(userOf(request), 'globals.set', null, { globals: request.body.globals });
      return { globals: (await session.globals()).toJSON() };
    },
  );

  app.get(
    LAB_ROUTES.devices,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The default device configurations',
        tags: ['devices'],
        response: { 200: z.array(deviceConfigurationSchema) },
      },
    },
    async () => storage.listDeviceConfigurations(),
  );

  app.get(
    LAB_ROUTES.device,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One default device configuration',
        tags: ['devices'],
        querystring: deviceQuerySchema,
        response: { 200: deviceConfigurationSchema, ...errors },
      },
    },
    async (request) => (await storage.getDeviceConfiguration(request.query.name)).unwrap(),
  );

  app.put(
    LAB_ROUTES.device,
    {
      config: { scope: 'edit' },
      schema: {
        summary: "Add or replace a device configuration (validated by its type's schema)",
        tags: ['devices'],
        querystring: deviceQuerySchema,
        body: deviceBodySchema,
        response: { 200: deviceConfigurationSchema, ...errors },
      },
    },
    async (request) => {
      const configuration = { name: request.query.name, ...request.body };
      parseDeviceConfiguration(registry, configuration);
      await session.setDeviceConfiguration(configuration);
      await audit.record(userOf(request), 'device.set', request.query.name, request.body);
      return (await storage.getDeviceConfiguration(request.query.name)).unwrap();
    },
  );

  app.delete(
    LAB_ROUTES.device,
    {
      config: { scope: 'edit' },
      schema: {
        summary: 'Remove a device',
        tags: ['devices'],
        querystring: deviceQuerySchema,
        response: { 200: z.object({ deleted: z.string() }), ...errors },
      },
    },
    async (request) => {
      await session.deleteDeviceConfiguration(request.query.name);
      await audit.record(userOf(request), 'device.remove', request.query.name);
      return { deleted: request.query.name };
    },
  );

  app.get(
    LAB_ROUTES.deviceTypes,
    {
      config: { scope: 'read' },
      schema: {
        summary: "The device types of the server's plugins",
        tags: ['devices'],
        response: { 200: z.array(deviceTypeSchema) },
      },
    },
    async () =>
      registry.extensions().map((e) => ({
        type: e.type,
        label: e.label,
        defaultConfiguration: e.defaultConfiguration() as unknown,
      })),
  );

  app.get(
    LAB_ROUTES.audit,
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'The audit log: who changed what, when (admin tokens only)',
        tags: ['audit'],
        querystring: auditQuerySchema,
        response: { 200: z.array(auditEntrySchema) },
      },
    },
    async (request) =>
      (
        await storage.readAuditLog({
          ...(request.query.after !== undefined ? { afterId: request.query.after } : {}),
          ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        })
      ).map(auditEntryJson),
  );
};
