#!/bin/sh
# safety_sigterm.sh - SIGTERM to gostub (an operator's kill, a supervisor stopping it) while the service
# is stopped at a breakpoint with two breakpoints and a hardware watchpoint set: gostub must release
# the process before it exits - breakpoints removed, text restored, debug registers cleared, every
# thread detached and running. The held request completes and later requests are answered.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl
need_ptrace
need_server
build_targets
start_target service-debug
start_safety_server "$TARGET_PID"
gdb_open "$TARGET_BIN/service-debug"
gdb_attach
arm_and_hit "$TARGET_PORT"
kill -TERM "$SERVER_PID"
log "sent SIGTERM to $SAFETY_SERVER (pid $SERVER_PID)"
if wait_exit "$SERVER_PID" 10; then
    wait "$SERVER_PID" 2>/dev/null
    log "the server exited after SIGTERM with status $?"
else
    fail "the server is still running 10 s after SIGTERM"
fi
check_server_log "SIGTERM"
check_held_request "SIGTERM at a breakpoint"
check_released "$TARGET_PID" "$TARGET_PORT" "SIGTERM at a breakpoint"
# The client learns that the connection is gone the next time it talks to the stub.
gdb_send "info registers rip"
gdb_mark after
grep -Eq 'Remote connection closed|Remote communication error|Connection reset|not being run' "$GDB_OUT" ||
    log "note: gdb did not report the closed connection"
gdb_close
lib_finish
