#!/usr/bin/env python3
"""rspcount.py - a counting TCP proxy for the GDB remote protocol (tests/bench/goroutines).

Usage: rspcount.py LISTEN_PORT_FILE UPSTREAM_HOST:UPSTREAM_PORT STATS_FILE [LOG_FILE]

Listens on 127.0.0.1 (a free port, written to LISTEN_PORT_FILE), accepts ONE client, connects it to
the upstream RSP server and copies bytes both ways unchanged. Counts, per direction, the RSP packets
("$...#xx" and "%...#xx" notifications; acks '+'/'-' and the 0x03 interrupt byte are not packets), and
the round trips: a server-to-client packet is a turnaround when at least one client-to-server packet
came after the previous server-to-client packet (the client waited for the server). Pipelined requests
answered together count once per reply burst - but a client that keeps a sliding window of requests
in flight (sends one more as each reply arrives) turns every reply into a "turnaround" by that rule,
although it never waits idle. So a second count, "waits": replies after which no request is
outstanding (requests sent minus replies received, '$' packets only, falls to zero), i.e. the times
the client had nothing in flight and had to wait a full round trip before it could go on - the
latency-bound count. When both sides are done, writes "c2s_packets N", "s2c_packets N",
"round_trips N", "waits N", "c2s_bytes N", "s2c_bytes N" (one per line) to STATS_FILE. With
LOG_FILE, also logs the first 60 bytes of every packet, "> " from the client and "< " from the server.
Not a test; it checks nothing and changes nothing.
"""
import select
import socket
import sys


class Counter:
    """Finds packet ends in one direction's byte stream (state survives across TCP reads)."""

    def __init__(self):
        self.state = 0  # 0 outside a packet, 1 in the body, 2/3 checksum digits left
        self.escape = False
        self.packets = 0
        self.bytes = 0
        self.notifications = 0
        self.cur = bytearray()
        self.done = []  # packets (first 60 bytes) ended by the last feed

    def feed(self, data):
        """Returns how many packets ended in data."""
        ended = 0
        self.bytes += len(data)
        self.done = []
        for b in data:
            if self.state != 0 and len(self.cur) < 60:
                self.cur.append(b)
            if self.state == 0:
                if b in (0x24, 0x25):  # '$' or '%'
                    self.state = 1
                    self.cur = bytearray([b])
            elif self.state == 1:
                if self.escape:
                    self.escape = False
                elif b == 0x7D:  # '}' escapes the next byte (so an escaped '#' is not the end)
                    self.escape = True
                elif b == 0x23:  # '#'
                    self.state = 2
            elif self.state == 2:
                self.state = 3
            else:
                self.state = 0
                ended += 1
                self.done.append(bytes(self.cur))
                if self.cur[:1] == b"%":
                    self.notifications += 1
        self.packets += ended
        return ended


def main():
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    host, port = sys.argv[2].rsplit(":", 1)
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    import os

    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    client, _ = lsock.accept()
    lsock.close()
    server = socket.create_connection((host, int(port)))
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    up, down = Counter(), Counter()
    round_trips = 0
    waits = 0
    outstanding = 0
    logf = open(sys.argv[4], "w") if len(sys.argv) == 5 else None
    client_sent_since_reply = False
    open_ends = {client: server, server: client}
    while open_ends:
        readable, _, _ = select.select(list(open_ends), [], [])
        for s in readable:
            data = s.recv(1 << 20)
            peer = open_ends[s]
            if not data:
                try:
                    peer.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                del open_ends[s]
                continue
            if s is client:
                if up.feed(data):
                    client_sent_since_reply = True
                outstanding += len(up.done)
                if logf:
                    for p in up.done:
                        logf.write("> %r\n" % p)
            else:
                if down.feed(data) and client_sent_since_reply:
                    round_trips += 1
                    client_sent_since_reply = False
                for p in down.done:
                    if logf:
                        logf.write("< %r\n" % p)
                    if p[:1] == b"$" and outstanding > 0:
                        outstanding -= 1
                        if outstanding == 0:
                            waits += 1
            peer.sendall(data)
    with open(sys.argv[3], "w") as f:
        f.write("c2s_packets %d\ns2c_packets %d\nround_trips %d\nwaits %d\nc2s_bytes %d\ns2c_bytes %d\n"
                % (up.packets, down.packets, round_trips, waits, up.bytes, down.bytes))
    if logf:
        logf.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
