# tests/integration/security_lib.sh - helpers for the security_*.sh tests (issue 5), on top of
# tests/integration/safety_lib.sh (source this file instead; it sources the others). POSIX sh.
#
# What it adds:
#   - stub_start ARGS...: gostub with any options (the listening address included), waiting for its
#     "Listening on ..." line; sets SERVER_PID, SERVER_LOG, SERVER_PORT (empty for a Unix socket);
#   - probe ADDR PACKET...: tests/integration/progs/rsp_probe.py (a raw client), output in PROBE_OUT;
#   - start_sleeper: a plain process to attach to (sleep), sets SLEEP_PID;
#   - stub_term: SIGTERM to the stub and wait for its exit status (STUB_STATUS).
# Not for: expectations of a particular test.

. "$top_srcdir/tests/integration/safety_lib.sh"

PROBE=$top_srcdir/tests/integration/progs/rsp_probe.py

stub_start() {
    LIB_N=$((LIB_N + 1))
    SERVER_LOG=$T/gostub.$LIB_N.log
    LIB_SERVER_LOGS="$LIB_SERVER_LOGS $SERVER_LOG"
    "$GOSTUB" "$@" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    track "$SERVER_PID"
    if ! wait_for_line "$SERVER_LOG" '^Listening on ' 15; then
        cat "$SERVER_LOG"
        die "gostub $* did not start listening"
    fi
    SERVER_PORT=$(sed -n 's/^Listening on port \([0-9][0-9]*\).*/\1/p' "$SERVER_LOG" | head -n 1)
    log "started gostub $*: pid $SERVER_PID${SERVER_PORT:+, port $SERVER_PORT}"
}

# probe ADDR PACKET... - runs the raw client; its lines go to PROBE_OUT (and the log). Returns its
# exit status (0 all replies, 3 closed, 4 connect failed). PROBE_AS="setpriv ..." runs it as another
# user.
probe() {
    LIB_N=$((LIB_N + 1))
    PROBE_OUT=$T/probe.$LIB_N.out
    # shellcheck disable=SC2086 # PROBE_AS is a command prefix
    ${PROBE_AS:-} /usr/bin/python3 "$PROBE" "$@" >"$PROBE_OUT" 2>&1
    pst=$?
    sed "s/^/  probe | /" "$PROBE_OUT"
    return $pst
}

start_sleeper() {
    sleep 600 &
    SLEEP_PID=$!
    track "$SLEEP_PID"
}

stub_term() {
    kill -TERM "$SERVER_PID" 2>/dev/null
    if ! wait_exit "$SERVER_PID" 10; then
        fail "gostub (pid $SERVER_PID) did not end after SIGTERM"
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    STUB_STATUS=$?
}
