#!/bin/sh
# dump_core.sh - frontend/target/dump (godbg's `dump FILE`) on a live Go process, through gostub and
# through stock gdbserver (both attached to tests/targets/dumptest with a 4 MiB heap and 8 blocked
# goroutines). For each server:
#   1. tests/unit/test_dump check: the threads and every register the server gives, read live before
#      the dump, equal what corefile_open reads from the core; 512 bytes at every thread's sp and the
#      4 MiB heap pattern equal; NT_FILE, NT_AUXV and the pid present; progress reported and reaching
#      the total.
#   2. gdb -batch BINARY CORE -ex 'thread apply all bt': Go frames (main.worker under runtime.gopark on
#      some thread is not guaranteed, so: main.main or runtime frames, and no "Cannot access memory").
#   3. dlv core BINARY CORE with an --init file (goroutines, exit): lists the 8 main.worker goroutines.
# The process keeps running after each dump (the servers detach): checked by its GAP clock going on.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd go gdb gdbserver
need_ptrace
need_gostub
DRIVER=$top_builddir/tests/unit/test_dump
[ -x "$DRIVER" ] || die "$DRIVER not built (make check builds it)"

out=$top_builddir/tests/targets/dumptest
mkdir -p "$out"
bin=$out/dumptest
src=$top_srcdir/tests/targets/dumptest/main.go
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
    (GOCACHE=$out/.gocache GOPATH=$out/.gopath GO111MODULE=off GOFLAGS= GOPROXY=off CGO_ENABLED=0 \
        HOME=${HOME:-$out} go build -o "$bin.tmp$$" -ldflags=-compressdwarf=false "$src" &&
        mv -f "$bin.tmp$$" "$bin") || die "building $bin failed"
fi

HEAP_LEN=$((4 << 20))

dump_case() { # dump_case gostub|gdbserver
    kind=$1
    mkdir -p "$T/$kind"
    DT_OUT=$T/$kind/out
    "$bin" 4 >"$DT_OUT" 2>&1 &
    DT_PID=$!
    track "$DT_PID"
    wait_for_line "$DT_OUT" '^READY' 15 || { cat "$DT_OUT"; die "$kind: dumptest did not start"; }
    heap=$(sed -n 's/^HEAP \(0x[0-9a-f]*\)$/\1/p' "$DT_OUT")
    start_server "$kind" "$DT_PID"
    core=$T/$kind/core
    if ! "$DRIVER" check "127.0.0.1:$SERVER_PORT" "$core" "$bin" "$heap" "$HEAP_LEN" \
        >"$T/$kind/check" 2>&1; then
        cat "$T/$kind/check"
        fail "$kind: the core differs from the live process"
    else
        sed "s/^/$kind: /" "$T/$kind/check"
    fi
    [ -s "$core" ] || { fail "$kind: no core written"; return; }

    # gdb: backtraces of every thread with Go function names, memory readable
    gdb -nx -batch -ex 'set auto-load off' -ex 'thread apply all bt' "$bin" "$core" \
        >"$T/$kind/gdb" 2>&1
    if ! grep -Eq '^#[0-9]+ .* (runtime|main)\.[A-Za-z]' "$T/$kind/gdb"; then
        cat "$T/$kind/gdb"
        fail "$kind: gdb shows no Go frames"
    elif grep -q 'Cannot access memory' "$T/$kind/gdb"; then
        cat "$T/$kind/gdb"
        fail "$kind: gdb cannot read the core's memory"
    else
        log "$kind: gdb bt: $(grep -Ec '^#[0-9]+ ' "$T/$kind/gdb") frames, e.g. $(grep -Eo '(runtime|main)\.[A-Za-z]+' "$T/$kind/gdb" | sort -u | head -n 4 | tr '\n' ' ')"
    fi

    # dlv core: the 8 blocked workers among the goroutines
    if command -v dlv >/dev/null 2>&1; then
        printf 'goroutines\nexit\n' >"$T/$kind/dlv.init"
        timeout 60 dlv core "$bin" "$core" --init "$T/$kind/dlv.init" \
            --allow-non-terminal-interactive=true </dev/null \
            >"$T/$kind/dlv" 2>&1
        nw=$(grep -c 'main\.worker' "$T/$kind/dlv")
        if [ "$nw" -ne 8 ]; then
            cat "$T/$kind/dlv"
            fail "$kind: dlv core lists $nw main.worker goroutines, expected 8"
        else
            log "$kind: dlv core: $(grep -Ec '^[ *]+Goroutine [0-9]+' "$T/$kind/dlv") goroutines, 8 in main.worker"
        fi
    else
        log "$kind: dlv not installed: dlv core not checked"
    fi

    # the process runs on after the dump (the server detached)
    n1=$(grep -c '^GAP' "$DT_OUT")
    sleep 0.2
    kill -0 "$DT_PID" 2>/dev/null || fail "$kind: the process died after the dump"
    log "$kind: process alive after the dump ($n1 pauses over 50 ms seen)"
    kill -9 "$DT_PID" 2>/dev/null
}

dump_case gostub
dump_case gdbserver
lib_finish
