#!/usr/bin/env python3
"""tests/integration/hostile/fault_client.py - the client side of one fault-injection run.

Usage: fault_client.py PORT STATE HANDLE DESCRIBE HITS TEXT RESET_MS
  STATE: running  breakpoints on HANDLE and DESCRIBE, continue, continue again at every hit
         stopped  the same, but stays stopped at the first hit (asks '?' every 20 ms)
         step     stopped at the first hit, then single-steps that thread again and again
         watch    a write watchpoint (Z2) on the 8 bytes at HITS, continue at every hit
         bigread  no breakpoints; reads 4 MiB from TEXT in 64 KiB 'm' packets, pipelined, again and
                  again (the process stays stopped)
  Addresses are hex. Prints "STATE <name>" once the state is reached (the test then waits a random
  time and strikes). RESET_MS > 0: the client itself resets the connection (TCP RST) that many
  milliseconds after reaching the state. Otherwise it goes on until killed or until the stub goes.
  Exit 0 on reset or when the stub closed the connection, 1 on a protocol surprise (printed).
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rsp  # noqa: E402


class Reset(Exception):
    pass


def main():
    port, state = int(sys.argv[1]), sys.argv[2]
    handle, describe, hits, text = sys.argv[3:7]
    reset_ms = int(sys.argv[7])
    c = rsp.Conn(port)
    deadline = [None]

    def reply():
        if deadline[0] is None:
            return c.reply(timeout=60)
        left = deadline[0] - time.monotonic()
        if left <= 0:
            raise Reset()
        try:
            return c.reply(timeout=left)
        except socket.timeout:
            raise Reset()

    def req(p):
        c.send(p)
        return reply()

    def reached():
        print('STATE', state, flush=True)
        if reset_ms > 0:
            deadline[0] = time.monotonic() + reset_ms / 1000.0

    def expect(p, want):
        r = req(p)
        if r != want:
            raise rsp.ProtocolError('%s -> %r' % (p, r[:80]))

    def cont_until_hit():
        c.send('vCont;c')
        while True:
            r = reply()
            if r[:1] == b'T':
                return r
            if r[:1] in (b'W', b'X'):
                raise rsp.ProtocolError('the process ended: %r' % r)

    try:
        c.handshake()
        req('?')
        if state in ('running', 'stopped', 'step'):
            expect('Z0,%s,1' % handle, b'OK')
            expect('Z0,%s,1' % describe, b'OK')
        if state == 'running':
            c.send('vCont;c')
            reached()
            while True:
                r = reply()
                if r[:1] == b'T':
                    c.send('vCont;c')
        elif state == 'stopped':
            cont_until_hit()
            reached()
            while True:
                req('?')
                time.sleep(0.02)
        elif state == 'step':
            tid = rsp.stop_thread(cont_until_hit())
            reached()
            while True:
                r = req('vCont;s:%s' % tid)
                if r[:1] != b'T':
                    raise rsp.ProtocolError('step -> %r' % r[:80])
        elif state == 'watch':
            expect('Z2,%s,8' % hits, b'OK')
            c.send('vCont;c')
            reached()
            while True:
                r = reply()
                if r[:1] == b'T':
                    c.send('vCont;c')
        elif state == 'bigread':
            base = int(text, 16)
            reached()
            while True:
                for k in range(64):
                    c.send('m%x,10000' % (base + k * 0x10000))
                for k in range(64):
                    reply()
        else:
            raise SystemExit('unknown state ' + state)
    except Reset:
        c.reset()
        print('RESET', flush=True)
        return 0
    except (EOFError, ConnectionResetError, BrokenPipeError):
        print('CLOSED by the stub', flush=True)
        return 0
    except rsp.ProtocolError as e:
        print('PROTOCOL', e, flush=True)
        return 1
    except socket.timeout:
        print('TIMEOUT', flush=True)
        return 1


if __name__ == '__main__':
    sys.exit(main())
