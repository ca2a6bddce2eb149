import type { PluginLoadReport, DeviceRegistry } from '@shotline/core';
import { MissingDevicePluginError } from '../cli-errors.js';
import { oneLine } from '../output/output.js';

/**
 * The package that probably provides a type tag, from the naming convention of shotline's own
 * packages (`shotline.camera.simulated` comes from `@shotline/camera`), or undefined.
 */
export function likelyPackage(type: string): string | undefined {
  const match = /^shotline\.([a-z0-9-]+)(?:\.|$)/.exec(type);
  return match ? `@shotline/${match[1]}` : undefined;
}

/**
 * The error for a device whose type no loaded plugin provides: names the device, the type, the
 * package to install, and why that package did not load when it is installed but broken.
 */
export function missingDevicePlugin(
  device: string,
  type: string,
  registry: DeviceRegistry,
  report: PluginLoadReport,
): MissingDevicePluginError {
  const pkg = likelyPackage(type);
  const broken = report.failed.find((f) => f.packageName === pkg);
  const ignored = report.ignored.find((i) => i.packageName === pkg);
  const known = registry
    .extensions()
    .map((e) => e.type)
    .sort();
  let advice: string;
  if (broken)
    advice = `the plugin ${pkg} is installed but failed to load: ${oneLine(broken.error.message)}`;
  else if (ignored)
    advice = `the plugin ${pkg} is installed but not in the lab's plugins.allow list`;
  else if (pkg) advice = `install the package that provides it: npm install ${pkg}`;
  else advice = 'install the plugin package that provides it';
  return new MissingDevicePluginError(
    `no loaded plugin provides device type "${type}"; ${advice} (loaded types: ${known.join(', ') || 'none'})`,
    { location: { device, ...(pkg ? { plugin: pkg } : {}) } },
  );
}
