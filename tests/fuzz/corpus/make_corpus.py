#!/usr/bin/env python3
"""tests/fuzz/corpus/make_corpus.py - writes the fuzzers' seed corpora from recorded sessions.

Sources:
  - tests/transcripts/*.req: what gdb 13 and lldb 14 sent (one payload per line, see that README);
  - tests/fuzz/corpus/replies/*.r: what gostub and gdbserver sent back (record_replies.sh);
  - tests/unit/expr_cases.h: the expression parser's test inputs.
Output (each file one seed; the first bytes follow each fuzzer's input layout):
  decoder/  byte 0 flags (ack/no-ack, max payload 4096), byte 1 = 0 pieces, then framed packets;
  server/   byte 0 mode (permissive fake, full target; 0x09 adds no-ack), then framed packets: each
            session's qSupported followed by a window of its requests, and every distinct request alone;
  client/   even byte 0 + a stop reply payload, or odd byte 0 + a server's byte stream (a window of
            replies as they came on the wire);
  expr/     one expression per file.
Deterministic: names are the SHA-1 of the content (libFuzzer's own naming), so re-running changes
nothing unless a source changed. Run from anywhere: python3 tests/fuzz/corpus/make_corpus.py
"""
import glob
import hashlib
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
MAX_SEED = 16384  # bytes: keeps -max_len (which libFuzzer takes from the largest seed) small


def frame(payload, lead=b'$'):
    esc = bytearray()
    for b in payload:
        if b in b'#$}*':
            esc += bytes([0x7d, b ^ 0x20])
        else:
            esc.append(b)
    return lead + bytes(esc) + b'#%02x' % (sum(esc) & 0xff)


def unquote_req(line):
    out = bytearray()
    i = 0
    while i < len(line):
        if line.startswith('\\x', i):
            out.append(int(line[i + 2:i + 4], 16))
            i += 4
        else:
            out += line[i].encode('latin-1')
            i += 1
    return bytes(out)


def read_req(path):
    """A list of payloads; None stands for the interrupt byte."""
    pkts = []
    with open(path, encoding='latin-1') as f:
        for line in f:
            line = line.rstrip('\n')
            pkts.append(None if line == '<interrupt>' else unquote_req(line))
    return pkts


def c_unescape(text):
    """gdb's remotelogfile and C string literals: \\n \\\\ \\" \\xNN \\NNN."""
    out = bytearray()
    i = 0
    simple = {'n': 10, 't': 9, 'r': 13, '\\': 92, '"': 34, "'": 39, 'a': 7, 'b': 8, 'f': 12,
              'v': 11, 'e': 27, '?': 63}
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
        out += c.encode('utf-8')
        i += 1
    return bytes(out)


def reply_stream(path):
    """The server's bytes as received, one log line after the other."""
    with open(path, encoding='latin-1') as f:
        lines = [l.rstrip('\n') for l in f]
    if os.path.basename(path).startswith('gdb-'):
        return b''.join(c_unescape(l) for l in lines)
    return b''.join(l.encode('latin-1') for l in lines)  # lldb logs packets as sent


def split_frames(stream):
    """(payload, framed bytes) of every $...#xx in a byte stream."""
    out = []
    i = 0
    while True:
        i = stream.find(b'$', i)
        if i < 0:
            return out
        j = stream.find(b'#', i + 1)
        if j < 0 or j + 3 > len(stream):
            return out
        out.append((stream[i + 1:j], stream[i:j + 3]))
        i = j + 3


def write_all(name, seeds):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    n = 0
    for s in seeds:
        if len(s) > MAX_SEED:
            s = s[:MAX_SEED]
        path = os.path.join(d, hashlib.sha1(s).hexdigest())
        if not os.path.exists(path):
            with open(path, 'wb') as f:
                f.write(s)
            n += 1
    print('%s: %d seeds' % (name, n))


def windows(items, size, step):
    for k in range(0, max(1, len(items) - size + 1), step):
        yield items[k:k + size]


def main():
    sessions = [read_req(p) for p in sorted(glob.glob(os.path.join(TOP, 'tests/transcripts/*.req')))]

    def wire(pkts):
        return b''.join(b'\x03' if p is None else frame(p) for p in pkts)

    distinct = []
    seen = set()
    for sess in sessions:
        for p in sess:
            if p is not None and p not in seen and len(p) < 4096:
                seen.add(p)
                distinct.append(p)

    # decoder: flags 0x06 (ack mode, max payload 4096) and 0x07 (no-ack); no piece bytes.
    dec = []
    for sess in sessions:
        for w in windows(sess, 24, 24):
            dec.append(b'\x06\x00' + wire(w))
            dec.append(b'\x07\x00' + wire(w))
    for p in distinct[:200]:
        dec.append(b'\x06\x00' + frame(p))
    write_all('decoder', dec)

    # server: mode 0x01 (permissive, full target, ack), 0x09 (and no-ack first).
    srv = []
    for sess in sessions:
        head = [p for p in sess[:1] if p is not None and p.startswith(b'qSupported')]
        for w in windows(sess, 16, 8):
            body = head + [p for p in w if p is not None and not p.startswith(b'qSupported')]
            srv.append(b'\x01' + wire(body))
            srv.append(b'\x09' + wire(body))
    for p in distinct[:300]:
        srv.append(b'\x01' + frame(p))
    write_all('server', srv)

    # client: stop replies alone (even mode byte), and windows of the reply stream (odd).
    cli = []
    for path in sorted(glob.glob(os.path.join(HERE, 'replies', '*.r'))):
        stream = reply_stream(path)
        frames = split_frames(stream)
        for payload, _ in frames:
            if payload[:1] in (b'T', b'S', b'W', b'X', b'w', b'N'):
                cli.append(b'\x00' + payload)
        for w in windows(frames, 12, 6):
            cli.append(b'\x01' + b'+'.join(f for _, f in w))
    write_all('client', cli)

    # expr: the `in` field of every case, with its length checked.
    ex = []
    with open(os.path.join(TOP, 'tests/unit/expr_cases.h'), encoding='utf-8') as f:
        for m in re.finditer(r'^\s*\{"((?:[^"\\]|\\.)*)", (\d+), ', f.read(), re.M):
            s = c_unescape(m.group(1))
            if len(s) == int(m.group(2)):
                ex.append(s)
    write_all('expr', ex)


if __name__ == '__main__':
    main()
