// Entry of the SQLite checkpointer worker, started by the writer worker: owns one connection that
// only copies the WAL into the database (see checkpointer.ts), so the writer never checkpoints.
// Talks to the writer through shared memory only; loads no @shotline/core code.
import { workerData } from 'node:worker_threads';
import { CheckpointSignals } from './checkpoint-signals.js';
import { type CheckpointPolicy, runCheckpointer } from './checkpointer.js';
import { type ConnectionSettings, openConnection } from './connection.js';
import { WalIndex } from './wal-index.js';

/** `workerData` of the checkpointer worker. */
export interface CheckpointerInit {
  file: string;
  settings: ConnectionSettings;
  policy: CheckpointPolicy;
  signals: SharedArrayBuffer;
}

const init = workerData as CheckpointerInit;
const signals = new CheckpointSignals(init.signals);
try {
  const db = openConnection(init.file, init.settings, 'checkpointer');
  const index = new WalIndex(init.file);
  try {
    runCheckpointer(db, index, signals, init.policy);
  } finally {
    index.close();
    db.close();
  }
} finally {
  // A failure still ends up as the worker's 'error' event; the writer stops waiting for it now.
  signals.markEnded();
}
