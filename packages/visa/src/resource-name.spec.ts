import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseResourceName } from './resource-name.js';
import { InvalidResourceNameError } from './visa-errors.js';

describe('parseResourceName', () => {
  it.each([
    ['TCPIP::1.2.3.4::INSTR', 'TCPIP0::1.2.3.4::inst0::INSTR'],
    ['TCPIP0::1.2.3.4::5025::SOCKET', 'TCPIP0::1.2.3.4::5025::SOCKET'],
    ['tcpip::Scope-1.lab::5025::socket', 'TCPIP0::Scope-1.lab::5025::SOCKET'],
    ['TCPIP3::host::hislip0::INSTR', 'TCPIP3::host::hislip0::INSTR'],
    ['TCPIP::host', 'TCPIP0::host::inst0::INSTR'],
    ['TCPIP::127.0.0.1,4567::inst0::INSTR', 'TCPIP0::127.0.0.1,4567::inst0::INSTR'],
    ['TCPIP::[fe80::1]::5025::SOCKET', 'TCPIP0::[fe80::1]::5025::SOCKET'],
    ['GPIB::12::INSTR', 'GPIB0::12::INSTR'],
    ['GPIB1::12::3::INSTR', 'GPIB1::12::3::INSTR'],
    ['gpib::12', 'GPIB0::12::INSTR'],
    ['GPIB2::INTFC', 'GPIB2::INTFC'],
    ['ASRL1::INSTR', 'ASRL1::INSTR'],
    ['ASRL', 'ASRL0::INSTR'],
    ['ASRL/dev/ttyUSB0::INSTR', 'ASRL/dev/ttyUSB0::INSTR'],
    ['USB::0x1AB1::0x0588::DS1ED1::INSTR', 'USB0::0x1AB1::0x0588::DS1ED1::INSTR'],
    ['usb0::6833::1416::DS1ED1::2::raw', 'USB0::0x1AB1::0x0588::DS1ED1::2::RAW'],
  ])('normalises %s to %s', (input, canonical) => {
    expect(parseResourceName(input).canonical).toBe(canonical);
  });

  it('extracts the fields of a TCPIP socket resource', () => {
    expect(parseResourceName('TCPIP2::10.0.0.7::5025::SOCKET')).toEqual({
      kind: 'tcpip-socket',
      board: 2,
      host: '10.0.0.7',
      port: 5025,
      canonical: 'TCPIP2::10.0.0.7::5025::SOCKET',
    });
  });

  it('reads a VXI-11 core port given as host,port', () => {
    const name = parseResourceName('TCPIP::127.0.0.1,4567::inst0::INSTR');
    expect(name).toMatchObject({ kind: 'tcpip-instr', host: '127.0.0.1', port: 4567 });
  });

  it('keeps the GPIB secondary address absent when not given (current pyvisa behaviour)', () => {
    expect(parseResourceName('GPIB::12::INSTR')).toMatchObject({
      primaryAddress: 12,
      secondaryAddress: undefined,
    });
  });

  it.each([
    ['', 'it is empty'],
    ['FOO::1::INSTR', 'unknown interface "FOO"'],
    ['VXI0::1::INSTR', 'interface "VXI" is not supported'],
    ['TCPIP::host::SOCKET', 'too few parts'],
    ['TCPIP::host::50x25::SOCKET', 'port "50x25" must be an integer in 1..65535'],
    ['TCPIP::host::70000::SOCKET', 'port "70000"'],
    ['TCPIP::::5025::SOCKET', 'part 2 is empty'],
    ['TCPIPx::host::INSTR', 'board "x"'],
    ['GPIB::31::INSTR', 'primary address "31"'],
    ['GPIB::1::2::3::INSTR', 'too many parts'],
    ['USB::0x1AB1::0x0588::INSTR', 'too few parts'],
    ['USB::0xZZ::0x0588::SN::INSTR', 'manufacturer id "0xZZ"'],
    ['TCPIP::127.0.0.1,x::inst0::INSTR', 'port after "," "x"'],
    ['TCPIP::[fe80::1::INSTR', 'unbalanced "["'],
    ['GPIB::1::BACKPLANE', 'resource class "BACKPLANE" is not supported'],
    ['TCPIP::127.0.0.1::5025:SOCKET', 'LAN device name "5025:SOCKET"'],
    ['TCPIP::my host::5025::SOCKET', 'host "my host"'],
    ['TCPIP::fe80::1::5025::SOCKET', 'too many parts'],
  ])('rejects %j with a message quoting the bad part', (input, reason) => {
    let error: unknown;
    try {
      parseResourceName(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidResourceNameError);
    const e = error as InvalidResourceNameError;
    expect(e.code).toBe('VISA_INVALID_RESOURCE_NAME');
    expect(e.message).toContain(reason);
    expect(e.message).toContain(`"${input}"`);
    expect(e.location.resource).toBe(input);
  });

  it('parses its own canonical form to the same resource (property)', () => {
    const host = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,20}$/);
    const resource = fc.oneof(
      fc
        .record({ board: fc.nat(9), host, port: fc.integer({ min: 1, max: 65535 }) })
        .map(({ board, host, port }) => `tcpip${board}::${host}::${port}::socket`),
      fc
        .record({ board: fc.nat(9), pad: fc.integer({ min: 0, max: 30 }) })
        .map(({ board, pad }) => `GPIB${board}::${pad}::INSTR`),
      fc
        .record({
          vid: fc.integer({ min: 0, max: 0xffff }),
          pid: fc.integer({ min: 0, max: 0xffff }),
          serial: fc.stringMatching(/^[A-Z0-9]{1,12}$/),
        })
        .map(({ vid, pid, serial }) => `USB::${vid}::0x${pid.toString(16)}::${serial}::INSTR`),
    );
    fc.assert(
      fc.property(resource, (text) => {
        const once = parseResourceName(text);
        expect(parseResourceName(once.canonical)).toEqual(once);
      }),
    );
  });
});
