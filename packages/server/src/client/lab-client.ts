import {
  type DataValue,
  EventStream,
  NDArray,
  PROCEDURE_ROUTES,
  type ParameterNamespaceJson,
  ServerConnection,
  ShotlineEventBus,
  type ShotlineEventType,
  type ShotTable,
  errorClassesOf,
  webSocketImplementation,
} from '@shotline/core';
import { z } from 'zod';
import {
  DTYPE_HEADER,
  LAB_ROUTES,
  SHAPE_HEADER,
  deviceConfigurationSchema,
  deviceTypeSchema,
  globalsSchema,
  pauseAnswerSchema,
  resumeAnswerSchema,
  sequenceDetailSchema,
  sequenceEventJsonSchema,
  sequenceSummarySchema,
  shotIndicesSchema,
  shotSchema,
  shotTableSchema,
} from '../api/lab-api.js';
import { QUEUE_ROUTES, type QueuedRunJson, queuedRunSchema } from '../api/queue-api.js';
import type { QueuedRunOptions } from '../queue/queue-options.js';

/** A sequence as the server describes it. */
export type SequenceDetail = z.infer<typeof sequenceDetailSchema>;
/** A sequence in a listing. */
export type SequenceSummary = z.infer<typeof sequenceSummarySchema>;
/** A stored shot as the server describes it: parameters, structured data, its arrays' layout. */
export type ShotJson = z.infer<typeof shotSchema>;
/** A default device configuration. */
export type DeviceConfigurationJson = z.infer<typeof deviceConfigurationSchema>;

/** The events of the lab, as a client receives them. */
export interface LabEventFeed {
  readonly events: ShotlineEventBus;
  close(): void;
}

/**
 * A client of the lab server's routes (the queue, sequences, shots, globals, devices) for the
 * command line and other programs; the Procedure API is `ExperimentManager.connect` in core.
 * Errors are the server's typed `ShotlineError`s.
 */
export class LabClient {
  private constructor(
    private readonly connection: ServerConnection,
    private readonly token: string,
  ) {}

  /** A client of the server at `url` with a token (checked by the first request). */
  static async connect(url: string, token: string): Promise<LabClient> {
    const core = (await import('@shotline/core')) as unknown as Record<string, unknown>;
    return new LabClient(new ServerConnection(url, token, errorClassesOf(core)), token);
  }

  /** `http://host:port`. */
  get url(): string {
    return this.connection.origin;
  }

  /** Opens the event stream; events arrive on the returned bus, in order, resumed after drops. */
  async followEvents(): Promise<LabEventFeed> {
    const events = new ShotlineEventBus();
    const stream = await EventStream.open({
      url: this.connection.webSocketUrl(PROCEDURE_ROUTES.events),
      token: this.token,
      WebSocket: await webSocketImplementation(),
      onMessage: (message) => {
        if (message.kind === 'event') events.emit(message.event);
      },
      wants: (type) => events.hasListeners(type as ShotlineEventType),
    });
    return { events, close: () => stream.close() };
  }

  // ---- queue ---------------------------------------------------------------------------------

  submitRun(sequence: string, options: QueuedRunOptions = {}): Promise<QueuedRunJson> {
    return this.connection.request({
      method: 'POST',
      path: QUEUE_ROUTES.queue,
      body: { sequence, ...options },
      response: queuedRunSchema,
    });
  }

  queuedRun(id: string): Promise<QueuedRunJson> {
    return this.connection.request({
      method: 'GET',
      path: QUEUE_ROUTES.run(id),
      response: queuedRunSchema,
    });
  }

  async interruptRun(id: string): Promise<boolean> {
    const answer = await this.connection.request({
      method: 'POST',
      path: QUEUE_ROUTES.interrupt(id),
      response: z.object({ interrupted: z.boolean() }),
    });
    return answer.interrupted;
  }

  cancelRun(id: string): Promise<QueuedRunJson> {
    return this.connection.request({
      method: 'DELETE',
      path: QUEUE_ROUTES.run(id),
      response: queuedRunSchema,
    });
  }

  // ---- sequences -----------------------------------------------------------------------------

  sequences(under?: string): Promise<SequenceSummary[]> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.sequences,
      query: { under },
      response: z.array(sequenceSummarySchema),
    });
  }

  sequence(path: string): Promise<SequenceDetail> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.sequence,
      query: { path },
      response: sequenceDetailSchema,
    });
  }

  createSequence(
    path: string,
    definition: { iteration: unknown; timeLanes: unknown; suspenders?: unknown[] },
  ): Promise<SequenceDetail> {
    return this.connection.request({
      method: 'POST',
      path: LAB_ROUTES.sequence,
      query: { path },
      body: definition,
      response: sequenceDetailSchema,
    });
  }

  editSequence(
    path: string,
    definition: { iteration: unknown; timeLanes: unknown; suspenders?: unknown[] },
  ): Promise<SequenceDetail> {
    return this.connection.request({
      method: 'PUT',
      path: LAB_ROUTES.sequence,
      query: { path },
      body: definition,
      response: sequenceDetailSchema,
    });
  }

  /**
   * Pauses a running sequence at the next shot boundary; resolves once it is PAUSED (or ended, or
   * after `waitMs`, default 30 s), with where it paused.
   */
  pauseSequence(
    path: string,
    options: { waitMs?: number } = {},
  ): Promise<z.infer<typeof pauseAnswerSchema>> {
    return this.connection.request({
      method: 'POST',
      path: LAB_ROUTES.pause,
      query: { path, ...(options.waitMs !== undefined ? { waitMs: String(options.waitMs) } : {}) },
      response: pauseAnswerSchema,
    });
  }

  /** Asks a PAUSED sequence to resume at its next shot (once no suspender holds it). */
  resumeSequence(
    path: string,
    options: { reloadGlobals?: boolean } = {},
  ): Promise<z.infer<typeof resumeAnswerSchema>> {
    return this.connection.request({
      method: 'POST',
      path: LAB_ROUTES.resume,
      query: { path },
      body: { reloadGlobals: options.reloadGlobals === true },
      response: resumeAnswerSchema,
    });
  }

  /** The stored events of a run (pauses, resumes, suspender trips, continuations), after `after`. */
  sequenceEvents(path: string, after = 0): Promise<z.infer<typeof sequenceEventJsonSchema>[]> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.events,
      query: { path, after: String(after) },
      response: z.array(sequenceEventJsonSchema),
    });
  }

  resetSequence(path: string): Promise<SequenceDetail> {
    return this.connection.request({
      method: 'POST',
      path: LAB_ROUTES.reset,
      query: { path },
      response: sequenceDetailSchema,
    });
  }

  duplicateSequence(source: string, destination: string): Promise<SequenceDetail> {
    return this.connection.request({
      method: 'POST',
      path: LAB_ROUTES.duplicate,
      body: { source, destination },
      response: sequenceDetailSchema,
    });
  }

  async deleteSequence(path: string, recursive: boolean): Promise<void> {
    await this.connection.request({
      method: 'DELETE',
      path: LAB_ROUTES.sequence,
      query: { path, recursive: String(recursive) },
      response: z.object({ deleted: z.string() }),
    });
  }

  /** The indices of the stored shots of a sequence, ascending. */
  async shotIndices(path: string): Promise<number[]> {
    const answer = await this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.shots,
      query: { path },
      response: shotIndicesSchema,
    });
    return answer.indices;
  }

  /** One stored shot: parameters, structured data, the labels, dtypes and shapes of its arrays. */
  shot(path: string, index: number): Promise<ShotJson> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.shot,
      query: { path, index },
      response: shotSchema,
    });
  }

  /**
   * One datum of a stored shot: an array arrives as one binary frame (its bytes, dtype and shape in
   * headers) and is returned as an NDArray over those bytes; other data as the JSON value.
   */
  async shotData(path: string, index: number, label: string): Promise<DataValue> {
    const { bytes, headers } = await this.connection.requestBytes({
      method: 'GET',
      path: LAB_ROUTES.shotData,
      query: { path, index, label },
    });
    const dtype = headers.get(DTYPE_HEADER);
    const shape = headers.get(SHAPE_HEADER);
    if (dtype === null || shape === null) {
      return JSON.parse(new TextDecoder().decode(bytes)) as DataValue;
    }
    const dims = z.array(z.number().int().min(0)).parse(JSON.parse(shape));
    return NDArray.fromBytes(dtype as NDArray['dtype'], dims, bytes);
  }

  /** Every shot of a sequence as columns, as `SessionStorage.readShotTable` gives them. */
  async shotTable(path: string): Promise<ShotTable> {
    const json = await this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.shotTable,
      query: { path },
      response: shotTableSchema,
    });
    return {
      index: Uint32Array.from(json.index),
      startTime: Float64Array.from(json.startTime),
      endTime: Float64Array.from(json.endTime),
      parameters: json.parameters as ShotTable['parameters'],
      data: json.data as ShotTable['data'],
    };
  }

  // ---- settings ------------------------------------------------------------------------------

  async globals(): Promise<ParameterNamespaceJson> {
    return (
      await this.connection.request({
        method: 'GET',
        path: LAB_ROUTES.globals,
        response: globalsSchema,
      })
    ).globals;
  }

  async setGlobals(globals: ParameterNamespaceJson): Promise<ParameterNamespaceJson> {
    return (
      await this.connection.request({
        method: 'PUT',
        path: LAB_ROUTES.globals,
        body: { globals },
        response: globalsSchema,
      })
    ).globals;
  }

  devices(): Promise<DeviceConfigurationJson[]> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.devices,
      response: z.array(deviceConfigurationSchema),
    });
  }

  device(name: string): Promise<DeviceConfigurationJson> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.device,
      query: { name },
      response: deviceConfigurationSchema,
    });
  }

  setDevice(name: string, type: string, configuration: unknown): Promise<DeviceConfigurationJson> {
    return this.connection.request({
      method: 'PUT',
      path: LAB_ROUTES.device,
      query: { name },
      body: { type, configuration },
      response: deviceConfigurationSchema,
    });
  }

  deviceTypes(): Promise<z.infer<typeof deviceTypeSchema>[]> {
    return this.connection.request({
      method: 'GET',
      path: LAB_ROUTES.deviceTypes,
      response: z.array(deviceTypeSchema),
    });
  }

  async removeDevice(name: string): Promise<void> {
    await this.connection.request({
      method: 'DELETE',
      path: LAB_ROUTES.device,
      query: { name },
      response: z.object({ deleted: z.string() }),
    });
  }
}
