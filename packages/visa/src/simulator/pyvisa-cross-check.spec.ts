import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstrument } from '../testing/test-instrument.test-helper.js';
import { ScpiSimulator } from './scpi-simulator.js';

const run = promisify(execFile);

/** A Python interpreter that can import pyvisa and pyvisa-py (Debian's python3-pyvisa-py). */
async function findPyvisa(): Promise<string | undefined> {
  const candidates = [process.env.SHOTLINE_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import pyvisa, pyvisa_py']);
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * pyvisa-py, an independent VISA implementation, drives the simulator over a raw socket and over
 * VXI-11 (portmapper, create_link, device_write/read, readstb, clear). pyvisa-py always asks the
 * portmapper, on port 111; the script points its constant at the simulator's portmapper, which
 * listens on a free port (binding 111 would need root and clash with a real rpcbind).
 */
const SCRIPT = `
import json, sys
import pyvisa
from pyvisa_py.protocols import rpc
args = json.loads(sys.argv[1])
rpc.PMAP_PORT = args["portmapper"]
rm = pyvisa.ResourceManager("@py")
out = {}
s = rm.open_resource(args["socket"], read_termination="\\n", write_termination="\\n")
s.timeout = 3000
out["socket_idn"] = s.query("*IDN?")
s.write("C1:BSWV FRQ,2500000")
out["socket_bswv"] = s.query("C1:BSWV?")
s.write("C1:BSWV FRQ,9e9")
out["socket_error"] = s.query("SYST:ERR?")
s.close()
i = rm.open_resource("TCPIP::%s::inst0::INSTR" % args["host"], read_termination="\\n", write_termination="\\n")
i.timeout = 3000
out["instr_idn"] = i.query("*IDN?")
i.write("C2:OUTP ON")
out["instr_outp"] = i.query("C2:OUTP?")
out["instr_stb"] = i.read_stb()
i.clear()
i.close()
m = rm.open_resource(args["meter"], read_termination="\\n", write_termination="\\n")
m.timeout = 3000
out["binary"] = m.query_binary_values("CURV?", datatype="f")
m.close()
rm.close()
print(json.dumps(out))
`;

const python = await findPyvisa();
if (!python) {
  console.warn(
    'skipping the pyvisa-py cross-check: no python3 with pyvisa and pyvisa-py ' +
      '(apt-get install python3-pyvisa-py, or set SHOTLINE_PYTHON)',
  );
}

describe.skipIf(!python)('the simulator, driven by pyvisa-py', () => {
  let generator: ScpiSimulator;
  let meter: ScpiSimulator;

  beforeAll(async () => {
    generator = await ScpiSimulator.start();
    meter = await ScpiSimulator.start({ instrument: testInstrument(), vxi11: false });
  });

  afterAll(async () => {
    await generator?.close();
    await meter?.close();
  });

  it('speaks SCPI over a raw socket and VXI-11 as real VISA clients expect', async () => {
    const args = {
      socket: generator.socketResource,
      host: generator.host,
      portmapper: generator.portmapperPort,
      meter: meter.socketResource,
    };
    const { stdout } = await run(python!, ['-c', SCRIPT, JSON.stringify(args)], {
      timeout: 60_000,
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.socket_idn).toBe('Siglent Technologies,SDG6022X,SDG6XSIM000001,6.01.01.35');
    expect(out.socket_bswv).toBe('C1:BSWV WVTP,SINE,FRQ,2500000HZ,AMP,4V,OFST,0V,PHSE,0');
    expect(out.socket_error).toBe('-222,"Data out of range"');
    expect(out.instr_idn).toBe(out.socket_idn);
    expect(out.instr_outp).toBe('C2:OUTP ON,LOAD,HZ,PLRT,NOR');
    expect(out.instr_stb).toBe(0x20);
    expect(out.binary).toEqual([1.5, -2.25]);
    expect(generator.instrument.property('frequency', 1)).toBe(2.5e6);
    expect(generator.instrument.property('output', 2)).toBe('ON');
  }, 60_000);
});
