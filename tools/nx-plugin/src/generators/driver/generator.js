// @ts-check
// The `driver` generator: `npx nx g @shotline/tools:driver <name>` scaffolds a shotline device plugin
// package (marker, peer dependency on core, tsconfigs, vitest, plugin entry, a device extension
// talking to a loopback simulator, the conformance kit, README). Plain ESM JavaScript so that it
// runs right after `npm install`, without a build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import devkit from '@nx/devkit';

const { formatFiles, generateFiles, joinPathFragments, names, updateJson } = devkit;

/**
 * @typedef {object} DriverGeneratorOptions
 * @property {string} name  kebab-case package folder and base name
 * @property {string} [importPath]  npm package name, default `@shotline/<name>`
 * @property {string} [typeTag]  device type tag, default `shotline.<name>`
 * @property {string} [label]  human-readable device type name
 * @property {string} [directory]  folder holding the packages, default `packages`
 */

/**
 * @typedef {object} DriverNames
 * @property {string} name
 * @property {string} className
 * @property {string} propertyName
 * @property {string} constantName
 * @property {string} importPath
 * @property {string} typeTag
 * @property {string} label
 * @property {string} projectRoot
 */

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Checks the options and derives every name the templates use.
 * @param {DriverGeneratorOptions} options
 * @returns {DriverNames}
 */
export function driverNames(options) {
  const name = String(options.name ?? '');
  if (!NAME.test(name)) {
    throw new Error(
      `invalid driver name "${name}": use kebab-case letters and digits, e.g. "fancy-laser"`,
    );
  }
  const n = names(name);
  const label =
    options.label ??
    name
      .split('-')
      .map((w, i) => (i === 0 ? w[0].toUpperCase() + w.slice(1) : w))
      .join(' ');
  return {
    name,
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    importPath: options.importPath ?? `@shotline/${name}`,
    typeTag: options.typeTag ?? `shotline.${name}`,
    label,
    projectRoot: joinPathFragments(options.directory ?? 'packages', name),
  };
}

/**
 * Scaffolds the package into the tree.
 * @param {import('@nx/devkit').Tree} tree
 * @param {DriverGeneratorOptions} options
 */
export async function driverGenerator(tree, options) {
  const driver = driverNames(options);
  if (tree.exists(joinPathFragments(driver.projectRoot, 'package.json'))) {
    throw new Error(`${driver.projectRoot} already holds a package`);
  }
  const templates = join(dirname(fileURLToPath(import.meta.url)), 'files');
  generateFiles(tree, templates, driver.projectRoot, { ...driver, tmpl: '' });
  // Register the package where the workspace lists its packages (when those files exist).
  if (tree.exists('tsconfig.json')) {
    updateJson(tree, 'tsconfig.json', (json) => {
      const references = (json.references ??= []);
      const path = `./${driver.projectRoot}`;
      if (!references.some((/** @type {{path: string}} */ r) => r.path === path)) {
        references.push({ path });
      }
      return json;
    });
  }
  if (tree.exists('.changeset/config.json') && driver.importPath.startsWith('@shotline/')) {
    updateJson(tree, '.changeset/config.json', (json) => {
      const group = json.fixed?.[0];
      if (Array.isArray(group) && !group.includes(driver.importPath)) group.push(driver.importPath);
      return json;
    });
  }
  // Prettier with the workspace's settings, when the workspace has prettier.
  await formatFiles(tree);
  return () => {
    console.log(
      `\n${driver.importPath} created in ${driver.projectRoot}.\n` +
        `Next: npm install && npx nx test ${driver.importPath}\n`,
    );
  };
}

export default driverGenerator;
