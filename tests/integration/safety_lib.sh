# tests/integration/safety_lib.sh - helpers for the lldb and production-safety tests, on top of
# tests/lib.sh (source this file instead of lib.sh; it sources lib.sh). POSIX sh.
#
# What it adds to lib.sh:
#   - gdb_open/gdb_send/gdb_wait/gdb_mark/gdb_kill/gdb_close/gdb_attach: a stock gdb driven one command
#     at a time through a FIFO, so that a test can act between commands (send a request, read /proc)
#     and kill -9 the client at any moment (batch mode runs a whole script and cannot be stopped at a
#     chosen point);
#   - arm_and_hit, check_held_request: two breakpoints and a hardware watchpoint in the service, one
#     request held at the first; check_released: lib.sh's checks, after making sure the process lives;
#   - expect_server_exit, check_server_log: gostub exits, not by a signal, without sanitizer reports;
#   - start_safety_server/need_server (SAFETY_SERVER=gdbserver for a contrast run), start_lldb_server,
#     run_lldb, build_bench_targets (tests/bench/targets, used by the reset test and the benchmark).
# Not for: expectations of a particular test.

. "$top_srcdir/tests/lib.sh"

# gdb_open BINARY - starts gdb on BINARY, reading commands from a FIFO. Sets GDB_PID and GDB_OUT (its
# stdout and stderr). gdb reading a pipe prints its prompt without a newline, so output lines start
# with "(gdb) " at random; match markers with gdb_mark, which allows for it. Unlike a sourced script,
# gdb reading its input goes on after a command fails. "set sysroot /": the binary and libraries are
# read locally rather than fetched through vFile (these tests are not about file transfer).
gdb_open() {
    LIB_N=$((LIB_N + 1))
    GDB_OUT=$T/gdb.$LIB_N.out
    gdb_fifo=$T/gdb.$LIB_N.in
    mkfifo "$gdb_fifo" || die "mkfifo $gdb_fifo"
    gdb -nx -q -iex 'set auto-load off' -iex 'set pagination off' -iex 'set confirm off' \
        -iex 'set width 0' -iex 'set height 0' -iex 'set remotetimeout 30' -iex 'set sysroot /' \
        "$1" <"$gdb_fifo" >"$GDB_OUT" 2>&1 &
    GDB_PID=$!
    track "$GDB_PID"
    # Descriptor 8 keeps the FIFO open for writing until gdb_close (or the test ends).
    exec 8>"$gdb_fifo"
}

# gdb_send CMD... - one command line per argument.
gdb_send() {
    for c in "$@"; do
        printf '%s\n' "$c" >&8 || die "gdb (pid $GDB_PID) is gone"
    done
}

# gdb_wait ERE [SECONDS] - waits for a line of gdb's output matching ERE (default 20 s); on timeout the
# test dies with gdb's output in the log.
gdb_wait() {
    if ! wait_for_line "$GDB_OUT" "$1" "${2:-20}"; then
        log "gdb output so far:"
        sed 's/^/  | /' "$GDB_OUT"
        [ -n "${SERVER_LOG:-}" ] && { log "server log:"; sed 's/^/  | /' "$SERVER_LOG" | tail -n 40; }
        die "gdb never printed a line matching '$1'"
    fi
}

# gdb_mark NAME [SECONDS] - sends "echo MARK NAME" and waits for it: every command sent before has run.
gdb_mark() {
    gdb_send "echo MARK $1\\n"
    gdb_wait "(^|\(gdb\) )MARK $1\$" "${2:-20}"
}

# gdb_kill - kill -9 the client, the way an ssh session or a laptop goes away: no detach, no packets.
gdb_kill() {
    kill -9 "$GDB_PID" 2>/dev/null
    wait "$GDB_PID" 2>/dev/null
    exec 8>&-
    log "killed gdb (pid $GDB_PID) with SIGKILL"
}

# gdb_close - ends gdb's input (gdb quits at end of file) and waits for it (10 s, then kill -9).
gdb_close() {
    exec 8>&-
    wait_exit "$GDB_PID" 10 || kill -9 "$GDB_PID" 2>/dev/null
    wait "$GDB_PID" 2>/dev/null
}

# expect_server_exit WHAT [SECONDS] - gostub without --persist exits once its client has gone and the
# process is released; a stub that lingers (still tracing, or just still there) is a failure, and so is
# one that died of a signal (SIGPIPE on a reset socket, SIGSEGV) or whose log holds a sanitizer report.
expect_server_exit() {
    if wait_exit "$SERVER_PID" "${2:-10}"; then
        wait "$SERVER_PID" 2>/dev/null
        sstatus=$?
        log "$1: server pid $SERVER_PID exited with status $sstatus"
        [ "$sstatus" -lt 128 ] || fail "$1: the server died of signal $((sstatus - 128))"
    else
        fail "$1: server pid $SERVER_PID still running ${2:-10} s after its client went away"
        sed 's/^/  | /' "$SERVER_LOG" | tail -n 40
    fi
    check_server_log "$1"
}

# check_server_log WHAT - fails when the server's log holds an AddressSanitizer or UBSan report.
check_server_log() {
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$SERVER_LOG" 2>/dev/null; then
        fail "$1: sanitizer report in the server's log:"
        grep -E -A 12 'AddressSanitizer|LeakSanitizer|runtime error:' "$SERVER_LOG" | head -n 40
    fi
}

# start_lldb_server PID - lldb-server attached to PID on 127.0.0.1 port 0; the port comes back through
# --pipe (lldb-server prints nothing useful on stdout). Sets SERVER_PID, SERVER_PORT, SERVER_LOG.
start_lldb_server() {
    LIB_N=$((LIB_N + 1))
    SERVER_LOG=$T/lldb-server.$LIB_N.log
    lport=$T/lldb-server.$LIB_N.port
    : >"$lport"
    lldb-server gdbserver 127.0.0.1:0 --attach "$1" --pipe 3 3>"$lport" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    track "$SERVER_PID"
    i=0
    SERVER_PORT=
    while [ -z "$SERVER_PORT" ]; do
        SERVER_PORT=$(tr -cd '0-9' <"$lport")
        [ -n "$SERVER_PORT" ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$i" -ge 150 ]; then
            cat "$SERVER_LOG"
            die "lldb-server did not start listening"
        fi
        sleep 0.1
        i=$((i + 1))
    done
    log "started lldb-server, pid $SERVER_PID, port $SERVER_PORT"
}

# run_lldb OUTFILE CMD... - lldb 14 in batch mode running each CMD as one -o command (no CMD may hold a
# single quote), stdout and stderr to OUTFILE (carriage returns removed), killed after LLDB_TIMEOUT
# seconds (default 40); returns lldb's status. Run it in the background to act while lldb runs: the
# output grows line by line in OUTFILE.raw (wait_for_line on that file).
# lldb block-buffers its output into a file, so a test could not see "Process N resuming" before the
# process stops again; under a pseudo-terminal (util-linux script, an essential Debian package) it
# writes each line as it goes. Debian's lldb prints a Python traceback ("No module named
# 'lldb.embedded_interpreter'") at start whatever PATH says: python3-lldb-14 ships the _lldb.so links
# but not the package's .py files. The traceback is harmless and the tests never look at it.
run_lldb() {
    lout=$1
    shift
    lcmd="lldb --no-lldbinit --batch"
    for c in "$@"; do
        lcmd="$lcmd -o '$c'"
    done
    : >"$lout.raw"
    timeout -k 5 "${LLDB_TIMEOUT:-40}" script -qfec "$lcmd" "$lout.raw" </dev/null >/dev/null 2>&1
    lstatus=$?
    tr -d '\r' <"$lout.raw" >"$lout"
    return $lstatus
}

# SAFETY_SERVER=gdbserver runs a safety test against gdbserver instead of gostub, to show what the test
# catches (gdbserver fails most of them: it leaves breakpoints in the text and stays attached when its
# client vanishes). Only gostub is expected to pass; the suite never sets it.
SAFETY_SERVER=${SAFETY_SERVER:-gostub}

# need_server - need_gostub, or gdbserver when SAFETY_SERVER says so.
need_server() {
    if [ "$SAFETY_SERVER" = gostub ]; then
        need_gostub
    else
        need_cmd "$SAFETY_SERVER"
    fi
}

# start_safety_server PID [GOSTUB-OPTIONS...] - start_server with $SAFETY_SERVER attached to PID; the
# options are gostub's (gdbserver gets none).
start_safety_server() {
    spid=$1
    shift
    if [ "$SAFETY_SERVER" = gostub ]; then
        GOSTUB_FLAGS="${GOSTUB_FLAGS:-} $*" start_server gostub "$spid"
    else
        start_server "$SAFETY_SERVER" "$spid"
    fi
}

# build_bench_targets - builds tests/bench/targets (heapsvc) into $BENCH_BIN.
BENCH_BIN=$top_builddir/tests/bench/bin
build_bench_targets() {
    need_cmd go
    sh "$top_srcdir/tests/bench/targets/build.sh" "$BENCH_BIN" || die "building the bench targets failed"
}

# gdb_attach - the first commands of every safety session: connect and wait until gdb has the stop.
gdb_attach() {
    gdb_send "target remote 127.0.0.1:$SERVER_PORT" "info threads"
    gdb_mark attached 30
    if ! grep -Eq '^(\(gdb\) )?[* ] +[0-9]+ +Thread [0-9]+\.[0-9]+' "$GDB_OUT"; then
        sed 's/^/  | /' "$GDB_OUT"
        die "gdb could not connect to $SAFETY_SERVER"
    fi
}

# arm_and_hit PORT - inserts a breakpoint on main.handle (1), one on main.describe (2) and a hardware
# watchpoint on main.hits (3), continues, and sends one request (its reply goes to $T/held.out when the
# process runs again); returns once gdb reports the hit of breakpoint 1. The process is then stopped
# with one thread at the breakpoint, gdb's breakpoints and the watchpoint set.
arm_and_hit() {
    gdb_send "break main.handle" "break main.describe" "watch main.hits" "continue"
    # The process is stopped until gdb resumes it, so the request waits in the listen queue until
    # every breakpoint is inserted.
    request "$1" >"$T/held.out" 2>&1 &
    track $!
    gdb_wait 'hit Breakpoint 1, main\.handle'
    # gdb is still reading the frame's arguments after that line: wait until it has finished, or a
    # connection closed under it meanwhile trips gdb 13.1's own assertion (thread.c:85).
    gdb_mark stopped-at-handle
    grep -Eq '(^|\(gdb\) )Hardware watchpoint 3: main\.hits' "$GDB_OUT" ||
        die "gdb did not set a hardware watchpoint on main.hits"
}

# check_held_request WHAT - the request held at the breakpoint completes once the process runs again.
check_held_request() {
    if wait_for_line "$T/held.out" '^pong' 10; then
        log "$1: the request held at the breakpoint completed: $(cat "$T/held.out")"
    else
        fail "$1: the request held at the breakpoint never completed (got '$(cat "$T/held.out")')"
    fi
}

# check_released PID PORT WHAT - lib.sh's check_alive_and_free, after making sure the process still
# exists: when it died, the end of its output says why (a leftover breakpoint kills a Go service with
# "SIGTRAP: trace trap", a leftover watchpoint likewise).
check_released() {
    if [ ! -d "/proc/$1" ] || [ "$(proc_state "$1" | head -n 1)" = Z ]; then
        fail "$3: pid $1 is gone; the end of its output:"
        tail -n 5 "$TARGET_OUT" 2>/dev/null | sed 's/^/  | /'
        return 1
    fi
    check_alive_and_free "$@"
}
