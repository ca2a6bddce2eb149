import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../command-context.js';
import { CliUsageError, LabConfigError } from '../cli-errors.js';
import { SourceDocument, displayPath } from '../input/source-document.js';
import { LAB_CONFIG_FILE, labConfigSchema, labConfigText } from '../lab/lab-config.js';
import { openStorage, parseStorageUrl } from '../lab/storage-url.js';

/** Options of `shotline init`. */
export interface InitOptions {
  readonly storage?: string;
  /** Comma-separated plugin packages to allow. */
  readonly allow?: string;
}

/** What `shotline init` created. */
export interface InitResult {
  readonly dir: string;
  readonly config: string;
  readonly storage: string;
}

/**
 * Creates a lab folder with a `shotline.yaml` and initialises its storage (the SQLite file is
 * created). Refuses an existing lab; on bad input nothing is written.
 */
export async function initLab(dirArgument: string, options: InitOptions): Promise<InitResult> {
  const dir = resolve(dirArgument);
  const configFile = join(dir, LAB_CONFIG_FILE);
  if (existsSync(configFile)) {
    throw new CliUsageError(`${displayPath(configFile)} already exists: this folder is a lab`, {
      location: { file: displayPath(configFile) },
    });
  }
  const allow = options.allow
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const text = labConfigText({
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
    ...(allow ? { allow } : {}),
  });
  // Validate what will be written exactly as it will be read back.
  const config = SourceDocument.parse(text, displayPath(configFile), LabConfigError).validate(
    labConfigSchema,
    LabConfigError,
  );
  const target = parseStorageUrl(config.storage, dir, displayPath(configFile));
  const created = !existsSync(dir);
  await mkdir(dir, { recursive: true });
  try {
    const storage = await openStorage(target);
    const location = storage.location;
    await storage.close();
    await writeFile(configFile, text, { flag: 'wx' });
    return { dir, config: configFile, storage: location };
  } catch (e) {
    if (created) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** `shotline init [dir]`. */
export async function initCommand(
  context: CommandContext,
  dir: string,
  options: InitOptions,
): Promise<void> {
  const result = await initLab(dir, options);
  context.output.result(result, () => [
    `created lab ${displayPath(result.dir)}`,
    `  configuration: ${displayPath(result.config)}`,
    `  storage:       ${result.storage}`,
    '',
    'next:',
    `  shotline --lab ${displayPath(result.dir)} devices`,
    `  shotline --lab ${displayPath(result.dir)} device add <name> --type <type tag>`,
  ]);
}
