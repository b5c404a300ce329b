#!/bin/sh
# tests/fuzz/corpus/record_replies.sh BUILDDIR - records what servers SEND (the client fuzzer's input)
# in one gdb session against gostub and one against gdbserver, and one lldb session against gostub,
# each attached to the test service; the logs go to tests/fuzz/corpus/replies/ for make_corpus.py.
# Not run by make check (needs ptrace, gdb, lldb, gdbserver, go). Run by hand after a protocol change:
#     sh tests/fuzz/corpus/record_replies.sh /tmp/build && python3 tests/fuzz/corpus/make_corpus.py
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
out=$here/replies
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
sh "$here/../../targets/build.sh" "$build/tests/targets/bin"
svc=$build/tests/targets/bin/service

start_service() {
    "$svc" >"$work/svc.out" 2>&1 &
    spid=$!
    while ! grep -q '^LISTEN' "$work/svc.out"; do sleep 0.1; done
    sport=$(sed -n 's/^LISTEN //p' "$work/svc.out")
}
start_server() { # gostub|gdbserver
    : >"$work/srv.log"
    if [ "$1" = gostub ]; then
        "$build/stub/gostub" --listen 127.0.0.1:0 "$spid" >"$work/srv.log" 2>&1 &
    else
        gdbserver --once --attach 127.0.0.1:0 "$spid" >"$work/srv.log" 2>&1 &
    fi
    while ! grep -q 'Listening on port' "$work/srv.log"; do sleep 0.1; done
    port=$(sed -n 's/.*Listening on port \([0-9]*\).*/\1/p' "$work/srv.log")
}
gdb_session() { # SERVER
    start_service
    start_server "$1"
    (sleep 3; curl -s -m 20 "http://127.0.0.1:$sport/ping" >/dev/null) &
    cpid=$!
    timeout 120 gdb -nx -batch -iex 'set auto-load off' -ex "set remotelogfile $work/gdb-$1.log" \
        -ex "target remote 127.0.0.1:$port" -ex 'info threads' -ex 'break main.handle' \
        -ex 'break main.describe' -ex 'continue' -ex 'bt' -ex 'print hits' -ex 'watch main.hits' \
        -ex 'continue' -ex 'delete' -ex 'stepi' -ex 'x/64xb $pc' -ex 'x/8xg $sp' -ex 'info registers' \
        -ex 'print $_siginfo.si_signo' -ex 'monitor help' -ex 'detach' "$svc" >/dev/null 2>&1 || true
    wait "$cpid" || true
    kill "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
    kill "$spid" 2>/dev/null || true
    grep '^r ' "$work/gdb-$1.log" | cut -c3- >"$out/gdb-$1.r"
}
lldb_session() {
    start_service
    start_server gostub
    (sleep 4; curl -s -m 20 "http://127.0.0.1:$sport/ping" >/dev/null) &
    cpid=$!
    timeout 120 lldb --no-lldbinit -b -o "log enable -f $work/lldb.log gdb-remote packets" \
        -o "gdb-remote 127.0.0.1:$port" -o 'thread list' -o 'register read' \
        -o 'breakpoint set -n main.handle' -o 'continue' -o 'bt' -o 'thread step-over' \
        -o 'memory read $sp' -o 'detach' "$svc" >/dev/null 2>&1 </dev/null || true
    wait "$cpid" || true
    kill "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
    kill "$spid" 2>/dev/null || true
    # "read packet: $...#xx" lines are what lldb received
    sed -n 's/.*read packet: //p' "$work/lldb.log" >"$out/lldb-gostub.r"
}
gdb_session gostub
gdb_session gdbserver
lldb_session
wc -l "$out"/*.r
