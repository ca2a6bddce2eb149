import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** Where a running server of a lab folder says where it listens. */
export function serverFilePath(labDir: string): string {
  return join(labDir, '.shotline', 'server.json');
}

/** What `.shotline/server.json` holds (never a token). */
export const serverFileSchema = z.object({
  url: z.url(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
});

/** The content of a server file. */
export type ServerFile = z.infer<typeof serverFileSchema>;

/** Writes the server file of a lab folder (the command line finds the server through it). */
export async function writeServerFile(labDir: string, url: string): Promise<void> {
  const file = serverFilePath(labDir);
  await mkdir(dirname(file), { recursive: true });
  const content: ServerFile = {
    url,
    host: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
}

/** Removes the server file if it is this process's. */
export async function removeServerFile(labDir: string): Promise<void> {
  const found = await readServerFile(labDir);
  if (found && found.pid === process.pid && found.host === hostname()) {
    await rm(serverFilePath(labDir), { force: true });
  }
}

/** The server file of a lab folder, if there is a readable one. */
export async function readServerFile(labDir: string): Promise<ServerFile | undefined> {
  try {
    const parsed = serverFileSchema.safeParse(
      JSON.parse(await readFile(serverFilePath(labDir), 'utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
