"""Drives the shotline SCPI simulator with pyvisa-py, an outside VISA implementation.

Called by pyvisa-cross-check.spec.ts with one JSON argument; prints one JSON object. To drop the
connection mid-session it prints a line "DROP" and waits for a line on stdin, sent once the test
has closed the simulator's connections.
"""
import json
import sys

import pyvisa
from pyvisa_py.protocols import rpc

args = json.loads(sys.argv[1])
# pyvisa-py asks the portmapper on port 111; the simulator's listens on a free port.
rpc.PMAP_PORT = args["portmapper"]
rm = pyvisa.ResourceManager("@py")
out = {}


def open_resource(name):
    r = rm.open_resource(name, read_termination="\n", write_termination="\n")
    r.timeout = args["timeout"]
    return r


def replay(r, messages):
    """Sends the driver's messages in order; returns the reply to each query (None for commands)."""
    replies = []
    for message in messages:
        if message.strip().endswith("?"):
            replies.append(r.query(message))
        else:
            r.write(message)
            replies.append(None)
    return replies


def error_queue(r):
    entries = []
    for _ in range(10):
        entry = r.query("SYST:ERR?")
        entries.append(entry)
        if entry.startswith("0,") or entry.startswith("+0,"):
            break
    return entries


for kind, name in (("socket", args["socket"]), ("vxi11", "TCPIP::%s::inst0::INSTR" % args["host"])):
    r = open_resource(name)
    result = {}
    result["idn"] = r.query("*IDN?")
    result["driver_replies"] = replay(r, args["driver_messages"])
    result["errors_after_driver"] = error_queue(r)
    # The error queue: a value out of range, then an undefined header.
    r.write("C1:BSWV FRQ,9e9")
    r.write("C9:NOT:A:COMMAND 1")
    result["error_queue"] = error_queue(r)
    # A malformed command, then a valid query: the query gets its own answer.
    r.write("C1:BSWV FRQ")
    result["after_malformed"] = r.query("C1:BSWV?")
    result["malformed_error"] = r.query("SYST:ERR?")
    r.write("*CLS")
    # 1,000 queries in a row, alternating two different replies.
    wrong = 0
    for i in range(1000):
        query = "*IDN?" if i % 2 == 0 else "C2:OUTP?"
        expected = result["idn"] if i % 2 == 0 else args["outp2"]
        if r.query(query) != expected:
            wrong += 1
    result["thousand_wrong"] = wrong
    # The instrument drops the connection: pyvisa-py sees an error, then a new session works.
    print("DROP", flush=True)
    sys.stdin.readline()
    try:
        r.query("*IDN?")
        result["after_drop"] = "no error"
    except Exception as e:  # pyvisa-py raises VisaIOError or a socket error, depending on where
        result["after_drop"] = type(e).__name__
    try:
        r.close()
    except Exception:
        pass
    r = open_resource(name)
    result["reopened_idn"] = r.query("*IDN?")
    r.close()
    out[kind] = result

rm.close()
print(json.dumps(out), flush=True)
