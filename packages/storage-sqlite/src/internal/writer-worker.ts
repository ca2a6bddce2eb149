// Entry of the SQLite writer worker: owns the write connection, so commits and fsyncs never block
// the main thread (where shots are timed). The connection never checkpoints: a checkpointer worker
// started here copies the WAL into the database meanwhile, and the writer waits only when the WAL
// has reached its limit (see background-checkpointer.ts). Consecutive shot writes that queue up
// while a transaction runs are committed together (group commit), each in its own savepoint, so
// each request still applies completely or not at all. Of @shotline/core it loads only the
// dependency-free storage rules.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import type { StorageOutcome as Outcome } from '@shotline/core';
import { storageSuccess as success } from '@shotline/core/storage-rules';
import { BackgroundCheckpointer } from './background-checkpointer.js';
import { withChunkFiles } from './chunks/chunk-aware-write.js';
import { ChunkWriter } from './chunks/chunk-writer.js';
import { openConnection } from './connection.js';
import { DiskReserve } from './disk-reserve.js';
import { isDiskFull } from './sqlite-codes.js';
import { SessionDatabase, type WriteOperation } from './session-database.js';
import {
  type WriterInit,
  type WriterReply,
  type WriterRequest,
  describeThrown,
} from './writer-protocol.js';

const port = parentPort as MessagePort;
const init = workerData as WriterInit;

interface Writer {
  database: SessionDatabase;
  checkpointer: BackgroundCheckpointer;
  chunks: ChunkWriter | undefined;
}

function start(): Writer | undefined {
  try {
    const connection = openConnection(init.file, init.settings, 'writer');
    const database = new SessionDatabase(connection, init.policy);
    const chunks = init.chunks && new ChunkWriter(connection, init.chunks);
    const checkpointer = new BackgroundCheckpointer(
      connection,
      init.file,
      init.settings,
      init.checkpoints,
    );
    port.postMessage({ id: 0, outcome: success(undefined) } satisfies WriterReply);
    return { database, checkpointer, chunks };
  } catch (e) {
    port.postMessage({ id: 0, thrown: describeThrown(e) } satisfies WriterReply);
    return undefined;
  }
}

const started = start();
const database = started?.database;
const checkpointer = started?.checkpointer;
const chunks = started?.chunks;
let closed = started === undefined;

function execute(op: WriteOperation, args: unknown[]): Outcome<unknown> {
  const method = database![op].bind(database) as (...a: unknown[]) => Outcome<unknown>;
  return method(...args);
}

/** The array buffers of a shot write, which go back to the main thread to be filled again. */
function arrayBuffers(request: WriterRequest): ArrayBuffer[] {
  if (request.op !== 'createShots') return [];
  const shots = request.args[1] as { arrays: { bytes: Uint8Array }[] }[];
  return shots.flatMap((shot) => shot.arrays.map((a) => a.bytes.buffer as ArrayBuffer));
}

const reserve = new DiskReserve(init.file);

/**
 * The disk is full: stop all checkpointing (a copy into the database would take the room), then
 * free the reserve, so that the next small write (how the run ended) finds room in the WAL.
 */
function onDiskFull(): void {
  checkpointer?.haltForDiskFull();
  reserve.release();
}

const outbox: WriterReply[] = [];
const outboxBuffers: ArrayBuffer[] = [];

/**
 * Answers a request with an outcome or what was thrown, handing its array buffers back. Answers
 * wait in the outbox until {@link flush}, so a group commit is answered in one message.
 */
function send(request: WriterRequest, result: Outcome<unknown> | { thrown: unknown }): void {
  if ('thrown' in result && isDiskFull(result.thrown)) onDiskFull();
  const recycled = arrayBuffers(request);
  const answer =
    'thrown' in result
      ? { id: request.id, thrown: describeThrown(result.thrown) }
      : { id: request.id, outcome: result };
  outbox.push({ ...answer, recycled });
  outboxBuffers.push(...recycled);
}

/** Posts the answers waiting in the outbox. */
function flush(): void {
  if (outbox.length === 0) return;
  port.postMessage(outbox.length === 1 ? outbox[0] : [...outbox], [...outboxBuffers]);
  outbox.length = 0;
  outboxBuffers.length = 0;
}

/** Runs `run` and answers `request` with its outcome. */
function reply(request: WriterRequest, run: () => Outcome<unknown>): void {
  let result: Outcome<unknown> | { thrown: unknown };
  try {
    result = run();
  } catch (e) {
    result = { thrown: e };
  }
  send(request, result);
}

/** Runs one transaction: first waits for room in the WAL, then wakes the checkpointer. */
function transaction<T>(run: () => T): T {
  checkpointer!.waitForRoom();
  try {
    return run();
  } finally {
    checkpointer!.committed();
  }
}

/** Closes the connection, lets the checkpointer copy what is left, then ends the worker. */
async function close(id: number): Promise<void> {
  let message: WriterReply;
  try {
    chunks?.close();
    database!.db.close();
    await checkpointer!.close();
    message = { id, outcome: success(undefined) };
  } catch (e) {
    message = { id, thrown: describeThrown(e) };
  }
  port.postMessage(message);
  port.close();
}

function handle(batch: WriterRequest[]): void {
  let i = 0;
  while (i < batch.length) {
    flush();
    const request = batch[i]!;
    if (closed) {
      send(request, { thrown: new Error('the SQLite storage is closed') });
      i++;
      continue;
    }
    if (request.op === 'close') {
      closed = true;
      void close(request.id);
      i++;
      continue;
    }
    if (request.op === 'checkpointStats') {
      reply(request, () => success(checkpointer!.stats()));
      i++;
      continue;
    }
    if (request.op !== 'createShots') {
      reply(request, () =>
        withChunkFiles(chunks, request.op, request.args, () =>
          transaction(() => execute(request.op, request.args)),
        ),
      );
      i++;
      continue;
    }
    let end = i + 1;
    while (end < batch.length && end - i < init.maxGroup && batch[end]!.op === 'createShots') end++;
    const group = batch.slice(i, end) as { id: number; op: 'createShots'; args: unknown[] }[];
    i = end;
    if (group.length === 1) {
      const args = group[0]!.args;
      reply(group[0]!, () =>
        withChunkFiles(chunks, 'createShots', args, () =>
          transaction(() => execute('createShots', args)),
        ),
      );
      continue;
    }
    let results: (Outcome<unknown> | { thrown: unknown })[];
    try {
      const run = () =>
        transaction(() => database!.group(group.map((r) => () => execute('createShots', r.args))));
      results = chunks
        ? chunks.storingShots(
            group.map((r) => r.args),
            run,
          )
        : run();
    } catch (e) {
      for (const r of group) send(r, { thrown: e });
      continue;
    }
    group.forEach((r, k) => send(r, results[k]!));
  }
  flush();
}

port.on('message', (first: WriterRequest) => {
  const batch = [first];
  for (;;) {
    const next = receiveMessageOnPort(port);
    if (next === undefined) break;
    batch.push(next.message as WriterRequest);
  }
  handle(batch);
});
