#!/usr/bin/env python3
"""tests/transcripts/extract.py - turns a recorded client session into a .req transcript.

Input: a gdb `set remotelogfile` log ("w" lines are what gdb wrote) or an lldb `log enable gdb-remote
packets` log ("send packet:" lines). Output: the client's packets, one payload per line (frame and
checksum removed), bytes outside printable ASCII and the backslash written as \\xNN; an interrupt
byte (0x03) is the line "<interrupt>". The replay test (replay_server.c) reads these files.

Usage: extract.py gdb|lldb LOG > NAME.req
"""
import re
import sys


def gdb_unescape(text):
    # gdb's remotelogfile writes non-printable bytes with C escapes (\n, \\, \xNN, \NNN).
    out = bytearray()
    i = 0
    simple = {'n': 10, 't': 9, 'r': 13, '\\': 92, '"': 34, "'": 39, 'a': 7, 'b': 8, 'f': 12,
              'v': 11, 'e': 27}
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            n = text[i + 1]
            if n == 'x':
                m = re.match(r'[0-9a-fA-F]{1,2}', text[i + 2:])
                out.append(int(m.group(0), 16))
                i += 2 + len(m.group(0))
                continue
            if n in '01234567':
                m = re.match(r'[0-7]{1,3}', text[i + 1:])
                out.append(int(m.group(0), 8))
                i += 1 + len(m.group(0))
                continue
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
        out.extend(c.encode('latin-1'))
        i += 1
    return bytes(out)


def frames(stream):
    """Yields payloads (bytes) and b'\\x03' for interrupts from a client byte stream."""
    i = 0
    while i < len(stream):
        c = stream[i]
        if c == 0x03:
            yield None
            i += 1
        elif c == ord('$'):
            end = stream.find(b'#', i + 1)
            if end < 0:
                return
            yield stream[i + 1:end]
            i = end + 3
        else:
            i += 1


def quote(payload):
    out = []
    for b in payload:
        if b == 0x5c or b < 0x20 or b > 0x7e:
            out.append('\\x%02x' % b)
        else:
            out.append(chr(b))
    return ''.join(out)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    stream = bytearray()
    with open(path, 'rb') as f:
        for raw in f:
            line = raw.rstrip(b'\n').decode('latin-1')
            if kind == 'gdb':
                if line.startswith('w '):
                    stream += gdb_unescape(line[2:])
            else:
                if 'history[' in line:
                    continue
                m = re.search(r'send packet: (.*)$', line)
                if m:
                    stream += m.group(1).encode('latin-1')
    for p in frames(bytes(stream)):
        print('<interrupt>' if p is None else quote(p))


if __name__ == '__main__':
    main()
