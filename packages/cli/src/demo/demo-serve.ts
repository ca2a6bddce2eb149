import type { CommandContext } from '../command-context.js';
import { startServe } from '../commands/serve.js';
import { shellQuotedPath } from '../input/sequence-path-arg.js';
import { displayPath } from '../input/source-document.js';
import type { Lab } from '../lab/lab.js';
import { DEMO_SEQUENCE_PATH } from './demo-lab.js';

/**
 * `shotline demo --serve`: the demo lab with its server instead of a local run. Prints the URL and a
 * token (with the `run` and `edit` scopes; `read` included), and the commands and script to try;
 * runs until SIGTERM or Ctrl-C.
 */
export async function serveDemo(
  context: CommandContext,
  lab: Lab,
  listen: string | undefined,
  shotline: string,
): Promise<void> {
  const { createApiToken } = await import('@shotline/server');
  const running = await startServe(
    lab,
    { listen: listen ?? '127.0.0.1:8765', logLevel: 'warn' },
    (line) => context.output.notice(line),
  );
  const { token } = await createApiToken(lab.storage, 'demo', ['read', 'run', 'edit']);
  const quoted = shellQuotedPath(DEMO_SEQUENCE_PATH);
  const lines = [
    '',
    `URL:   ${running.url}`,
    `token: ${token}`,
    `lab:   ${displayPath(lab.location.dir)}`,
    '',
    'try, in another terminal:',
    `  export SHOTLINE_TOKEN=${token}`,
    `  ${shotline} run ${quoted}            # submitted to the server, followed with a progress bar`,
    `  ${shotline} seq show ${quoted}`,
    `  curl -H "Authorization: Bearer $SHOTLINE_TOKEN" ${running.url}/api/queue`,
    `  curl -H "Authorization: Bearer $SHOTLINE_TOKEN" ${running.url}/metrics`,
    '',
    'or from a script:',
    `  const manager = await ExperimentManager.connect('${running.url}', { token: process.env.SHOTLINE_TOKEN });`,
    `  await manager.createProcedure('scan').run((p) => p.runSequence(${JSON.stringify(DEMO_SEQUENCE_PATH)}));`,
    '',
    'Ctrl-C stops the server.',
  ];
  context.output.result({ url: running.url, token, lab: lab.location.dir }, () => lines);
  await running.stopped;
}
