#!/usr/bin/env node
// Scaffolds a workspace package skeleton (used once per package when it is introduced).
// Usage: node tools/scripts/new-package.mjs <dir> <npm-name> "<description>" [--plugin] [--deps a,b]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description, ...rest] = process.argv.slice(2);
const plugin = rest.includes('--plugin');
const depsArg = rest[rest.indexOf('--deps') + 1];
const internalDeps = rest.includes('--deps') ? depsArg.split(',').filter(Boolean) : [];
const root = join('packages', dir);
if (existsSync(join(root, 'package.json'))) throw new Error(`${root} exists`);
mkdirSync(join(root, 'src'), { recursive: true });

const pkg = {
  name,
  version: '0.1.0',
  description,
  type: 'module',
  license: 'MIT',
  engines: { node: '>=20.19' },
  exports: {
    '.': {
      '@shotline/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
      default: './dist/index.js',
    },
    './package.json': './package.json',
  },
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  scripts: {
    test: 'vitest run',
    lint: 'eslint src',
    'format-check': 'prettier --check src',
  },
  dependencies: {},
};
if (plugin) {
  pkg.exports['./plugin'] = {
    '@shotline/source': './src/plugin.ts',
    types: './dist/plugin.d.ts',
    import: './dist/plugin.js',
    default: './dist/plugin.js',
  };
  pkg.shotline = { plugin: './dist/plugin.js', apiVersion: 1 };
  pkg.keywords = ['shotline', 'shotline-plugin'];
  pkg.nx = { targets: { test: { dependsOn: ['build', '^build'] } } };
}
const peer = {};
const dev = {};
for (const d of internalDeps) {
  if (d === '@shotline/core' && plugin) {
    peer[d] = '>=0.1.0 <1';
    dev[d] = '0.1.0';
  } else pkg.dependencies[d] = '0.1.0';
}
if (Object.keys(peer).length) pkg.peerDependencies = peer;
if (Object.keys(dev).length) pkg.devDependencies = dev;
writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

const refs = internalDeps.map((d) => ({
  path: `../${d.replace('@shotline/', '')}/tsconfig.lib.json`,
}));
writeFileSync(
  join(root, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      files: [],
      include: [],
      references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(root, 'tsconfig.lib.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo',
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test-helper.ts'],
      references: refs,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(root, 'tsconfig.spec.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        outDir: './out-tsc/spec',
        tsBuildInfoFile: './out-tsc/spec/tsconfig.spec.tsbuildinfo',
        types: ['node', 'vitest/globals'],
      },
      include: ['src/**/*.spec.ts', 'src/**/*.test-helper.ts', 'vitest.config.ts'],
      references: [{ path: './tsconfig.lib.json' }, ...refs],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(root, 'vitest.config.ts'),
  `import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run against the TypeScript sources of sibling packages (no build needed);
  // worker threads and discovered plugins load the built dist files.
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
`,
);
writeFileSync(join(root, 'src', 'index.ts'), `// Public API of ${name}.\nexport {};\n`);
console.log(`created ${root}`);
