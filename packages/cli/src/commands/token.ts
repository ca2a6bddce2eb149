import type { CommandContext } from '../command-context.js';
import { withLab } from '../command-context.js';
import { CliUsageError } from '../cli-errors.js';
import { saveToken } from '../client/credentials.js';

/**
 * `shotline token create <user> [--scope read,run,edit,admin] [--save]`: a token for the lab's
 * server. The lab keeps only a salted key derived from it; the token is printed once (with `--save`,
 * also kept for this user in `~/.config/shotline/tokens.json`, mode 0600, where the command line
 * finds it).
 */
export async function tokenCreateCommand(
  context: CommandContext,
  user: string,
  options: { scope?: string; save?: boolean },
): Promise<void> {
  const { createApiToken, SCOPES } = await import('@shotline/server');
  const scopes = (options.scope ?? 'read,run,edit').split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new CliUsageError(`unknown scope ${unknown.join(', ')}: use ${SCOPES.join(', ')}`);
  }
  await withLab(
    context,
    async (lab) => {
      const created = await createApiToken(lab.storage, user, scopes as (typeof SCOPES)[number][]);
      const saved = options.save ? await saveToken(lab.location.dir, created.token) : undefined;
      context.output.result(
        {
          user: created.user,
          id: created.id,
          scopes: created.scopes,
          token: created.token,
          savedIn: saved ?? null,
        },
        () => [
          created.token,
          `token for "${created.user}" (scopes ${created.scopes.join(', ')}): shown once; the lab keeps only a salted hash`,
          ...(saved
            ? [`saved for this lab in ${saved}`]
            : ['use it as SHOTLINE_TOKEN, or pass --save to keep it for this lab']),
        ],
      );
    },
    { plugins: false },
  );
}
