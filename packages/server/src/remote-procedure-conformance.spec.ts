// The seed's Procedure conformance suite against a manager connected to a real server over a real
// socket: the same tests as the local manager's (packages/testing/src/devices/procedure.spec.ts).
import { ExperimentManager } from '@shotline/core';
import { describeProcedureConformance } from '@shotline/testing';
import { startTestServer } from './test-server.test-helper.js';

describeProcedureConformance('ExperimentManager.connect(...) to a shotline server', {
  async open(lab) {
    const served = await startTestServer(lab, { logger: false });
    const manager = await ExperimentManager.connect(served.url, { token: served.token });
    return {
      manager,
      dispose: async () => {
        await manager.close();
        await served.close();
      },
    };
  },
});
