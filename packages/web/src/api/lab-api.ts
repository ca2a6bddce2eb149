import type { QueuedRunOptions } from '@shotline/server/client';
import { ApiError, ConnectionLostError } from './api-error.js';
import type {
  CheckResult,
  DefinitionJson,
  DeviceConfigurationJson,
  DeviceFormJson,
  DeviceTypeJson,
  QueuedRunJson,
  SequenceDetail,
  SequenceSummary,
  ShotArray,
  ShotJson,
  ShotTableJson,
  TreeNode,
  VersionedDefinition,
} from './api-types.js';

const q = encodeURIComponent;

/**
 * The page's client of the lab server's HTTP API: every call carries the user's token; an error
 * answer becomes an {@link ApiError} with the server's typed error (code, located message).
 */
export class LabApi {
  constructor(
    readonly token: string,
    /** The server's origin; the page's own by default. */
    readonly origin = '',
  ) {}

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      throw new ConnectionLostError(cause);
    }
    if (!response.ok) {
      const text = await response.text();
      let wire: ApiError['wire'];
      try {
        wire = (JSON.parse(text) as { error: ApiError['wire'] }).error;
      } catch {
        wire = {
          type: 'HttpError',
          message: `${response.status} ${text.slice(0, 200)}`,
          recoverable: true,
        };
      }
      throw new ApiError(response.status, wire);
    }
    return response;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, body)).json()) as T;
  }

  // ---- sequences and folders -----------------------------------------------------------------

  sequences(): Promise<SequenceSummary[]> {
    return this.json('GET', '/api/sequences');
  }
  tree(): Promise<TreeNode[]> {
    return this.json('GET', '/api/tree');
  }
  sequence(path: string): Promise<SequenceDetail> {
    return this.json('GET', `/api/sequence?path=${q(path)}`);
  }
  createSequence(path: string, definition: DefinitionJson): Promise<SequenceDetail> {
    return this.json('POST', `/api/sequence?path=${q(path)}`, definition);
  }
  createFolder(path: string): Promise<{ created: string[] }> {
    return this.json('POST', `/api/folder?path=${q(path)}`);
  }
  duplicate(source: string, destination: string): Promise<SequenceDetail> {
    return this.json('POST', '/api/sequence/duplicate', { source, destination });
  }
  move(source: string, destination: string): Promise<{ source: string; destination: string }> {
    return this.json('POST', '/api/sequence/move', { source, destination });
  }
  deletePath(path: string, recursive: boolean): Promise<{ deleted: string }> {
    return this.json('DELETE', `/api/sequence?path=${q(path)}&recursive=${String(recursive)}`);
  }
  reset(path: string): Promise<SequenceDetail> {
    return this.json('POST', `/api/sequence/reset?path=${q(path)}`);
  }
  definition(path: string): Promise<VersionedDefinition> {
    return this.json('GET', `/api/sequence/definition?path=${q(path)}`);
  }
  saveDefinition(
    path: string,
    version: string,
    definition: DefinitionJson,
  ): Promise<VersionedDefinition> {
    return this.json('PUT', `/api/sequence/definition?path=${q(path)}`, { version, ...definition });
  }
  check(definition: DefinitionJson): Promise<CheckResult> {
    return this.json('POST', '/api/sequence/check', definition);
  }

  // ---- queue ---------------------------------------------------------------------------------

  queue(all = false): Promise<QueuedRunJson[]> {
    return this.json('GET', `/api/queue${all ? '?all=true' : ''}`);
  }
  submit(sequence: string, options: QueuedRunOptions = {}): Promise<QueuedRunJson> {
    return this.json('POST', '/api/queue', { sequence, ...options });
  }
  interrupt(id: string): Promise<QueuedRunJson> {
    return this.json('POST', `/api/queue/${q(id)}/interrupt`);
  }
  cancel(id: string): Promise<QueuedRunJson> {
    return this.json('DELETE', `/api/queue/${q(id)}`);
  }

  // ---- shots ---------------------------------------------------------------------------------

  shotIndices(path: string): Promise<{ indices: number[] }> {
    return this.json('GET', `/api/shots?path=${q(path)}`);
  }
  shot(path: string, index: number): Promise<ShotJson> {
    return this.json('GET', `/api/shot?path=${q(path)}&index=${index}`);
  }
  shotTable(path: string): Promise<ShotTableJson> {
    return this.json('GET', `/api/shot-table?path=${q(path)}`);
  }
  /** An array of a shot (a camera picture): its bytes, dtype and shape. */
  async shotArray(path: string, index: number, label: string): Promise<ShotArray> {
    const response = await this.send(
      'GET',
      `/api/shot/data?path=${q(path)}&index=${index}&label=${q(label)}`,
    );
    const dtype = response.headers.get('x-shotline-dtype') ?? 'unknown';
    const shape = JSON.parse(response.headers.get('x-shotline-shape') ?? '[]') as number[];
    return { dtype, shape, bytes: await response.arrayBuffer() };
  }

  // ---- lab settings --------------------------------------------------------------------------

  globals(): Promise<{ globals: GlobalsJson }> {
    return this.json('GET', '/api/globals');
  }
  setGlobals(globals: GlobalsJson): Promise<{ globals: GlobalsJson }> {
    return this.json('PUT', '/api/globals', { globals });
  }
  devices(): Promise<DeviceConfigurationJson[]> {
    return this.json('GET', '/api/devices');
  }
  deviceTypes(): Promise<DeviceTypeJson[]> {
    return this.json('GET', '/api/device-types');
  }
  /** A device type's configuration form: JSON Schema (from its zod schema) and defaults. */
  deviceForm(type: string): Promise<DeviceFormJson> {
    return this.json('GET', `/api/device-type/schema?type=${q(type)}`);
  }
  setDevice(name: string, type: string, configuration: unknown): Promise<DeviceConfigurationJson> {
    return this.json('PUT', `/api/device?name=${q(name)}`, { type, configuration });
  }
}

/** The globals' JSON: `[name, expression | nested]` entries, in order. */
export type GlobalsJson = [string, string | GlobalsJson][];
