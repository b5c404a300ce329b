#!/usr/bin/env python3
"""tests/integration/hostile/hostile_client.py - hostile RSP input against a gostub started with
--persist and attached to the test service.

Usage: hostile_client.py PORT STUB_PID TARGET_PID HTTP_PORT SERVER_C...

Every row of the server's command table (the names are read from rsp/server*.c, so a new row without
cases here fails the test) gets packets with missing fields, huge lengths, addresses near the top of
the address space and bad hex; then bad escapes, bad checksums, 1 MiB of garbage, a 10 MiB packet, a
client that sends requests without reading the replies (the stub's VmRSS must stay bounded), and a
second client while one is connected. Each case runs on its own connection; after it, on the same
connection if the stub kept it (else a new one), '?' and 'g' must be answered; then the client leaves,
and the process must be released (no tracer on any thread), its text byte for byte the binary's, and
the service must answer HTTP. Prints one line per case and "hostile: N cases, N passed"; exits 1 on
any failure.
"""
import glob
import os
import random
import re
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rsp  # noqa: E402

PORT, STUB, PID, HTTP = (int(a) for a in sys.argv[1:5])
SOURCES = sys.argv[5:]
TOP = 'ffffffffffffffff'
NEAR = 'fffffffffffffff0'
failures = []
ncases = 0


def log(*a):
    print(*a, flush=True)


# ---- the process, from outside -------------------------------------------------------------------
def tracers():
    out = {}
    for st in glob.glob('/proc/%d/task/*/status' % PID):
        try:
            with open(st) as f:
                for line in f:
                    if line.startswith('TracerPid:'):
                        out[st.split('/')[4]] = int(line.split()[1])
        except OSError:
            pass
    return out


def wait_released(timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        t = tracers()
        if t and not any(t.values()):
            return True
        time.sleep(0.05)
    return False


def text_intact():
    exe = os.readlink('/proc/%d/exe' % PID)
    bad = []
    with open('/proc/%d/maps' % PID) as f, open('/proc/%d/mem' % PID, 'rb') as mem, open(exe, 'rb') as fb:
        for line in f:
            parts = line.split()
            if len(parts) < 6 or parts[1] != 'r-xp' or parts[5] != exe:
                continue
            start, end = (int(x, 16) for x in parts[0].split('-'))
            off = int(parts[2], 16)
            fb.seek(off)
            want = fb.read(end - start)
            mem.seek(start)
            got = mem.read(len(want))
            if got != want:
                i = next(k for k in range(len(want)) if got[k] != want[k])
                bad.append('0x%x: process 0x%02x, file 0x%02x' % (start + i, got[i], want[i]))
    return bad


def service_answers():
    try:
        with urllib.request.urlopen('http://127.0.0.1:%d/ping' % HTTP, timeout=10) as r:
            return r.read().startswith(b'pong')
    except OSError:
        return False


def vmrss(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


def text_range():
    exe = os.readlink('/proc/%d/exe' % PID)
    with open('/proc/%d/maps' % PID) as f:
        for line in f:
            p = line.split()
            if len(p) >= 6 and p[1] == 'r-xp' and p[5] == exe:
                return tuple(int(x, 16) for x in p[0].split('-'))
    raise SystemExit('no text mapping')


TEXT, TEXT_END = text_range()
T = '%x' % TEXT


# ---- one case ------------------------------------------------------------------------------------
def connect():
    c = rsp.Conn(PORT, timeout=10)
    c.handshake()  # qSupported, then no-ack mode
    return c


def answer(c, payload, timeout=3.0):
    """Sends one packet; returns its reply, 'NOREPLY' if the stub gave none (a frame it could not
    read: in no-ack mode nothing is sent back), or 'RESUMED' if the process ran (interrupted again)."""
    c.send(payload)
    try:
        r = c.reply(timeout)
    except socket.timeout:
        # A new '$' restarts whatever frame the stub is still reading; while the process runs, the
        # '?' waits for the stop, so an interrupt follows.
        c.send('?')
        try:
            r = c.reply(3)
            if r[:1] not in (b'T', b'S', b'N'):
                raise rsp.ProtocolError('%r unanswered, then ? -> %r' % (payload[:40], r[:60]))
            return 'NOREPLY'
        except socket.timeout:
            c.raw(b'\x03')
            r = c.reply(10)
            if r[:1] not in (b'T', b'S'):
                raise rsp.ProtocolError('no stop after the interrupt: %r' % r[:60])
            c.reply(5)  # the deferred '?'
            return 'RESUMED'
    while r[:1] == b'O' and r != b'OK':  # console output of monitor commands
        r = c.reply(timeout)
    return r


def still_serves(c):
    """'?' and 'g' on connection c (a new one if c is None or closed); returns an error text or None."""
    try:
        if c is None:
            c = connect()
        q = answer(c, '?')
        g = answer(c, 'g')
        # 'N' (no resumed threads) is what '?' says after a vCont;t (see the report in fault tests).
        if q[:1] not in (b'T', b'S', b'N') or not re.fullmatch(rb'([0-9a-f]{2}|xx)+', g):
            return "'?' -> %r, 'g' -> %r" % (q[:40], g[:40])
        return None
    except (OSError, EOFError, rsp.ProtocolError) as e:
        return "'?'/'g' not answered: %s" % e
    finally:
        if c is not None:
            c.close()


def case(name, fn):
    """Runs fn(conn) on a fresh connection, then the checks. fn may return the connection to check
    on (None: open a new one)."""
    global ncases
    ncases += 1
    problems = []
    c = None
    t0 = time.monotonic()
    try:
        c = connect()
        c = fn(c)
    except (OSError, EOFError) as e:
        c = None  # the stub closed the connection: allowed, it must still serve the next client
        note = ' (stub closed the connection: %s)' % type(e).__name__
    except rsp.ProtocolError as e:
        problems.append('protocol: %s' % e)
        c = None
        note = ''
    else:
        note = ''
    if not os.path.exists('/proc/%d' % STUB):
        problems.append('the stub is gone')
    else:
        if c is None and not wait_released(20):
            # the stub is still busy with the connection that went away; a new one would be refused
            # as a second client
            problems.append('process not released 20 s after the connection closed')
        err = still_serves(c)
        if err:
            problems.append(err)
    if not wait_released():
        problems.append('process still traced after the client left: %s' % tracers())
    bad = text_intact()
    if bad:
        problems.append('text differs: %s' % bad[:3])
    if not service_answers():
        problems.append('service does not answer')
    dt = time.monotonic() - t0
    if problems:
        failures.append(name)
        log('FAIL %s: %s' % (name, '; '.join(problems)))
    else:
        log('ok   %s%s (%.1f s)' % (name, note, dt))


def sender(packets, expect=None):
    """A case that sends each packet and requires one reply (any reply, or matching expect)."""
    def fn(c):
        for p in packets:
            r = answer(c, p)
            if expect is not None and r != 'RESUMED' and not re.fullmatch(expect, r):
                raise rsp.ProtocolError('%r -> %r' % (p[:60], r[:60]))
        return c
    return fn


# ---- malformed packets per command-table row ------------------------------------------------------
ERR = rb'(E[0-9a-f]{2}|E\..*|)'  # an error or the empty reply
ROWS = {
    'QStartNoAckMode': ['QStartNoAckModeX'],
    'qSupported': ['qSupported:', 'qSupported:' + 'x' * 5000, 'qSupported:xmlRegisters=;;;=+-'],
    'qXfer:features:read:': ['qXfer:features:read:', 'qXfer:features:read:target.xml:',
                             'qXfer:features:read:target.xml:0,' + TOP,
                             'qXfer:features:read:target.xml:' + TOP + ',1000',
                             'qXfer:features:read:../../etc/passwd:0,100',
                             'qXfer:features:read:target.xml:zz,10'],
    'qXfer:threads:read:': ['qXfer:threads:read::', 'qXfer:threads:read::' + TOP + ',' + TOP,
                            'qXfer:threads:read::0'],
    'qXfer:auxv:read:': ['qXfer:auxv:read::', 'qXfer:auxv:read::' + NEAR + ',ffff', 'qXfer:auxv:read::g,1'],
    'qXfer:exec-file:read:': ['qXfer:exec-file:read:', 'qXfer:exec-file:read:zz:0,100',
                              'qXfer:exec-file:read:1:' + TOP + ',100'],
    'qXfer:siginfo:read:': ['qXfer:siginfo:read::', 'qXfer:siginfo:read::0,' + TOP, 'qXfer:siginfo:read::ff,'],
    'Z0,': ['Z0,', 'Z0,' + TOP, 'Z0,' + TOP + ',1', 'Z0,' + NEAR + ',1', 'Z0,zz,1', 'Z0,0,1',
            'Z0,%s,' % T, 'Z0,%s,1;X2,zz' % T, 'Z0,1' + TOP + ',1'],
    'z0,': ['z0,', 'z0,' + TOP + ',1', 'z0,zz,1', 'z0,%s,1' % T],
    'Z1,': ['Z1,', 'Z1,' + TOP + ',1', 'Z1,zz,1', 'Z1,%s,ff' % T],
    'z1,': ['z1,', 'z1,' + TOP + ',1', 'z1,zz,1'],
    'Z2,': ['Z2,', 'Z2,' + TOP + ',8', 'Z2,fffffffffffffffc,8', 'Z2,0,' + TOP, 'Z2,0,3', 'Z2,zz,8'],
    'z2,': ['z2,', 'z2,' + TOP + ',8', 'z2,0,' + TOP],
    'Z3,': ['Z3,', 'Z3,' + NEAR + ',10', 'Z3,0,0'],
    'z3,': ['z3,', 'z3,zz,8'],
    'Z4,': ['Z4,', 'Z4,' + TOP + ',1', 'Z4,1,' + TOP],
    'z4,': ['z4,', 'z4,' + TOP + ',1'],
    'vCont?': ['vCont?x'],
    'vCont;': ['vCont;', 'vCont;x', 'vCont;c:zz', 'vCont;C', 'vCont;Czz', 'vCont;C99:-1', 'vCont;s:' + TOP,
               'vCont;c:p' + TOP + '.' + TOP, 'vCont;r0,' + TOP, 'vCont;t', 'vCont;;;'],
    'QPassSignals:': ['QPassSignals:', 'QPassSignals:zz', 'QPassSignals:' + ';'.join(['ff'] * 2000),
                      'QPassSignals:' + TOP],
    'QProgramSignals:': ['QProgramSignals:', 'QProgramSignals:zz;' + TOP],
    'vKill;': ['vKill;', 'vKill;zz', 'vKill;' + TOP],
    'vAttach;': ['vAttach;', 'vAttach;zz', 'vAttach;1', 'vAttach;' + TOP],
    'vRun;': ['vRun;', 'vRun;zz', 'vRun;2f62696e2f7368', 'vRun;;'],
    'QThreadEvents:': ['QThreadEvents:', 'QThreadEvents:zz', 'QThreadEvents:' + TOP],
    'vMustReplyEmpty': ['vMustReplyEmptyX'],
    'QThreadSuffixSupported': ['QThreadSuffixSupportedX'],
    'QListThreadsInStopReply': ['QListThreadsInStopReplyX'],
    'QNonStop:': ['QNonStop:', 'QNonStop:1', 'QNonStop:zz'],
    'QSetDetachOnError:': ['QSetDetachOnError:', 'QSetDetachOnError:zz'],
    'qAttached': ['qAttached:', 'qAttached:zz', 'qAttached:' + TOP],
    'qC': ['qCx'],
    'qfThreadInfo': ['qfThreadInfox'],
    'qsThreadInfo': ['qsThreadInfo', 'qsThreadInfo', 'qsThreadInfo'],
    'qThreadExtraInfo,': ['qThreadExtraInfo,', 'qThreadExtraInfo,zz', 'qThreadExtraInfo,' + TOP,
                          'qThreadExtraInfo,p1.-1'],
    'qRcmd,': ['qRcmd,', 'qRcmd,z', 'qRcmd,zz', 'qRcmd,' + '41' * 30000, 'qRcmd,68656c70'],
    'qHostInfo': ['qHostInfox'],
    'qProcessInfo': ['qProcessInfo:zz'],
    'qRegisterInfo': ['qRegisterInfo', 'qRegisterInfozz', 'qRegisterInfo' + TOP, 'qRegisterInfo1000'],
    'qMemoryRegionInfo:': ['qMemoryRegionInfo:', 'qMemoryRegionInfo:zz', 'qMemoryRegionInfo:' + TOP,
                           'qMemoryRegionInfo:' + NEAR],
    'jThreadsInfo': ['jThreadsInfo:'],
    'qThreadStopInfo': ['qThreadStopInfo', 'qThreadStopInfozz', 'qThreadStopInfo' + TOP],
    'vFile:open:': ['vFile:open:', 'vFile:open:zz,0,0', 'vFile:open:2f6574632f736861646f77,0,0',
                    'vFile:open:2f746d702f782e74787400,241,1ff', 'vFile:open:' + '2f' * 5000 + ',0,0'],
    'vFile:pread:': ['vFile:pread:', 'vFile:pread:0,' + TOP + ',0', 'vFile:pread:' + TOP + ',10,0',
                     'vFile:pread:0,10,' + TOP, 'vFile:pread:zz,10,0'],
    'vFile:close:': ['vFile:close:', 'vFile:close:' + TOP, 'vFile:close:-1'],
    'vFile:fstat:': ['vFile:fstat:', 'vFile:fstat:' + TOP],
    'vFile:readlink:': ['vFile:readlink:', 'vFile:readlink:zz', 'vFile:readlink:2f70726f632f312f657865'],
    'vFile:setfs:': ['vFile:setfs:', 'vFile:setfs:' + TOP, 'vFile:setfs:1'],
    '?': ['?x'],
    'H': ['H', 'Hg', 'Hgzz', 'Hc' + TOP, 'Hgp' + TOP + '.' + TOP, 'Hx1', 'Hg-2'],
    'T': ['T', 'Tzz', 'T' + TOP, 'Tp1.'],
    'g': ['gzz', 'g;thread:' + TOP + ';'],
    'G': ['G', 'Gzz', 'G00', 'G' + '0' * 3, 'G;thread:' + TOP + ';'],
    'p': ['p', 'pzz', 'p' + TOP, 'p1000', 'p10;thread:zz;'],
    'P': ['P', 'P1', 'P1=', 'Pzz=00', 'P' + TOP + '=00', 'P1000=00', 'P10=zz', 'P10=00'],
    'm': ['m', 'm0', 'm0,', 'm0,' + TOP, TOP and 'm' + TOP + ',' + TOP, 'm' + NEAR + ',20', 'mzz,10',
          'm0,zz', 'm1' + TOP + ',1', 'm%s,-1' % T, 'm%s,1000000' % T],
    'M': ['M', 'M0', 'M0,', 'M0,2', 'M0,2:', 'M0,' + TOP + ':00', 'M%s,4:00' % T, 'M%s,1:0000' % T,
          'M' + NEAR + ',20:' + '00' * 32, 'M0,2:zzzz', 'M%s,2:0' % T],
    # (no valid escape here: 'X...,1:}}' is a good write of 0x5d)
    'X': ['X', 'X0', 'X0,', 'X0,10:', 'X%s,10:ab' % T, 'X%s,2:}' % T, 'X%s,2:a}' % T,
          'X0,' + TOP + ':', 'X' + NEAR + ',20:' + 'a' * 32, 'Xzz,1:a', 'X%s,1:}' % T],
    'x': ['x', 'x0', 'x0,', 'x0,' + TOP, 'x' + NEAR + ',20', 'xzz,1', 'x%s,' % T],
    # Resumes: only malformed ones (a well-formed 'c ADDR' moves the pc, and the process would crash
    # because it was asked to). Signal numbers >= 144 are out of range.
    'c': ['czz', 'c1' + TOP, 'c' + TOP + 'z'],
    'C': ['C', 'Czz', 'C99;' + TOP, 'C05;zz', 'C05;1' + TOP],
    's': ['szz', 's1' + TOP],
    'S': ['S', 'Szz', 'S99;' + TOP, 'S05;1' + TOP],
    'D': ['Dzz', 'D;zz', 'D;' + TOP],
    'k': ['k'],
}


def parse_rows():
    names = []
    for path in SOURCES:
        with open(path) as f:
            text = f.read()
        m = re.search(r'commands\[\] = \{(.*?)\n\};', text, re.S)
        if m:
            names += re.findall(r'^\s*\{ "([^"]+)",', m.group(1), re.M)
    return names


def main():
    rows = parse_rows()
    if len(rows) < 50:
        log('FAIL: found only %d rows in the command table (%s)' % (len(rows), ' '.join(SOURCES)))
        return 1
    missing = [r for r in rows if r not in ROWS]
    if missing:
        failures.append('table')
        log('FAIL: command-table rows without hostile cases: %s' % ' '.join(missing))
    log('command table: %d rows, all covered' % len(rows) if not missing else '')
    # PC must not move: a resume by a malformed packet is caught by the interrupt in answer().
    for name in rows:
        if name in ROWS and name != 'k':
            case('row %s (%d packets)' % (name, len(ROWS[name])), sender(ROWS[name]))

    # Bad escapes, RLE and framing.
    case('bad escapes and RLE', sender([
        'm%s}' % T, 'm}%s,10' % T, 'X%s,4:}' % T, 'q}', '}', 'm%s,1*' % T, '*', 'm*,10',
        'm0*' + chr(200) + ',10', 'qSupported:' + '*~' * 100]))

    def bad_checksums(c):
        # A connection in ack mode, where the stub must NAK: the first one leaves, then a new one.
        c.close()
        if not wait_released():
            raise rsp.ProtocolError('process not released after the first connection closed')
        time.sleep(0.2)
        c2 = rsp.Conn(PORT, timeout=10)
        c2.raw(b'+$?#00')
        r = c2.sock.recv(1)
        if r != b'-':
            raise rsp.ProtocolError('bad checksum answered %r, not -' % r)
        c2.raw(b'$?#zz$?#3f')
        r = c2.reply(5)
        if r[:1] not in (b'T', b'S'):
            raise rsp.ProtocolError('after bad checksums: %r' % r[:40])
        c2.noack()
        return c2
    case('bad checksums (ack mode)', bad_checksums)

    def garbage(c):
        rnd = random.Random(5)
        data = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
        # no frame may start in the garbage: a random '$...#xx' could be a valid D or k
        data = data.replace(b'$', b'!').replace(b'%', b'!')
        c.raw(data)
        c.raw(b'#00')
        return c
    case('1 MiB of garbage', garbage)

    def garbage_frames(c):
        # In no-ack mode the stub obeys every frame whatever its checksum, and escapes ('}m' is 'M')
        # or runs ('*') can make any command out of random bytes, so random frames go out on a
        # connection in ack mode, with the checksum wrong, except for frames whose decoded payload
        # starts with a command that cannot change the process (m x g p q H T ?), sent with a
        # correct checksum: random arguments for the dispatcher, random framing for the decoder.
        c.close()
        if not wait_released():
            raise rsp.ProtocolError('process not released after the first connection closed')
        time.sleep(0.2)
        c = rsp.Conn(PORT, timeout=10)
        rnd = random.Random(6)
        good = bad = 0
        for _ in range(2000):
            n = rnd.randrange(1, 300)
            body = bytes(rnd.choice(b'0123456789abcdefmxgpqzHT?,:;}*\x03') for _ in range(n))
            decoded = rsp.unescape(rsp.rle_expand(body))
            if decoded[:1] and decoded[:1] in b'mxgpqHT?' and not re.search(rb'[A-Z]', decoded[1:2]):
                c.raw(rsp.frame(body))
                good += 1
            else:
                cs = (sum(body) + 1) & 0xff
                c.raw(b'$' + body + b'#%02x' % cs)
                bad += 1
        c.raw(b'#00')
        log('     random frames: %d with a good checksum, %d with a bad one' % (good, bad))
        time.sleep(1)
        c.buf.clear()
        try:
            while True:
                c.reply(1)
        except socket.timeout:
            pass
        c.noack()
        return c
    case('2000 random frames', garbage_frames)

    def big_packet(c):
        c.raw(b'$m' + b'0' * (10 << 20) + b'#00')
        r = c.reply(20)
        if not re.fullmatch(ERR, r):
            raise rsp.ProtocolError('10 MiB packet -> %r' % r[:40])
        return c
    case('10 MiB packet', big_packet)

    def never_reads(c):
        before = vmrss(STUB)
        c.sock.setblocking(False)
        req = b''.join(rsp.frame(b'm%x,10000' % (TEXT + (k % 16) * 0x10000)) for k in range(256))
        sent = 0
        end = time.monotonic() + 6
        pending = memoryview(req)
        while time.monotonic() < end:
            try:
                n = c.sock.send(pending)
                sent += n
                pending = pending[n:]
                if not pending:
                    pending = memoryview(req)
            except BlockingIOError:
                time.sleep(0.01)
        peak = vmrss(STUB)
        c.sock.setblocking(True)
        log('     never-reads: sent %.1f MiB of requests (%d requests of 64 KiB each, unread), stub VmRSS %d -> %d KiB'
            % (sent / 1048576.0, sent * 256 // len(req), before, peak))
        if peak - before > 64 * 1024:
            raise rsp.ProtocolError('stub VmRSS grew by %d KiB' % (peak - before))
        # Drain what the stub queued, then it must still serve.
        c.close()
        return None
    case('client that never reads its replies', never_reads)

    def second_client(c):
        c2 = socket.create_connection(('127.0.0.1', PORT), timeout=10)
        c2.sendall(b'+' + rsp.frame(b'qSupported:multiprocess+'))
        got = b''
        try:
            while True:
                d = c2.recv(4096)
                if not d:
                    break
                got += d
        except socket.timeout:
            raise rsp.ProtocolError('second client not closed: %r' % got[:80])
        c2.close()
        if b'another client' not in got:
            raise rsp.ProtocolError('second client got %r' % got[:80])
        log('     second client: %r' % got[:100])
        r = answer(c, 'qC')
        if not r.startswith(b'QC'):
            raise rsp.ProtocolError('first client after the second: qC -> %r' % r[:40])
        return c
    case('second client while one is connected', second_client)

    def kill_packet(c):
        # Last: 'k' on an attached process must release it (lldb sends k whenever it quits) and close
        # the connection; whether the stub then exits or keeps listening (--persist) is the shell's.
        c.send('k')
        try:
            r = c.reply(10)
            raise rsp.ProtocolError("'k' answered %r" % r[:40])
        except EOFError:
            pass
        if not wait_released():
            raise rsp.ProtocolError('process still traced after k: %s' % tracers())
        return None
    global ncases
    ncases += 1
    try:
        kill_packet(connect())
        bad = text_intact()
        if bad or not service_answers():
            raise rsp.ProtocolError('after k: text %s, service answers %s' % (bad[:3], service_answers()))
        log('ok   row k: connection closed, process released and running')
    except (OSError, rsp.ProtocolError) as e:
        failures.append('k')
        log('FAIL row k: %s' % e)

    log('hostile: %d cases, %d passed, %d failed' % (ncases, ncases - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
