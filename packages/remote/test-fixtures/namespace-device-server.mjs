// A device server for the network-namespace tests, started inside the server's namespace with
// `ip netns exec` (as `shotline device-server` would run on another PC): the testing plugin's
// devices, the built @shotline/remote, JSON log lines on stdout. Its settings come as JSON in the
// environment variable SHOTLINE_TEST_DEVICE_SERVER.
import { readFileSync } from 'node:fs';
import { DeviceRegistry } from '@shotline/core';
import { DeviceServer } from '@shotline/remote';
import { testingPlugin } from '@shotline/testing';

const settings = JSON.parse(process.env.SHOTLINE_TEST_DEVICE_SERVER ?? '{}');
const registry = new DeviceRegistry();
await registry.use(testingPlugin);
const server = await DeviceServer.start({
  name: settings.name,
  registry,
  listen: settings.listen,
  allow: settings.allow,
  managers: [{ name: 'lab', token: settings.token }],
  tls: { cert: readFileSync(settings.cert), key: readFileSync(settings.key) },
  ...(settings.maxLeaseMs ? { maxLeaseMs: settings.maxLeaseMs } : {}),
  logger: (entry) => console.log(JSON.stringify(entry)),
});
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
