#!/bin/sh
# safety_sigterm.sh - SIGTERM to gostub (an operator's kill, a supervisor stopping it) while the service
# is stopped at a breakpoint with two breakpoints and a hardware watchpoint set: gostub must release
# the process before it exits - breakpoints removed, text restored, debug registers cleared, every
# thread detached and running. The held request completes and later requests are answered. The same
# for SIGINT (Ctrl-C in the terminal that started gostub) and SIGHUP (that terminal or ssh session
# closing), each on a fresh service. The contrast: gdbserver, sent SIGTERM, kills the process.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl
need_ptrace
need_server
build_targets

for sig in TERM INT HUP; do
    start_target service-debug
    start_safety_server "$TARGET_PID"
    gdb_open "$TARGET_BIN/service-debug"
    gdb_attach
    arm_and_hit "$TARGET_PORT"
    kill -"$sig" "$SERVER_PID"
    log "sent SIG$sig to $SAFETY_SERVER (pid $SERVER_PID)"
    if wait_exit "$SERVER_PID" 10; then
        wait "$SERVER_PID" 2>/dev/null
        log "SIG$sig: the server exited with status $?"
    else
        fail "SIG$sig: the server is still running 10 s after the signal"
    fi
    check_server_log "SIG$sig"
    check_held_request "SIG$sig at a breakpoint"
    check_released "$TARGET_PID" "$TARGET_PORT" "SIG$sig at a breakpoint"
    # The client learns that the connection is gone the next time it talks to the stub.
    gdb_send "info registers rip"
    gdb_mark "after-$sig"
    gdb_close
    kill -9 "$TARGET_PID" 2>/dev/null
done
lib_finish
