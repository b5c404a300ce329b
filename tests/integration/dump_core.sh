#!/bin/sh
# dump_core.sh - frontend/target/dump (godbg's `dump FILE`) on a live Go process, through gostub,
# stock gdbserver and lldb-server (each attached to tests/targets/dumptest with a 4 MiB heap and 8
# blocked goroutines), and through gostub once more with qMemoryRegionInfo and hex reads. For each:
#   1. tests/unit/test_dump check: the threads and every register the server gives, read live before
#      the dump, equal what corefile_open reads from the core; 512 bytes at every thread's sp and the
#      4 MiB heap pattern equal; an unreadable page (dumptest's HOLE: a shared mapping past the end of
#      its file) zero-filled and counted, not an error; NT_FILE, NT_AUXV and the pid present; progress reported and reaching
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

# start_lldb_server PID - lldb-server gdbserver attached to PID on a free port (it prints no port:
# read it from ss). Sets SERVER_PID, SERVER_PORT.
start_lldb_server() {
    lldb-server gdbserver 127.0.0.1:0 --attach "$1" >"$T/lldb-server.log" 2>&1 &
    SERVER_PID=$!
    track "$SERVER_PID"
    SERVER_PORT=
    for _ in $(seq 50); do
        SERVER_PORT=$(ss -ltnpH 2>/dev/null | grep "pid=$SERVER_PID," |
            sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' | head -n 1)
        [ -n "$SERVER_PORT" ] && break
        sleep 0.1
    done
    [ -n "$SERVER_PORT" ] || die "lldb-server did not start listening"
    log "started lldb-server, pid $SERVER_PID, port $SERVER_PORT"
}

# dump_case NAME gostub|gdbserver|lldb-server [VAR=VALUE...] - the variables go to test_dump
# (DUMP_REGION_INFO=1: mappings from qMemoryRegionInfo; DUMP_HEX=1: 'm' reads, not 'x').
dump_case() {
    dkind=$1 server=$2
    shift 2
    mkdir -p "$T/$dkind"
    DT_OUT=$T/$dkind/out
    "$bin" 4 >"$DT_OUT" 2>&1 &
    DT_PID=$!
    track "$DT_PID"
    wait_for_line "$DT_OUT" '^READY' 15 || { cat "$DT_OUT"; die "$dkind: dumptest did not start"; }
    heap=$(sed -n 's/^HEAP \(0x[0-9a-f]*\)$/\1/p' "$DT_OUT")
    if [ "$server" = lldb-server ]; then
        start_lldb_server "$DT_PID"
    else
        start_server "$server" "$DT_PID"
    fi
    core=$T/$dkind/core
    grep -q '^HOLE 0x' "$DT_OUT" || die "dumptest made no unreadable page"
    if ! env DUMP_EXPECT_HOLE=1 "$@" "$DRIVER" check "127.0.0.1:$SERVER_PORT" "$core" "$bin" "$heap" "$HEAP_LEN" \
        >"$T/$dkind/check" 2>&1; then
        cat "$T/$dkind/check"
        fail "$dkind: the core differs from the live process"
    else
        sed "s/^/$dkind: /" "$T/$dkind/check"
    fi
    [ -s "$core" ] || { fail "$dkind: no core written"; return; }

    # gdb: backtraces of every thread with Go function names, memory readable
    gdb -nx -batch -ex 'set auto-load off' -ex 'thread apply all bt' "$bin" "$core" \
        >"$T/$dkind/gdb" 2>&1
    if ! grep -Eq '^#[0-9]+ .* (runtime|main)\.[A-Za-z]' "$T/$dkind/gdb"; then
        cat "$T/$dkind/gdb"
        fail "$dkind: gdb shows no Go frames"
    elif grep -q 'Cannot access memory' "$T/$dkind/gdb"; then
        cat "$T/$dkind/gdb"
        fail "$dkind: gdb cannot read the core's memory"
    else
        log "$dkind: gdb bt: $(grep -Ec '^#[0-9]+ ' "$T/$dkind/gdb") frames, e.g. $(grep -Eo '(runtime|main)\.[A-Za-z]+' "$T/$dkind/gdb" | sort -u | head -n 4 | tr '\n' ' ')"
    fi

    # dlv core: the 8 blocked workers among the goroutines
    if command -v dlv >/dev/null 2>&1; then
        printf 'goroutines\nexit\n' >"$T/$dkind/dlv.init"
        timeout 60 dlv core "$bin" "$core" --init "$T/$dkind/dlv.init" \
            --allow-non-terminal-interactive=true </dev/null \
            >"$T/$dkind/dlv" 2>&1
        nw=$(grep -c 'main\.worker' "$T/$dkind/dlv")
        if [ "$nw" -ne 8 ]; then
            cat "$T/$dkind/dlv"
            fail "$dkind: dlv core lists $nw main.worker goroutines, expected 8"
        else
            log "$dkind: dlv core: $(grep -Ec '^[ *]+Goroutine [0-9]+' "$T/$dkind/dlv") goroutines, 8 in main.worker"
        fi
    else
        log "$dkind: dlv not installed: dlv core not checked"
    fi

    # the process runs on after the dump (the server detached)
    n1=$(grep -c '^GAP' "$DT_OUT")
    sleep 0.2
    kill -0 "$DT_PID" 2>/dev/null || fail "$dkind: the process died after the dump"
    log "$dkind: process alive after the dump ($n1 pauses over 50 ms seen)"
    kill -9 "$DT_PID" 2>/dev/null
}

dump_case gostub gostub
dump_case gdbserver gdbserver
# gostub again, through the paths lldb-server-like servers take: qMemoryRegionInfo and hex 'm' reads
dump_case gostub-regions gostub DUMP_REGION_INFO=1 DUMP_HEX=1
if command -v lldb-server >/dev/null 2>&1 && command -v ss >/dev/null 2>&1; then
    dump_case lldb-server lldb-server
else
    log "lldb-server or ss not installed: lldb-server not checked"
fi
lib_finish
