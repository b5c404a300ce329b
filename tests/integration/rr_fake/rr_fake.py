#!/usr/bin/env python3
"""A scripted stand-in for rr's gdb server (`rr replay -s PORT`), for tests/integration/godbg_rr.sh.

rr cannot record on this machine's CPU, so nothing here is rr. Two halves:

  record  runs a Go program under gdbserver (stdio), stops at a function's entry and single-steps
          it to its return, keeping every step's registers and the stack around the stack pointer,
          plus the other threads' registers, the target description and every readable mapping at
          the end. That is the "recording": the execution history rr would have.
  serve   replays it over TCP the way rr's GdbServer answers (from rr's sources and tests, see
          /work/shared/research/stub_anchors.md section 2.3): qSupported with rr's feature list
          including ReverseContinue+ and ReverseStep+, QStartNoAckMode, target.xml through qXfer
          with xi:includes, thread ids as p<pid>.<tid>, vCont;c;C;s;S, Z0/Z1 breakpoints,
          bc/bs running backwards to the previous breakpoint or to the start of the history
          (replaylog:begin), no 'M' packet (empty reply: the client must use 'X'), no expedited
          registers in stop replies, and at the end of the history a synthetic SIGKILL stop before
          the real exit (W00) that the next continue gets.

Registers come from the step's snapshot, memory from the final dump overlaid with the step's stack
window and with what the client wrote (X). --no-reverse leaves the two reverse features out (an
ordinary server). --log FILE writes every packet received, one per line.
"""
import base64
import json
import re
import socket
import subprocess
import sys
import zlib

STACK_BELOW = 256
STACK_ABOVE = 2048


def checksum(data):
    return sum(data) & 0xFF


def frame(payload):
    return b"$" + payload + b"#%02x" % checksum(payload)


class Conn:
    """Packet I/O over a pair of byte streams (read(n), write(b))."""

    def __init__(self, rd, wr):
        self.rd, self.wr = rd, wr
        self.acks = True
        self.buf = b""

    def _byte(self):
        if not self.buf:
            self.buf = self.rd(65536)
            if not self.buf:
                raise EOFError
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def recv(self):
        """Next packet payload (escapes kept), or b'\\x03' for an interrupt."""
        while True:
            c = self._byte()
            if c == b"\x03":
                return c
            if c == b"$":
                break
        data = b""
        while True:
            c = self._byte()
            if c == b"#":
                break
            data += c
        self._byte()
        self._byte()
        data = unrle(data)
        if self.acks:
            self.wr(b"+")
        return data

    def send(self, payload):
        self.wr(frame(payload))
        if self.acks:
            while self._byte() != b"+":
                pass


def unrle(data):
    """Expands run-length encoding (X*N: N-29 more X); '*' in binary data is escaped."""
    if b"*" not in data:
        return data
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x2A and out:
            out += bytes([out[-1]]) * (data[i + 1] - 29)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def unescape(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x7D:
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def le64(hexstr, index):
    return int.from_bytes(bytes.fromhex(hexstr[index * 16:(index + 1) * 16]), "little")


# ------------------------------------------------------------------ record

def record(prog, entry, out_path):
    p = subprocess.Popen(["gdbserver", "stdio", prog], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        record_with(p, entry, out_path)
    finally:
        if p.poll() is None:  # on any failure too: gdbserver kills its program when it goes
            p.kill()
            p.wait()


def record_with(p, entry, out_path):

    def wr(b):
        p.stdin.write(b)
        p.stdin.flush()

    c = Conn(lambda n: p.stdout.read1(n), wr)

    def req(s):
        c.send(s.encode() if isinstance(s, str) else s)
        return c.recv()

    req("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    if req("QStartNoAckMode") == b"OK":
        c.acks = False
    req("Hgp0.0")
    files = {}
    todo = ["target.xml"]
    while todo:
        name = todo.pop()
        if name in files:
            continue
        text, off = b"", 0
        while True:
            r = req("qXfer:features:read:%s:%x,%x" % (name, off, 0x3000))
            text += unescape(r[1:])
            off = len(text)
            if r[:1] != b"m":
                break
        files[name] = text.decode()
        todo += re.findall(r'href="([^"]+)"', files[name])
    stop = req("?").decode()
    m = re.search(r"thread:p([0-9a-f]+)\.([0-9a-f]+);", stop)
    pid, tid = int(m.group(1), 16), int(m.group(2), 16)
    req("QPassSignals:10;1b;1d")  # SIGURG, SIGPROF, SIGWINCH (GDB numbers): not stops
    req("Z0,%x,1" % entry)
    stop = req("vCont;c").decode()
    if not stop.startswith("T05"):
        sys.exit("record: no stop at the entry: " + stop)
    req("z0,%x,1" % entry)
    req("Hgp%x.%x" % (pid, tid))
    steps = []
    entry_sp = None
    for _ in range(20000):
        g = req("g").decode()
        sp, pc = le64(g, 7), le64(g, 16)
        if entry_sp is None:
            entry_sp = sp
        elif sp > entry_sp:
            break  # returned to the caller: the end of the history
        lo = sp - STACK_BELOW
        win = req("m%x,%x" % (lo, STACK_BELOW + STACK_ABOVE)).decode()
        steps.append({"regs": g, "stack_lo": lo, "stack": win if not win.startswith("E") else ""})
        stop = req("vCont;s:p%x.%x" % (pid, tid)).decode()
        if not stop.startswith("T"):
            sys.exit("record: the step ended in " + stop)
        req("Hgp%x.%x" % (pid, tid))
    if any(not entry_sp - 4096 <= le64(st["regs"], 7) <= entry_sp for st in steps):
        # a signal handler ran during a step (on the signal stack): not the program's own history
        req("vKill;%x" % pid)
        sys.exit(2)
    threads = {}
    r = req("qfThreadInfo").decode()
    while r.startswith("m"):
        for t in r[1:].split(","):
            threads[int(t.split(".")[1], 16)] = None
        r = req("qsThreadInfo").decode()
    for t in threads:
        req("Hgp%x.%x" % (pid, t))
        threads[t] = req("g").decode()
    mem = []
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if parts[1][0] != "r" or hi - lo > 64 << 20 or (len(parts) > 5 and parts[5] == "[vvar]"):
                continue
            data = bytearray()
            for a in range(lo, hi, 0x1000):
                r = req("m%x,%x" % (a, 0x1000))
                if r.startswith(b"E") or not r:
                    data += bytes(0x1000)
                else:
                    data += bytes.fromhex(r.decode())
            mem.append({"lo": lo, "data": base64.b64encode(zlib.compress(bytes(data), 1)).decode()})
    req("vKill;%x" % pid)
    with open(out_path, "w") as f:
        json.dump({"pid": pid, "tid": tid, "tdesc": files, "steps": steps, "threads": threads,
                   "mem": mem}, f)
    print("recorded %d steps, %d threads, %d mappings" % (len(steps), len(threads), len(mem)))


# ------------------------------------------------------------------ serve

RR_FEATURES = ("PacketSize=100000;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
               "qXfer:exec-file:read+;qXfer:siginfo:read+;qXfer:siginfo:write+;multiprocess+;"
               "hwbreak+;swbreak+;ConditionalBreakpoints+;vContSupported+;QPassSignals+")


class Replay:
    def __init__(self, rec, reverse, log):
        self.rec = rec
        self.reverse = reverse
        self.log = log
        self.pid, self.tid = rec["pid"], rec["tid"]
        self.steps = rec["steps"]
        self.pos = 0
        self.at_end = False  # the synthetic SIGKILL was reported
        self.exited = False
        self.bps = set()
        self.gtid = self.tid
        self.mem = []
        for m in rec["mem"]:
            data = zlib.decompress(base64.b64decode(m["data"]))
            self.mem.append((m["lo"], m["lo"] + len(data), data))
        self.written = {}
        self.offsets = self._reg_offsets()

    def _reg_offsets(self):
        """regno -> (byte offset in 'g', size), from the description's reg elements."""
        out, regno, off = {}, 0, 0
        tdesc = self.rec["tdesc"]
        order = []

        def walk(name):
            text = tdesc[name]
            for m in re.finditer(r'<reg [^>]*>|<xi:include href="([^"]+)"', text):
                if m.group(1):
                    walk(m.group(1))
                else:
                    order.append(m.group(0))
        walk("target.xml")
        for r in order:
            n = re.search(r'regnum="(\d+)"', r)
            if n:
                regno = int(n.group(1))
            size = int(re.search(r'bitsize="(\d+)"', r).group(1)) // 8
            out[regno] = (off, size)
            off += size
            regno += 1
        return out

    def regs(self, tid):
        if tid == self.tid or tid <= 0:
            return self.steps[self.pos]["regs"]
        return self.rec["threads"].get(str(tid), self.steps[self.pos]["regs"])

    def read_byte(self, a):
        if a in self.written:
            return self.written[a]
        st = self.steps[self.pos]
        if st["stack"] and st["stack_lo"] <= a < st["stack_lo"] + len(st["stack"]) // 2:
            i = (a - st["stack_lo"]) * 2
            return int(st["stack"][i:i + 2], 16)
        for lo, hi, data in self.mem:
            if lo <= a < hi:
                return data[a - lo]
        return None

    def read(self, addr, n):
        out = bytearray()
        for a in range(addr, addr + n):
            b = self.read_byte(a)
            if b is None:
                break
            out.append(b)
        return bytes(out)

    def pc(self):
        return le64(self.steps[self.pos]["regs"], 16)

    def tstop(self, sig, reason=""):
        return ("T%02xthread:p%x.%x;%s" % (sig, self.pid, self.tid, reason)).encode()

    def forward(self, step):
        if self.exited:
            return b"W00"
        if self.at_end:
            self.exited = True
            return ("W00;process:%x" % self.pid).encode()
        while True:
            if self.pos + 1 >= len(self.steps):
                self.at_end = True
                return self.tstop(9)  # rr: SIGKILL just before the recorded exit
            self.pos += 1
            if step:
                return self.tstop(5)
            if self.pc() in self.bps:
                return self.tstop(5, "swbreak:;")

    def backward(self, step):
        self.at_end = False
        while True:
            if self.pos == 0:
                return self.tstop(5, "replaylog:begin;")
            self.pos -= 1
            if step:
                return self.tstop(5)
            if self.pc() in self.bps:
                return self.tstop(5, "swbreak:;")

    def handle(self, pkt):
        s = pkt.decode("latin-1")
        if s.startswith("qSupported"):
            f = RR_FEATURES + (";ReverseContinue+;ReverseStep+" if self.reverse else "")
            return f.encode()
        if s == "QStartNoAckMode":
            return b"OK"
        if s.startswith("qXfer:features:read:"):
            name, rng = s[len("qXfer:features:read:"):].rsplit(":", 1)
            off, ln = (int(x, 16) for x in rng.split(","))
            text = self.rec["tdesc"].get(name)
            if text is None:
                return b"E00"
            chunk = text.encode()[off:off + ln]
            return (b"l" if off + ln >= len(text) else b"m") + chunk
        if s.startswith("H"):
            m = re.match(r"H[gc]p([0-9a-f]+|-1)\.([0-9a-f]+|-1)", s)
            if s[1] == "g" and m and m.group(2) not in ("0", "-1"):
                self.gtid = int(m.group(2), 16)
            elif s[1] == "g":
                self.gtid = self.tid
            return b"OK"
        if s == "?":
            return self.tstop(5)
        if s == "vCont?":
            return b"vCont;c;C;s;S;"
        if s == "qC":
            return ("QCp%x.%x" % (self.pid, self.tid)).encode()
        if s == "qfThreadInfo":
            ts = [self.tid] + [int(t) for t in self.rec["threads"] if int(t) != self.tid]
            return ("m" + ",".join("p%x.%x" % (self.pid, t) for t in ts)).encode()
        if s == "qsThreadInfo":
            return b"l"
        if s == "qAttached" or s.startswith("qAttached:"):
            return b"1"
        if s.startswith("QPassSignals") or s.startswith("QProgramSignals"):
            return b"OK"
        if s == "g":
            return self.regs(self.gtid).encode()
        if s.startswith("p"):
            m = re.match(r"p([0-9a-f]+)(?:;thread:p?[0-9a-f.]+;)?", s)
            regno = int(m.group(1), 16)
            if regno not in self.offsets:
                return b"E45"
            off, size = self.offsets[regno]
            return self.regs(self.gtid)[off * 2:(off + size) * 2].encode()
        if s.startswith("m"):
            addr, n = (int(x, 16) for x in s[1:].split(","))
            data = self.read(addr, n)
            return data.hex().encode() if data else b"E14"
        if s.startswith("M"):
            return b""  # rr has no 'M': the client must use 'X'
        if s.startswith("X"):
            head, _, body = pkt.partition(b":")
            addr, n = (int(x, 16) for x in head[1:].decode().split(","))
            data = unescape(body)
            if len(data) != n:
                return b"E01"
            for i, b in enumerate(data):
                self.written[addr + i] = b
            return b"OK"
        if s[:2] in ("Z0", "Z1"):
            self.bps.add(int(s.split(",")[1], 16))
            return b"OK"
        if s[:2] in ("z0", "z1"):
            self.bps.discard(int(s.split(",")[1], 16))
            return b"OK"
        if s.startswith("vCont;"):
            acts = s[len("vCont;"):].split(";")
            return self.forward(step=any(a[:1] in ("s", "S") for a in acts))
        if s in ("c", "s") or re.match(r"[CS][0-9a-f]{2}$", s):
            return self.forward(step=s[0] in "sS")
        if s in ("bc", "bs"):
            if not self.reverse:
                return b""
            return self.backward(step=s == "bs")
        if s.startswith("vKill") or s == "k":
            self.exited = True
            return b"OK" if s.startswith("vKill") else None
        if s.startswith("D"):
            return b"OK"
        return b""

    def serve(self, sock):
        conn = Conn(sock.recv, sock.sendall)
        logf = open(self.log, "w") if self.log else None
        try:
            while True:
                pkt = conn.recv()
                if pkt == b"\x03":
                    continue  # every reply is at once: nothing ever runs
                if logf:
                    logf.write(pkt.decode("latin-1") + "\n")
                    logf.flush()
                reply = self.handle(pkt)
                if reply is None:
                    break
                conn.send(reply)
                if pkt == b"QStartNoAckMode":
                    conn.acks = False
                if pkt.startswith(b"D"):
                    break
        except (EOFError, ConnectionError):
            pass
        if logf:
            logf.close()


def serve(rec_path, port_file, reverse, log):
    with open(rec_path) as f:
        rec = json.load(f)
    rp = Replay(rec, reverse, log)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    import os
    os.rename(port_file + ".tmp", port_file)
    s, _ = ls.accept()
    rp.serve(s)
    s.close()


def main():
    a = sys.argv[1:]
    if a[:1] == ["record"] and len(a) == 4:
        record(a[1], int(a[2], 16), a[3])
    elif a[:1] == ["serve"] and len(a) >= 3:
        reverse = "--no-reverse" not in a
        log = a[a.index("--log") + 1] if "--log" in a else None
        serve(a[1], a[2], reverse, log)
    else:
        sys.exit("usage: rr_fake.py record PROG ENTRY_HEX OUT.json | "
                 "serve REC.json PORTFILE [--no-reverse] [--log FILE]")


if __name__ == "__main__":
    main()
