#!/bin/sh
# tests/integration/hostile_client.sh - hostile RSP clients against gostub --persist attached to the Go
# test service (hostile/hostile_client.py: every command-table row with missing fields, huge lengths,
# addresses near the top of the address space and bad hex; bad escapes and checksums, 1 MiB of
# garbage, a 10 MiB packet, a client that never reads, a second client). After each case the stub
# must still answer '?' and 'g', and once the client has left the process must be untraced, its text
# the binary's, and the service must answer. The stub runs with -v: its packet log is kept on failure.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd python3 curl
need_ptrace
need_gostub
build_targets

start_target service
GOSTUB_FLAGS='-v --persist' start_server gostub "$TARGET_PID"
python3 "$top_srcdir/tests/integration/hostile/hostile_client.py" "$SERVER_PORT" "$SERVER_PID" "$TARGET_PID" \
    "$TARGET_PORT" "$top_srcdir"/rsp/server*.c >"$T/hostile.out" 2>&1
status=$?
cat "$T/hostile.out"
[ "$status" -eq 0 ] || fail "hostile_client.py exited with $status (packet log: $SERVER_LOG)"
# The last case is 'k' on an attached process: released, and the stub exits (or, as --persist may
# keep it listening, it ends with SIGTERM).
if wait_exit "$SERVER_PID" 3; then
    log "gostub exited after k"
else
    log "gostub still listening after k (--persist): SIGTERM"
    kill -TERM "$SERVER_PID" 2>/dev/null
fi
expect_server_exit "after the hostile clients"
check_released "$TARGET_PID" "$TARGET_PORT" "after the hostile clients"
lib_finish
