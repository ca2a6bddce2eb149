import { NDArray, SequencePath, errorResponseSchema } from '@shotline/core';
import {
  DTYPE_HEADER,
  LAB_ROUTES,
  SHAPE_HEADER,
  sequencePathQuerySchema,
  shotDataQuerySchema,
  shotIndicesSchema,
  shotQuerySchema,
  shotSchema,
  shotTableSchema,
} from '../api/lab-api.js';
import type { RoutePlugin } from './route-plugin.js';

const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };

/**
 * Shot data by sequence and index: the parameters and structured data as JSON, each array as a
 * binary frame (`application/octet-stream`, C-order little-endian bytes, with its dtype and shape
 * in headers), and every shot of a sequence as columns for export.
 */
export const shotRoutes: RoutePlugin = async (app, { context }) => {
  const { storage, session } = context;

  app.get(
    LAB_ROUTES.shots,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'The indices of the stored shots of a sequence',
        tags: ['shots'],
        querystring: sequencePathQuerySchema,
        response: { 200: shotIndicesSchema, ...errors },
      },
    },
    async (request) => ({
      indices: await session.shotIndices(SequencePath.parse(request.query.path)),
    }),
  );

  app.get(
    LAB_ROUTES.shot,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One shot: parameters, structured data, the arrays it has, timing',
        tags: ['shots'],
        querystring: shotQuerySchema,
        response: { 200: shotSchema, ...errors },
      },
    },
    async (request) => {
      const path = SequencePath.parse(request.query.path);
      const shot = (await storage.getShot(path, request.query.index)).unwrap();
      const all = (await storage.getAllShotData(path, request.query.index)).unwrap();
      const data: Record<string, unknown> = {};
      const arrays: { label: string; dtype: string; shape: number[] }[] = [];
      for (const [label, value] of Object.entries(all)) {
        if (value instanceof NDArray)
          arrays.push({ label, dtype: value.dtype, shape: [...value.shape] });
        else data[label] = value;
      }
      return {
        index: shot.index,
        startTime: shot.startTime.toISOString(),
        endTime: shot.endTime.toISOString(),
        parameters: shot.parameters as Record<string, unknown>,
        data,
        arrays,
        timing: shot.timing,
      };
    },
  );

  app.get(
    LAB_ROUTES.shotData,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One datum of a shot: an array as bytes (dtype and shape in headers), else JSON',
        tags: ['shots'],
        querystring: shotDataQuerySchema,
      },
    },
    async (request, reply) => {
      const path = SequencePath.parse(request.query.path);
      const value = (
        await storage.getShotData(path, request.query.index, request.query.label)
      ).unwrap();
      if (value instanceof NDArray) {
        return reply
          .header(DTYPE_HEADER, value.dtype)
          .header(SHAPE_HEADER, JSON.stringify(value.shape))
          .type('application/octet-stream')
          .send(Buffer.from(value.bytes()));
      }
      return reply.type('application/json').send(JSON.stringify(value));
    },
  );

  app.get(
    LAB_ROUTES.shotTable,
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Every shot of a sequence as columns (parameters and scalar data)',
        tags: ['shots'],
        querystring: sequencePathQuerySchema,
        response: { 200: shotTableSchema, ...errors },
      },
    },
    async (request) => {
      const table = (await storage.readShotTable(SequencePath.parse(request.query.path))).unwrap();
      return {
        index: [...table.index],
        startTime: [...table.startTime],
        endTime: [...table.endTime],
        parameters: table.parameters,
        data: table.data,
      };
    },
  );
};
