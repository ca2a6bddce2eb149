import { readFileSync } from 'node:fs';
import { DeviceRegistry, pluginFromModule } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import * as pluginModule from './plugin.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string; shotline: { plugin: string; apiVersion: number } };

describe('the @shotline/serial plugin', () => {
  it('is the default export of the module the package marker names', () => {
    expect(packageJson.shotline).toEqual({ plugin: './dist/plugin.js', apiVersion: 1 });
    const plugin = pluginFromModule(pluginModule);
    expect(plugin).toMatchObject({ name: packageJson.name, version: packageJson.version });
    expect(plugin?.moduleUrl).toMatch(/plugin\.(ts|js)$/);
  });

  it('registers the ELL14 device type', async () => {
    const registry = new DeviceRegistry();
    const registered = await registry.use(pluginModule.default);
    expect(registered.deviceTypes).toEqual(['shotline.serial.ell14']);
    expect(registry.extension('shotline.serial.ell14').label).toBe(
      'Thorlabs Elliptec ELL14 rotation mount',
    );
  });
});
