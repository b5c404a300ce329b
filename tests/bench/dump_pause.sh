#!/bin/sh
# tests/bench/dump_pause.sh [MIB] - how long a process is stopped while a core of it is written, for
# doc/internals/dump.md. Not a test: nothing is asserted. Run from a build folder after `make`
# (needs tests/unit/test_dump, stub/gostub, go, gdb, gdbserver):
#
#   A. godbg's dump (tgt_dump_core, via test_dump time) through gostub attached to the process, with
#      binary 'x' reads (what it uses with gostub) and again with hex 'm' reads (DUMP_HEX=1)
#   B. gdb -batch -ex 'target remote :PORT' -ex 'gcore FILE' through gdbserver --attach
#
# ROUNDS=N repeats (default 1): the machine's load shows in the numbers.
# The process (tests/targets/dumptest MIB: MIB MiB of heap, every page written) measures its own pause:
# it sleeps 1 ms at a time and prints "GAP <ms>" when a sleep took longer than 50 ms. The longest gap
# during each run is the pause (from the server's attach to its detach). The client's wall time and
# the core's size are printed too.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd go gdb gdbserver
need_gostub
MIB=${1:-1024}
DRIVER=$top_builddir/tests/unit/test_dump
out=$top_builddir/tests/targets/dumptest
bin=$out/dumptest
src=$top_srcdir/tests/targets/dumptest/main.go
mkdir -p "$out"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    (GOCACHE=$out/.gocache GOPATH=$out/.gopath GO111MODULE=off GOFLAGS= GOPROXY=off CGO_ENABLED=0 \
        HOME=${HOME:-$out} go build -o "$bin" -ldflags=-compressdwarf=false "$src") || die "go build"
fi

"$bin" "$MIB" >"$T/out" 2>&1 &
PID=$!
track "$PID"
wait_for_line "$T/out" '^READY' 120 || die "dumptest did not start"
sleep 1
log "dumptest $MIB MiB, pid $PID, VmRSS $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$PID/status)"

maxgap() { # maxgap FROM_LINE - the longest GAP after line FROM_LINE of the output
    tail -n +"$1" "$T/out" | sed -n 's/^GAP //p' | sort -n | tail -n 1
}
now_ms() { date +%s%3N; }

godbg_dump() { # godbg_dump LABEL [VAR=VALUE...] (DUMP_HEX=1: 'm' reads instead of 'x')
    label=$1
    shift
    n=$(($(wc -l <"$T/out") + 1))
    t0=$(now_ms)
    start_server gostub "$PID"
    env "$@" "$DRIVER" time "127.0.0.1:$SERVER_PORT" "$T/core.godbg" || die "dump failed"
    t1=$(now_ms)
    wait_exit "$SERVER_PID" 10 || kill "$SERVER_PID"
    sleep 0.5
    log "$label godbg dump via gostub $*: pause $(maxgap "$n") ms, server start to dump done $((t1 - t0)) ms, core $(du -k "$T/core.godbg" | cut -f1) KiB on disk, $(stat -c %s "$T/core.godbg") bytes"
    rm -f "$T/core.godbg"
}

for round in $(seq "${ROUNDS:-1}"); do
    godbg_dump "A$round"
    godbg_dump "A$round-hex" DUMP_HEX=1

    n=$(($(wc -l <"$T/out") + 1))
    t0=$(now_ms)
    start_server gdbserver "$PID"
    gdb -nx -batch -ex 'set auto-load off' -ex "target remote 127.0.0.1:$SERVER_PORT" \
        -ex "gcore $T/core.gdb" >"$T/gdb.out" 2>&1 || { cat "$T/gdb.out"; die "gcore failed"; }
    t1=$(now_ms)
    wait_exit "$SERVER_PID" 10 || kill "$SERVER_PID"
    sleep 0.5
    log "B$round gdb gcore via gdbserver: pause $(maxgap "$n") ms, server start to gdb exit $((t1 - t0)) ms, core $(du -k "$T/core.gdb" | cut -f1) KiB on disk, $(stat -c %s "$T/core.gdb") bytes"
    rm -f "$T/core.gdb"
done
lib_finish
