import { describe, expect, it } from 'vitest';
import { testInstrument } from '../testing/test-instrument.test-helper.js';
import { DialogueFileError, SDG6000X_DIALOGUE_FILE, parseDialogueFile } from './dialogue-file.js';
import { SimulatedInstrument } from './simulated-instrument.js';

const sdg = (): SimulatedInstrument => SimulatedInstrument.fromFile(SDG6000X_DIALOGUE_FILE);

function instrument(yaml: string): SimulatedInstrument {
  return SimulatedInstrument.fromDefinition(parseDialogueFile(yaml, 'inline.yaml'), {
    fileName: 'inline.yaml',
  });
}

describe('a simulated instrument', () => {
  it('answers dialogues case-insensitively, ignoring surrounding white space', () => {
    const meter = testInstrument();
    expect(meter.handle('*IDN?')).toBe('SHOTLINE,TEST-METER,0001,1.0');
    expect(meter.handle('  *idn? ')).toBe('SHOTLINE,TEST-METER,0001,1.0');
    expect(meter.handle('SILENT')).toBeNull();
  });

  it('sets and gets properties with their format', () => {
    const meter = testInstrument();
    expect(meter.handle('VOLT?')).toBe('1.500');
    expect(meter.handle('volt 2.25')).toBeNull();
    expect(meter.handle('VOLT?')).toBe('2.250');
    expect(meter.property('voltage')).toBe(2.25);
  });

  it('refuses out-of-range values, keeps the old value and queues an error', () => {
    const meter = testInstrument();
    expect(meter.handle('VOLT 11')).toBeNull();
    expect(meter.property('voltage')).toBe(1.5);
    expect(meter.statusByte & 0x04).toBe(0x04);
    expect(meter.handle('SYST:ERR?')).toBe('-222,"Data out of range"');
    expect(meter.handle('SYST:ERR?')).toBe('+0,"No error"');
  });

  it('queues a command error and sets the event status register for unknown messages', () => {
    const meter = testInstrument();
    meter.handle('FOO BAR');
    expect(meter.statusByte).toBe(0x04 | 0x20);
    expect(meter.handle('*ESR?')).toBe('32');
    expect(meter.handle('*ESR?')).toBe('0');
    expect(meter.handle('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(meter.statusByte).toBe(0);
  });

  it('clears the error queue on *CLS and restores defaults on reset', () => {
    const meter = testInstrument();
    meter.handle('FOO');
    meter.handle('VOLT 3');
    meter.handle('*CLS');
    expect(meter.handle('SYST:ERR?')).toBe('+0,"No error"');
    meter.reset();
    expect(meter.property('voltage')).toBe(1.5);
  });

  it('never evaluates what it receives: text that looks like code is just an unknown command', () => {
    const meter = testInstrument();
    expect(meter.handle('VOLT ${process.exit(1)}')).toBeNull();
    expect(meter.property('voltage')).toBe(1.5);
    // Two message units: a valid setter, then text that is just an unknown command.
    expect(meter.handle("VOLT 1; require('fs')")).toBeNull();
    expect(meter.property('voltage')).toBe(1);
    expect(meter.handle('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(meter.handle('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(meter.handle('SYST:ERR?')).toBe('+0,"No error"');
  });

  it('treats command_error: null_response as no reply at all, as pyvisa-sim does', () => {
    const generator = sdg();
    expect(generator.handle('C1:BSWV FRQ')).toBeNull();
    expect(generator.handle('NOT A COMMAND?')).toBeNull();
    // The error queue holds one entry per bad message; the next query gets its own reply.
    expect(generator.handle('*IDN?')).toMatch(/^Siglent Technologies,SDG6022X,/);
    expect(generator.handle('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(generator.handle('SYST:ERR?')).toBe('-113,"Undefined header"');
    expect(generator.handle('SYST:ERR?')).toBe('0,"No error"');
  });

  it('answers a command error with the error text when the file gives one instead of null_response', () => {
    const meter = instrument(`
devices:
  d:
    error: ERROR
    dialogues: [{q: "A?", r: "1"}]
`);
    expect(meter.handle('B?')).toBe('ERROR');
    expect(meter.handle('A?')).toBe('1');
  });

  it('handles commands separated by ";" in order and joins their replies with ";"', () => {
    const meter = testInstrument();
    expect(meter.handle('VOLT 2.5;VOLT?;*IDN?')).toBe('2.500;SHOTLINE,TEST-METER,0001,1.0');
    expect(meter.handle('VOLT 3; VOLT 4')).toBeNull();
    expect(meter.property('voltage')).toBe(4);
  });

  it('gives byte replies added at run time, like pyvisa-sim add_dialogue', () => {
    const meter = testInstrument();
    meter.addDialogue('DATA?', Buffer.from([0, 255, 10]));
    meter.addDialogue('QUIET', null);
    expect(meter.respond('data?')).toEqual(Buffer.from([0, 255, 10]));
    expect(meter.respond('QUIET')).toBeNull();
    expect(meter.handle('SYST:ERR?')).toBe('+0,"No error"');
  });

  it('records every message it receives', () => {
    const meter = testInstrument();
    meter.handle('*IDN?');
    meter.handle('VOLT 2');
    expect(meter.received).toEqual(['*IDN?', 'VOLT 2']);
  });
});

describe('the bundled SDG6000X dialogue', () => {
  it('identifies as a Siglent SDG6022X', () => {
    expect(sdg().handle('*IDN?')).toMatch(/^Siglent Technologies,SDG6022X,/);
  });

  it('keeps the state of each channel apart and reports it in the instrument format', () => {
    const generator = sdg();
    generator.handle('C1:BSWV FRQ,2.5e6');
    generator.handle('C2:BSWV AMP,0.5');
    generator.handle('C2:BSWV OFST,-0.25');
    expect(generator.handle('C1:BSWV?')).toBe(
      'C1:BSWV WVTP,SINE,FRQ,2500000HZ,AMP,4V,OFST,0V,PHSE,0',
    );
    expect(generator.handle('C2:BSWV?')).toBe(
      'C2:BSWV WVTP,SINE,FRQ,1000HZ,AMP,0.5V,OFST,-0.25V,PHSE,0',
    );
  });

  it('switches outputs and loads with distinct setters of the same header', () => {
    const generator = sdg();
    generator.handle('C1:OUTP LOAD,50');
    generator.handle('C1:OUTP ON');
    expect(generator.handle('C1:OUTP?')).toBe('C1:OUTP ON,LOAD,50,PLRT,NOR');
    expect(generator.handle('C2:OUTP?')).toBe('C2:OUTP OFF,LOAD,HZ,PLRT,NOR');
    expect(generator.handle('SYST:ERR?')).toBe('0,"No error"');
  });

  it('refuses a frequency above the model limit with -222 in the error queue', () => {
    const generator = sdg();
    generator.handle('C1:BSWV FRQ,3e8');
    expect(generator.property('frequency', 1)).toBe(1000);
    expect(generator.handle('SYST:ERR?')).toBe('-222,"Data out of range"');
  });

  it('refuses an invalid output state', () => {
    const generator = sdg();
    generator.handle('C1:OUTP MAYBE');
    expect(generator.handle('SYST:ERR?')).toBe('-222,"Data out of range"');
  });
});

describe('dialogue files', () => {
  it('accept JSON as well as YAML', () => {
    const meter = instrument(
      JSON.stringify({ devices: { d: { dialogues: [{ q: 'PING', r: 'PONG' }] } } }),
    );
    expect(meter.handle('PING')).toBe('PONG');
  });

  it('select a device by resource name', () => {
    const file = parseDialogueFile(`
devices:
  a: {dialogues: [{q: "WHO?", r: "a"}]}
  b: {dialogues: [{q: "WHO?", r: "b"}]}
resources:
  "TCPIP::localhost::5025::SOCKET": {device: b}
`);
    const chosen = SimulatedInstrument.fromDefinition(file, {
      device: 'tcpip::localhost::5025::socket',
    });
    expect(chosen.handle('WHO?')).toBe('b');
  });

  it.each([
    ['devices: {d: {dialogues: [{q: 1}]}}', 'devices.d.dialogues.0.q'],
    ['devices: {d: {dialouges: []}}', 'devices.d'],
    ['devices: {d: {properties: {p: {default: 1, setter: {q: "P {:x}"}}}}}', 'setter.q'],
    ['devices: {d: {properties: {p: {default: 1, setter: {q: "P"}}}}}', 'exactly one field'],
    ['devices: {d: {dialogues: [{q: "A", r: "{nope}"}]}}', 'names no property'],
    ['devices: {d: {dialogues: [{q: "A"}, {q: " a "}]}}', 'defined twice'],
    ['devices: [', 'cannot parse'],
  ])('reject %j with a message naming the place (%s)', (yaml, where) => {
    let error: unknown;
    try {
      instrument(yaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DialogueFileError);
    expect((error as DialogueFileError).message).toContain(where);
    expect((error as DialogueFileError).location.file).toContain('inline.yaml');
  });

  it('report an unknown device with the devices there are', () => {
    expect(() =>
      SimulatedInstrument.fromDefinition(parseDialogueFile('devices: {a: {}}'), { device: 'z' }),
    ).toThrow(/no device "z".*devices: a/);
  });
});
