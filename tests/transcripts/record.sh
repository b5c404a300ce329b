#!/bin/sh
# tests/transcripts/record.sh - re-records the client sessions the replay test uses, against the real
# servers (gdbserver, lldb-server), and extracts the clients' requests into the .req files.
# Not run by `make check` (it needs ptrace and takes a minute); run it by hand from this folder after
# a client upgrade:  sh record.sh   (needs gcc, gdb, gdbserver, lldb, lldb-server, python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
cat > prog.c <<'C'
#include <pthread.h>
#include <unistd.h>
volatile int counter;
static void *worker(void *arg) { (void)arg; for (;;) { counter++; usleep(1000); } return NULL; }
int tick(int n) { counter += n; return counter; }
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    for (int i = 0; ; i++) { tick(i); usleep(10000); if (i > 1000000) break; }
    return 0;
}
C
gcc -g -O0 -pthread -o prog prog.c
port=$((20000 + $$ % 20000))

# gdb, launch mode: breakpoints (sw, hw, temporary), finish/next/step, an inferior call, kill.
gdbserver --once 127.0.0.1:$port ./prog >/dev/null 2>&1 & sleep 1
timeout 120 gdb -nx -batch -ex "set remotelogfile $work/gdb-launch.log" -ex "target remote :$port" \
    -ex 'break tick' -ex 'continue' -ex 'info threads' -ex 'bt' -ex 'finish' -ex 'next' -ex 'next' \
    -ex 'step' -ex 'hbreak tick' -ex 'tbreak prog.c:10' -ex 'continue' -ex 'continue' \
    -ex 'info breakpoints' -ex 'x/s "abc"' -ex 'kill' ./prog >/dev/null 2>&1 || true
wait
port=$((port + 1))

# gdb, attach mode: threads, a breakpoint, a memory write, a watchpoint, stepi, registers, siginfo,
# monitor, detach.
./prog & pid=$!; sleep 0.5
gdbserver --once --attach 127.0.0.1:$port $pid >/dev/null 2>&1 & sleep 1
timeout 120 gdb -nx -batch -ex "set remotelogfile $work/gdb-attach.log" -ex "target remote :$port" \
    -ex 'info threads' -ex 'thread 2' -ex 'bt' -ex 'thread 1' -ex 'break tick' -ex 'continue' -ex 'bt' \
    -ex 'print counter' -ex 'set var counter = 5' -ex 'watch counter' -ex 'continue' -ex 'delete' \
    -ex 'stepi' -ex 'x/8xb $pc' -ex 'info registers' -ex 'print $_siginfo.si_signo' \
    -ex 'monitor help' -ex 'detach' ./prog >/dev/null 2>&1 || true
kill $pid; port=$((port + 1))

# gdb, interrupted while running (SIGINT to gdb makes it send 0x03).
./prog & pid=$!; sleep 0.5
gdbserver --once --attach 127.0.0.1:$port $pid >/dev/null 2>&1 & sleep 1
timeout 60 gdb -nx -batch -ex "set remotelogfile $work/gdb-interrupt.log" -ex "target remote :$port" \
    -ex 'continue' -ex 'info threads' -ex 'detach' ./prog >/dev/null 2>&1 & gdbpid=$!
sleep 5; kill -INT $gdbpid || true; sleep 2; kill -INT $gdbpid 2>/dev/null || true; wait $gdbpid || true
kill $pid; port=$((port + 1))

# lldb against lldb-server and against gdbserver, attach mode.
lldb_session() { # LOG PORT
    timeout 120 lldb -b -o "log enable -f $work/$1 gdb-remote packets" -o "gdb-remote 127.0.0.1:$2" \
        -o 'thread list' -o 'bt' -o 'register read' -o 'breakpoint set -n tick' -o 'continue' -o 'bt' \
        -o 'frame variable' -o 'thread step-over' -o 'memory read $sp' \
        -o 'watchpoint set variable counter' -o 'continue' -o 'detach' ./prog >/dev/null 2>&1 || true
}
./prog & pid=$!; sleep 0.5
lldb-server gdbserver 127.0.0.1:$port --attach $pid >/dev/null 2>&1 & sleep 1
lldb_session lldb-llgs.log $port; kill $pid 2>/dev/null || true; port=$((port + 1))
./prog & pid=$!; sleep 0.5
gdbserver --once --attach 127.0.0.1:$port $pid >/dev/null 2>&1 & sleep 1
lldb_session lldb-gdbserver.log $port; kill $pid 2>/dev/null || true

python3 "$here/extract.py" gdb gdb-launch.log > "$here/gdb-launch.req"
python3 "$here/extract.py" gdb gdb-attach.log > "$here/gdb-attach.req"
python3 "$here/extract.py" gdb gdb-interrupt.log > "$here/gdb-interrupt.req"
python3 "$here/extract.py" lldb lldb-llgs.log > "$here/lldb-llgs-attach.req"
python3 "$here/extract.py" lldb lldb-gdbserver.log > "$here/lldb-gdbserver-attach.req"
wc -l "$here"/*.req
