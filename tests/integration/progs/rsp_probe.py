#!/usr/bin/python3
# tests/integration/progs/rsp_probe.py - a minimal GDB remote protocol client for the security tests:
# connects (TCP or Unix socket), sends each packet given, and prints one marker line per event, so
# the shell tests can check what a peer saw without gdb's own retries and messages in the way.
#   rsp_probe.py tcp:HOST:PORT|unix:PATH [PACKET...]
# Prints "CONNECTED", then for each packet "REPLY <payload>" (the ack is skipped); "CLOSED <n>" when
# the stub closed the connection (n = bytes received in all, before the close); "CONNECT-ERROR
# <errno name>" when the connection itself failed. Exit 0 after all replies, 3 when closed, 4 when
# the connect failed. Not a protocol library: no escapes, no RLE, no no-ack mode.
import errno
import socket
import sys


def frame(payload):
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xFF)


def main():
    addr, packets = sys.argv[1], sys.argv[2:]
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = addr[5:]
    else:
        host, port = addr[4:].rsplit(":", 1)
        host = host.strip("[]")
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        target = (host, int(port))
    s.settimeout(5)
    try:
        s.connect(target)
    except OSError as e:
        print("CONNECT-ERROR", errno.errorcode.get(e.errno, str(e.errno)), flush=True)
        return 4
    print("CONNECTED", flush=True)
    got = 0
    buf = b""
    for p in packets:
        try:
            s.sendall(frame(p.encode()))
        except OSError:
            print("CLOSED", got, flush=True)
            return 3
        while True:
            start = buf.find(b"$")
            end = buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(buf) >= end + 3:
                print("REPLY", buf[start + 1:end].decode("latin-1"), flush=True)
                buf = buf[end + 3:]
                break
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                print("TIMEOUT", flush=True)
                return 5
            except OSError:
                chunk = b""
            if not chunk:
                print("CLOSED", got, flush=True)
                return 3
            got += len(chunk)
            buf += chunk
    s.close()
    return 0


sys.exit(main())
