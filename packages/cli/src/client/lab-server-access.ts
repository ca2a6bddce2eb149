import { hostname } from 'node:os';
import { processExists } from '@shotline/core';
import type { LabClient } from '@shotline/server/client';
import { CliUsageError } from '../cli-errors.js';
import type { CommandContext } from '../command-context.js';
import { locateLab } from '../lab/lab.js';
import { savedToken } from './credentials.js';

/**
 * The server that owns the lab, when one runs: `--server <url>` (or `SHOTLINE_SERVER`), else the
 * server named by the lab folder's `.shotline/server.json` if its process is alive. Then `run`,
 * `seq`, `globals`, `device` and `export` go through it. The token comes from `SHOTLINE_TOKEN`, or
 * the one saved for the lab with `shotline token create <user> --save`.
 */
export async function labServerFor(context: CommandContext): Promise<LabClient | undefined> {
  const explicit = context.serverOption ?? process.env.SHOTLINE_SERVER;
  let url = explicit && explicit !== '' ? explicit : undefined;
  let labDir: string | undefined;
  if (url === undefined) {
    let location;
    try {
      location = locateLab(context.labOption);
    } catch {
      return undefined; // no lab folder: the command reports that itself
    }
    labDir = location.dir;
    // The client entry of the server package has no Fastify: cheap to load.
    const { readServerFile } = await import('@shotline/server/client');
    const file = await readServerFile(labDir);
    if (!file) return undefined;
    if (file.host === hostname() && !processExists(file.pid)) return undefined; // left by a dead server
    url = file.url;
  }
  const token = process.env.SHOTLINE_TOKEN || (labDir ? await savedToken(labDir) : undefined);
  if (!token) {
    throw new CliUsageError(
      `a shotline server owns this lab (${url}): commands go through it and need a token; set SHOTLINE_TOKEN, or run "shotline token create <your name> --save" in the lab`,
      { location: { resource: url } },
    );
  }
  const { LabClient } = await import('@shotline/server/client');
  return LabClient.connect(url, token);
}
