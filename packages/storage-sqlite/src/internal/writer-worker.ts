// Entry of the SQLite writer worker: owns the write connection, so commits, fsyncs and WAL
// checkpoints never block the main thread (where shots are timed). Consecutive shot writes that
// queue up while a transaction runs are committed together (group commit), each in its own
// savepoint, so each request still applies completely or not at all. Loads no @shotline/core code.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import { openConnection } from './connection.js';
import { SessionDatabase, type WriteOperation } from './session-database.js';
import { type Outcome, success } from './storage-failure.js';
import {
  type WriterInit,
  type WriterReply,
  type WriterRequest,
  describeThrown,
} from './writer-protocol.js';

const port = parentPort as MessagePort;
const init = workerData as WriterInit;

function start(): SessionDatabase | undefined {
  try {
    const database = new SessionDatabase(openConnection(init.file, init.settings), init.policy);
    port.postMessage({ id: 0, outcome: success(undefined) } satisfies WriterReply);
    return database;
  } catch (e) {
    port.postMessage({ id: 0, thrown: describeThrown(e) } satisfies WriterReply);
    return undefined;
  }
}

const database = start();
let closed = database === undefined;

function execute(op: WriteOperation, args: unknown[]): Outcome<unknown> {
  const method = database![op].bind(database) as (...a: unknown[]) => Outcome<unknown>;
  return method(...args);
}

function reply(id: number, run: () => Outcome<unknown>): void {
  let message: WriterReply;
  try {
    message = { id, outcome: run() };
  } catch (e) {
    message = { id, thrown: describeThrown(e) };
  }
  port.postMessage(message);
}

function handle(batch: WriterRequest[]): void {
  let i = 0;
  while (i < batch.length) {
    const request = batch[i]!;
    if (closed) {
      port.postMessage({
        id: request.id,
        thrown: { name: 'Error', message: 'the SQLite storage is closed' },
      } satisfies WriterReply);
      i++;
      continue;
    }
    if (request.op === 'close') {
      closed = true;
      reply(request.id, () => {
        database!.db.close();
        return success(undefined);
      });
      port.close();
      i++;
      continue;
    }
    if (request.op !== 'createShots') {
      reply(request.id, () => execute(request.op, request.args));
      i++;
      continue;
    }
    let end = i + 1;
    while (end < batch.length && end - i < init.maxGroup && batch[end]!.op === 'createShots') end++;
    const group = batch.slice(i, end) as { id: number; op: 'createShots'; args: unknown[] }[];
    i = end;
    if (group.length === 1) {
      reply(group[0]!.id, () => execute('createShots', group[0]!.args));
      continue;
    }
    let results: (Outcome<unknown> | { thrown: unknown })[];
    try {
      results = database!.group(group.map((r) => () => execute('createShots', r.args)));
    } catch (e) {
      const thrown = describeThrown(e);
      for (const r of group) port.postMessage({ id: r.id, thrown } satisfies WriterReply);
      continue;
    }
    group.forEach((r, k) => {
      const result = results[k]!;
      port.postMessage(
        ('thrown' in result
          ? { id: r.id, thrown: describeThrown(result.thrown) }
          : { id: r.id, outcome: result }) satisfies WriterReply,
      );
    });
  }
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
