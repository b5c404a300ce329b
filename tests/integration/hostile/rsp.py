"""tests/integration/hostile/rsp.py - a raw GDB Remote Serial Protocol client for the hostile-client and
fault-injection tests. It speaks exactly what it is told: packets are framed but never checked or
corrected on the way out, so a test can send bad checksums, bad escapes and truncated frames. Python 3
standard library only.

Conn(port) connects to 127.0.0.1:port. send(payload) frames one packet ($payload#cs, payload bytes
as given: no escaping, so a test chooses its escapes); raw(bytes) writes anything; reply() returns the
next packet's payload (RLE expanded, escapes kept), skipping acks, and acks it in ack mode; req()
sends and returns the reply. noack() negotiates QStartNoAckMode. reset() closes with SO_LINGER 0, so
the peer sees a TCP reset.
"""
import socket
import struct
import time


class ProtocolError(Exception):
    pass


def checksum(data):
    return b'%02x' % (sum(data) & 0xff)


def frame(payload):
    return b'$' + payload + b'#' + checksum(payload)


def escape(data):
    out = bytearray()
    for b in data:
        if b in b'#$}*':
            out += bytes([0x7d, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def unescape(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x7d and i + 1 < len(data):
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def rle_expand(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x2a and out and i + 1 < len(data):  # '*'
            out += bytes([out[-1]]) * (data[i + 1] - 29)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class Conn:
    def __init__(self, port, timeout=20.0, host='127.0.0.1'):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.ack = True
        self.timeout = timeout

    def raw(self, data):
        self.sock.sendall(data)

    def send(self, payload):
        if isinstance(payload, str):
            payload = payload.encode('latin-1')
        self.raw(frame(payload))

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout('no reply')
        self.sock.settimeout(left)
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError('connection closed by the stub')
        self.buf += chunk

    def reply(self, timeout=None):
        """The next packet's payload (bytes). O console packets are returned like any other."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            while self.buf[:1] in (b'+', b'-'):
                del self.buf[0]
            start = self.buf.find(b'$')
            if start > 0:
                del self.buf[:start]
                start = 0
            if start == 0:
                end = self.buf.find(b'#')
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = bytes(self.buf[1:end])
                    cs = bytes(self.buf[end + 1:end + 3])
                    del self.buf[:end + 3]
                    if self.ack:
                        self.raw(b'+')
                    if cs != checksum(payload) and self.ack:
                        raise ProtocolError('bad checksum in reply %r' % payload[:60])
                    return rle_expand(payload)
            self._fill(deadline)

    def req(self, payload, timeout=None):
        self.send(payload)
        return self.reply(timeout)

    def noack(self):
        r = self.req('QStartNoAckMode')
        if r != b'OK':
            raise ProtocolError('QStartNoAckMode: %r' % r)
        self.ack = False

    def handshake(self, features='multiprocess+;swbreak+;hwbreak+;vContSupported+;no-resumed+'):
        self.raw(b'+')
        r = self.req('qSupported:' + features)
        self.noack()
        return r

    def reset(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()


def stop_thread(reply):
    """The thread id (hex text after 'thread:', without a pPID. prefix) of a T stop reply, or None."""
    for field in reply[3:].split(b';'):
        if field.startswith(b'thread:'):
            t = field[7:]
            if b'.' in t:
                t = t.split(b'.', 1)[1]
            return t.decode()
    return None
