import {
  type DataLabel,
  type DataValue,
  type JsonValue,
  type SequencePath,
  type StoredShots,
  ok,
} from '@shotline/core';
import type { LabClient } from '@shotline/server/client';

/**
 * The stored shots of a lab read through its server, as `openSequence` reads a storage: what
 * `shotline export` uses while a server owns the lab. Each array arrives as one binary frame; the
 * server's errors (no such sequence or shot, a damaged chunk file) are thrown as the typed errors
 * they were on the server.
 */
export function serverStoredShots(client: LabClient): StoredShots {
  return {
    shotIndices: async (path: SequencePath) => ok(await client.shotIndices(path.toString())),
    getShot: async (path: SequencePath, index: number) => {
      const shot = await client.shot(path.toString(), index);
      const labels = [...Object.keys(shot.data), ...shot.arrays.map((a) => a.label)].sort();
      return ok({
        index: shot.index,
        parameters: shot.parameters as Record<string, JsonValue>,
        startTime: new Date(shot.startTime),
        endTime: new Date(shot.endTime),
        timing: (shot.timing ?? null) as JsonValue,
        labels,
      });
    },
    getShotData: async (path: SequencePath, index: number, label: DataLabel) =>
      ok(await client.shotData(path.toString(), index, label)),
    getAllShotData: async (path: SequencePath, index: number) => {
      const shot = await client.shot(path.toString(), index);
      const data: Record<DataLabel, DataValue> = { ...(shot.data as Record<string, DataValue>) };
      for (const { label } of shot.arrays) {
        data[label] = await client.shotData(path.toString(), index, label);
      }
      return ok(data);
    },
    readShotTable: async (path: SequencePath) => ok(await client.shotTable(path.toString())),
  };
}
