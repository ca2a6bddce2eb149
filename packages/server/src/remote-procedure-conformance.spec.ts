// The seed's Procedure conformance suite against a manager connected to a real server over a real
// socket: the same tests as the local manager's (packages/testing/src/devices/procedure.spec.ts).
import { ExperimentManager, type RemoteExperimentManager } from '@shotline/core';
import { describeProcedureConformance } from '@shotline/testing';
import { startTestServer } from './test-server.test-helper.js';

describeProcedureConformance('ExperimentManager.connect(...) to a shotline server', {
  async open(lab) {
    const served = await startTestServer(lab, { logger: false });
    const connect = () => ExperimentManager.connect(served.url, { token: served.token });
    const managers: RemoteExperimentManager[] = [await connect()];
    return {
      manager: managers[0]!,
      // A second script: another client of the same server.
      another: async () => {
        const manager = await connect();
        managers.push(manager);
        return manager;
      },
      dispose: async () => {
        for (const manager of managers) await manager.close();
        await served.close();
      },
    };
  },
});
