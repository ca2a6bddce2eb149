import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The user's saved server tokens: `$XDG_CONFIG_HOME/shotline/tokens.json` (mode 0600). */
export function credentialsFile(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'shotline', 'tokens.json');
}

async function readAll(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(credentialsFile(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The token saved for a lab folder, if any. */
export async function savedToken(labDir: string): Promise<string | undefined> {
  return (await readAll())[resolve(labDir)];
}

/** Saves a token for a lab folder, readable by this user only. */
export async function saveToken(labDir: string, token: string): Promise<string> {
  const file = credentialsFile();
  const all = await readAll();
  all[resolve(labDir)] = token;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
