// tsyringe needs the Reflect metadata polyfill before it is imported.
import 'reflect-metadata';
import { container as tsyringeRoot, type DependencyContainer } from 'tsyringe';

// Drivers import these from @shotline/core, never from tsyringe, so a lab has exactly one tsyringe
// (core's) and one container hierarchy.
export {
  inject,
  injectable,
  injectAll,
  singleton,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe';

/** Token under which every registered {@link DeviceExtension} is available (`resolveAll`). */
export const DEVICE_EXTENSION_TOKEN: unique symbol = Symbol.for('shotline.DeviceExtension');

/** Token of the {@link DeviceRegistry} that owns a container. */
export const DEVICE_REGISTRY_TOKEN: unique symbol = Symbol.for('shotline.DeviceRegistry');

/**
 * Token of the {@link ShotlineEventBus} of the lab, for drivers that report progress or warnings.
 * Registered by the experiment manager; optional in compile workers.
 */
export const EVENT_BUS_TOKEN: unique symbol = Symbol.for('shotline.EventBus');

/**
 * A new container for one lab (or one test): a child of tsyringe's root container, so nothing
 * registered in it leaks to other labs or tests in the same process.
 */
export function createShotlineContainer(parent?: DependencyContainer): DependencyContainer {
  return (parent ?? tsyringeRoot).createChildContainer();
}
