import {
  DeviceRegistry,
  ExperimentManager,
  ExperimentSession,
  NDArray,
  SequencePath,
} from '@shotline/core';
import {
  MemorySessionStorage,
  simulatedDevice,
  countingScan,
  testingPlugin,
} from '@shotline/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RemoteServers } from '../client/remote-servers.js';
import { REMOTE_DEVICE_TYPE } from '../client/remote-device-type.js';
import { remotePlugin } from '../plugin.js';
import { startTestDeviceServer, testCertificates } from '../testing/remote-lab.test-helper.js';

let certs: Awaited<ReturnType<typeof testCertificates>>;
beforeAll(async () => {
  certs = await testCertificates();
}, 60_000);
afterAll(() => certs.dispose());

async function managerLab(servers: RemoteServers) {
  const registry = new DeviceRegistry();
  await registry.use(testingPlugin);
  await registry.use(remotePlugin);
  servers.registerIn(registry.container);
  const storage = new MemorySessionStorage();
  const session = new ExperimentSession(storage, registry);
  return { registry, storage, session };
}

describe('a device server over TLS on loopback', () => {
  it('describes itself: name, protocol, device types with their plugin versions', async () => {
    const test = await startTestDeviceServer(certs.certs);
    try {
      const description = await test.connect().describe();
      expect(description.serverName).toBe('test-pc');
      expect(description.manager).toBe('lab-pc');
      const producer = description.deviceTypes.find(
        (t) => t.type === 'shotline.testing.data-producer',
      );
      expect(producer).toMatchObject({ plugin: '@shotline/testing', pluginVersion: '0.1.0' });
    } finally {
      await test.close();
    }
  }, 30_000);

  it('runs a sequence whose devices are remote and local: barrier, data exchange both ways, images stored', async () => {
    const test = await startTestDeviceServer(certs.certs);
    const servers = new RemoteServers([test.options()]);
    const { registry, storage, session } = await managerLab(servers);
    try {
      const remote = (name: string, inner: { type: string; configuration: unknown }) => ({
        name,
        type: REMOTE_DEVICE_TYPE,
        configuration: { server: 'test-pc', type: inner.type, configuration: inner.configuration },
      });
      // camera (remote) signals an image; a local waiter waits for it; a remote waiter waits for
      // the local producer's value.
      await session.setDeviceConfiguration(
        remote('camera', simulatedDevice.producer('x', { width: 32, height: 16 })),
      );
      await session.setDeviceConfiguration(
        simulatedDevice.waiter('analysis', { waitFor: ['camera\\image'] }),
      );
      await session.setDeviceConfiguration(
        simulatedDevice.producer('probe', { kind: 'value', label: 'power' }),
      );
      await session.setDeviceConfiguration(
        remote('monitor', simulatedDevice.waiter('x', { waitFor: ['probe\\power'] })),
      );
      await session.createSequence('\\remote', countingScan(5));
      // Each remote device runs its shots on one stream (not one per shot).
      const streams = vi.spyOn(servers.connection('test-pc'), 'runShot');
      const manager = await ExperimentManager.create({ storage, registry });
      try {
        await manager.createProcedure('remote').run((p) => p.runSequence('\\remote'));
      } finally {
        await manager.close();
      }
      expect(await session.state('\\remote')).toBe('finished');
      expect(await session.shotIndices('\\remote')).toEqual([0, 1, 2, 3, 4]);
      expect(streams).toHaveBeenCalledTimes(2);
      const data = (await storage.getAllShotData(SequencePath.parse('\\remote'), 3)).unwrap();
      const image = data['camera\\image'];
      expect(image).toBeInstanceOf(NDArray);
      expect((image as NDArray).shape).toEqual([16, 32]);
      expect((image as NDArray).data[0]).toBe(3);
      expect(data['probe\\power']).toBe(3);
      // Every device opened on the server was closed there.
      expect(test.server.openDevices).toBe(0);
      const opened = test.logs.filter((l) => l.msg === 'device opened').length;
      const closed = test.logs.filter((l) => l.msg === 'device closed').length;
      expect(opened).toBe(2);
      expect(closed).toBe(2);
    } finally {
      servers.close();
      await test.close();
    }
  }, 60_000);
});
