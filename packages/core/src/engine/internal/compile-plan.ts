import type { DeviceRegistry } from '../../plugins/index.js';
import type { WorkerPlugin } from './compile-protocol.js';
import { runnableModuleUrl } from './runnable-module-url.js';
import type { SequenceCompilation } from './sequence-compilation.js';

/** Where shots of a sequence are compiled. */
export type CompilePlan =
  | {
      readonly kind: 'workers';
      readonly workers: number;
      readonly workerUrl: string;
      readonly plugins: WorkerPlugin[];
    }
  | { readonly kind: 'main'; readonly reason: string | undefined };

/** URL of the compile worker entry in core's built dist, if it exists. */
export function compileWorkerUrl(): string | undefined {
  return runnableModuleUrl(new URL('./compile-worker.js', import.meta.url));
}

/**
 * Decides whether shots can compile in worker threads: every plugin providing a used device type or
 * a used lane type must be loadable there (it has a module URL that plain Node can import). If one is
 * not (e.g. registered explicitly without `moduleUrl`), the whole sequence compiles on the main
 * thread, and `reason` says why.
 */
export function planCompilation(
  compilation: SequenceCompilation,
  registry: DeviceRegistry,
  requestedWorkers: number,
): CompilePlan {
  if (requestedWorkers === 0) return { kind: 'main', reason: undefined };
  const workerUrl = compileWorkerUrl();
  if (!workerUrl) {
    return {
      kind: 'main',
      reason: "the compile worker entry of @shotline/core's dist was not found (is core built?)",
    };
  }
  const plugins = new Map<string, WorkerPlugin>();
  const need = (
    what: string,
    provider: ReturnType<DeviceRegistry['providerOf']>,
  ): string | undefined => {
    if (!provider) return `${what} was registered by the application, not by a plugin`;
    if (plugins.has(provider.name)) return undefined;
    if (!provider.moduleUrl) {
      return `${what} comes from plugin ${provider.name}, which was registered without a moduleUrl`;
    }
    const url = runnableModuleUrl(provider.moduleUrl);
    if (!url) {
      return `${what} comes from plugin ${provider.name}, whose module ${provider.moduleUrl} cannot be loaded in a worker (no built JavaScript)`;
    }
    plugins.set(provider.name, {
      name: provider.name,
      ...(provider.version === undefined ? {} : { version: provider.version }),
      moduleUrl: url,
    });
    return undefined;
  };
  for (const name of compilation.compilers.keys()) {
    const { type, configuration } = compilation.context.deviceConfiguration(name);
    const reason = need(`device "${name}" (type "${type}")`, registry.providerOf(type));
    if (reason) return { kind: 'main', reason };
    for (const other of registry.findExtension(type)?.compilerDependencies?.(configuration) ?? []) {
      const why = need(`device "${name}" (compiled as "${other}")`, registry.providerOf(other));
      if (why) return { kind: 'main', reason: why };
    }
  }
  for (const [lane, definition] of compilation.timeLanes.lanes) {
    if (['digital', 'analog', 'camera'].includes(definition.type)) continue;
    const reason = need(
      `lane "${lane}" (type "${definition.type}")`,
      registry.laneTypeProvider(definition.type),
    );
    if (reason) return { kind: 'main', reason };
  }
  return { kind: 'workers', workers: requestedWorkers, workerUrl, plugins: [...plugins.values()] };
}
