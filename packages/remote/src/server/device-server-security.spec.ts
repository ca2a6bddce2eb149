import { readFileSync } from 'node:fs';
import { NDArray } from '@shotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteDevice } from '../client/remote-device.js';
import {
  DeviceTypeNotAllowedError,
  PluginVersionMismatchError,
  RemoteAuthenticationError,
  RemoteMessageTooLargeError,
  RemoteServerLostError,
} from '../remote-errors.js';
import { startTestDeviceServer, testCertificates } from '../testing/remote-lab.test-helper.js';

let certs: Awaited<ReturnType<typeof testCertificates>>;
beforeAll(async () => {
  certs = await testCertificates();
}, 60_000);
afterAll(() => certs.dispose());

const producer = 'shotline.testing.data-producer';

describe('device server security', () => {
  it('refuses a call without a token, and logs it without any secret', async () => {
    const test = await startTestDeviceServer(certs.certs);
    try {
      const error = await test
        .connect({ token: '' })
        .describe()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteAuthenticationError);
      expect((error as Error).message).toContain('device server "test-pc"');
      expect(test.logs.some((l) => l.msg === 'refused: a call without a bearer token')).toBe(true);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses a wrong token, and never logs the token it got', async () => {
    const test = await startTestDeviceServer(certs.certs);
    try {
      const error = await test
        .connect({ token: 'guessed-token-42' })
        .describe()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteAuthenticationError);
      expect(test.logs.some((l) => l.msg === 'refused: a call with an unknown bearer token')).toBe(
        true,
      );
      expect(JSON.stringify(test.logs)).not.toContain('guessed-token-42');
      expect(JSON.stringify(test.logs)).not.toContain(test.token);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses a client certificate from another CA, and a client without one, when it requires them', async () => {
    const test = await startTestDeviceServer(certs.certs, { requireClientCertificates: true });
    try {
      expect((await test.connect().describe()).manager).toBe('lab-pc');
      const intruder = certs.other.clients.intruder!;
      const wrong = await test
        .connect({
          clientCert: readFileSync(intruder.cert),
          clientKey: readFileSync(intruder.key),
          callTimeoutMs: 3000,
        })
        .describe()
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(RemoteServerLostError);
      const none = await test
        .connect({ clientCert: undefined, clientKey: undefined, callTimeoutMs: 3000 })
        .describe()
        .catch((e: unknown) => e);
      expect(none).toBeInstanceOf(RemoteServerLostError);
      await expect
        .poll(
          () =>
            test.logs.filter((l) => String(l.msg).startsWith('refused: TLS handshake failed'))
              .length,
          { timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(2);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('is not trusted by a manager that does not trust its certificate', async () => {
    const test = await startTestDeviceServer(certs.certs);
    try {
      const error = await test
        .connect({ ca: readFileSync(certs.other.caCert), callTimeoutMs: 3000 })
        .describe()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteServerLostError);
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses a device type that is not on its allow-list, naming it and what it hosts', async () => {
    const test = await startTestDeviceServer(certs.certs, { allow: [producer] });
    try {
      const connection = test.connect();
      const device = new RemoteDevice({
        server: 'test-pc',
        connection: () => connection,
        deviceName: 'x',
        type: 'shotline.testing.slow',
        initParameters: { openMs: 0 },
      });
      const error = await device.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceTypeNotAllowedError);
      expect((error as Error).message).toContain(
        '"shotline.testing.slow" is not hosted here (not on the allow-list; hosted: shotline.testing.data-producer)',
      );
      expect((error as Error).message).toContain('device "x"');
      expect(
        test.logs.some((l) =>
          String(l.msg).startsWith(
            'refused: device server "test-pc" refused: device type "shotline.testing.slow"',
          ),
        ),
      ).toBe(true);
      expect(test.server.openDevices).toBe(0);
    } finally {
      await test.close();
    }
  }, 30_000);

  it("refuses a device whose plugin version differs from the manager's, naming both versions", async () => {
    const test = await startTestDeviceServer(certs.certs);
    try {
      const connection = test.connect();
      const device = new RemoteDevice({
        server: 'test-pc',
        connection: () => connection,
        deviceName: 'cam',
        type: producer,
        plugin: { name: '@shotline/testing', version: '0.2.0' },
        initParameters: {},
      });
      const error = await device.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PluginVersionMismatchError);
      expect((error as Error).message).toContain(
        '@shotline/testing 0.2.0 on the manager and from @shotline/testing 0.1.0 on this server',
      );
    } finally {
      await test.close();
    }
  }, 30_000);

  it('refuses a message above its size limit and stays usable', async () => {
    const test = await startTestDeviceServer(certs.certs, {
      server: { maxMessageBytes: 64 * 1024 },
    });
    try {
      // This manager would send more than the server accepts.
      const connection = test.connect({ maxMessageBytes: 1024 * 1024 });
      const device = new RemoteDevice({
        server: 'test-pc',
        connection: () => connection,
        deviceName: 'big',
        type: producer,
        initParameters: { blob: NDArray.zeros('uint8', [200 * 1024]) },
      });
      const error = await device.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteMessageTooLargeError);
      expect((error as Error).message).toContain('device server "test-pc"');
      await expect
        .poll(() => test.logs.some((l) => String(l.msg).includes('above the limit of 65536 bytes')))
        .toBe(true);
      expect(test.server.openDevices).toBe(0);
      expect((await connection.describe()).serverName).toBe('test-pc');
    } finally {
      await test.close();
    }
  }, 30_000);
});
