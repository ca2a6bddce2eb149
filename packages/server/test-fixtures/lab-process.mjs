// Another process on a SQLite lab, for the lab-lock tests (as a user's script would load the
// packages: their built dist files).
//   node lab-process.mjs <file> run    runs the sequence \b as `shotline run` does (its engine takes
//                                      the storage's locks); prints "running" once it runs
//   node lab-process.mjs <file> serve  starts a lab server on the lab; prints its URL
// Then it waits to be killed.
import { ExperimentManager } from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { createSimulatedLab } from '@shotline/testing';
import { LabServer } from '@shotline/server';

const [file, mode] = process.argv.slice(2);
const storage = await openSqliteStorage(file);
const lab = await createSimulatedLab({ storage, record: false });
if (mode === 'run') {
  const manager = await ExperimentManager.create({
    storage,
    registry: lab.registry,
    label: 'shotline run \\b',
  });
  manager.events.on('sequence-state', (e) => {
    if (e.state === 'running') console.log('running');
  });
  await manager.createProcedure('cli').run((p) => p.runSequence('\\b'));
} else {
  const server = await LabServer.create({
    storage,
    registry: lab.registry,
    logger: false,
    label: 'shotline serve (other process)',
  });
  console.log(await server.listen({ host: '127.0.0.1', port: 0 }));
}
setInterval(() => undefined, 60_000);
