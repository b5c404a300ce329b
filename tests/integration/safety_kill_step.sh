#!/bin/sh
# safety_kill_step.sh - the client (gdb) is killed with SIGKILL in the middle of stepping: first during
# a long "stepi" run (one thread single-stepping, the rest stopped), then, attached again to the same
# service, during a long "next" run (gdb's step-resume breakpoints inserted and removed as it goes).
# Each time the service must run on untraced with its text intact (no leftover step-resume int3, no
# trap flag), the held request must complete and later requests be answered, and gostub must exit.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl
need_ptrace
need_server
build_targets
start_target service-debug

# kill_mid_step WHAT COMMAND - stop at main.handle, run COMMAND (a step that lasts for minutes), kill gdb
# one second into it, check the service.
kill_mid_step() {
    what=$1
    start_safety_server "$TARGET_PID"
    gdb_open "$TARGET_BIN/service-debug"
    gdb_attach
    arm_and_hit "$TARGET_PORT"
    # Stepping stops at a breakpoint: keep only the one already passed (main.handle).
    gdb_send "delete 2 3" "$2" "echo MARK stepped\\n"
    sleep 1
    # gdb must still be stepping (the marker comes only when the command is over).
    grep -q 'MARK stepped' "$GDB_OUT" && die "$what: '$2' ended before the kill: $(tail -n 3 "$GDB_OUT")"
    gdb_kill
    check_held_request "$what"
    check_released "$TARGET_PID" "$TARGET_PORT" "$what"
    [ "$SAFETY_SERVER" = gostub ] && expect_server_exit "$what"
    [ "$LIB_FAILED" -eq 0 ] || { log "gdb output:"; sed 's/^/  | /' "$GDB_OUT" | tail -n 20; }
}

kill_mid_step "kill -9 during stepi" "stepi 1000000"
kill_mid_step "kill -9 during next" "next 1000000"
lib_finish
