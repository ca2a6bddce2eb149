import { z } from 'zod';

/** A JSON-RPC 2.0 request, as the Pulse Streamer's server receives it. */
export const jsonRpcRequestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string(),
  params: z.array(z.unknown()).default([]),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
});

/** A JSON-RPC 2.0 request. */
export type JsonRpcRequest = z.infer<typeof jsonRpcRequestSchema>;

/** A JSON-RPC 2.0 response: a result or an error. */
export const jsonRpcResponseSchema = z.union([
  z.object({
    jsonrpc: z.literal('2.0'),
    result: z.unknown(),
    id: z.union([z.number(), z.string(), z.null()]),
  }),
  z.object({
    jsonrpc: z.literal('2.0'),
    error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }),
    id: z.union([z.number(), z.string(), z.null()]),
  }),
]);

/** A JSON-RPC 2.0 response. */
export type JsonRpcResponse = z.infer<typeof jsonRpcResponseSchema>;

/** Standard JSON-RPC error codes. */
export const JSON_RPC_ERRORS = Object.freeze({
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
});
