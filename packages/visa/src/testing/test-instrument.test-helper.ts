import { parseDialogueFile } from '../simulator/dialogue-file.js';
import { SimulatedInstrument } from '../simulator/simulated-instrument.js';

/**
 * A small instrument for the tests of the backends: an identity, a float property, a
 * binary block whose data contains the termination character, an indefinite block, a reply longer
 * than one read chunk, and a silent command.
 */
export const TEST_DIALOGUE = `
spec: "1.1"
devices:
  meter:
    eom:
      TCPIP SOCKET: {q: "\\n", r: "\\n"}
      TCPIP INSTR: {q: "\\n", r: "\\n"}
    error:
      status_register:
        - q: "*ESR?"
          command_error: 32
      error_queue:
        - q: "SYST:ERR?"
          default: '+0,"No error"'
          command_error: '-113,"Undefined header"'
          range_error: '-222,"Data out of range"'
    dialogues:
      - q: "*IDN?"
        r: "SHOTLINE,TEST-METER,0001,1.0"
      - q: "CURV?"
        r: "#18\\x00\\x00\\xc0?\\x00\\x00\\x10\\xc0"
      - q: "BYTES?"
        r: "#14\\n\\r\\x00\\xff"
      - q: "STREAM?"
        r: "#0abc"
      - q: "SILENT"
        r: null_response
      - q: "LONG?"
        r: "${'x'.repeat(5000)}"
    properties:
      voltage:
        default: 1.5
        getter: {q: "VOLT?", r: "{:.3f}"}
        setter: {q: "VOLT {:g}"}
        specs: {min: 0, max: 10, type: float}
resources:
  TCPIP::localhost::5025::SOCKET: {device: meter}
`;

/** A fresh instrument built from {@link TEST_DIALOGUE}. */
export function testInstrument(): SimulatedInstrument {
  return SimulatedInstrument.fromDefinition(
    parseDialogueFile(TEST_DIALOGUE, 'test-dialogue.yaml'),
    {
      fileName: 'test-dialogue.yaml',
    },
  );
}
