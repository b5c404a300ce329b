#!/bin/sh
# gdb_watch.sh - a hardware watchpoint on the global main.hits fires twice, once per request, through
# gdbserver and through gostub (Z2 on x86-64 debug registers, the "watch:ADDR" stop reason), on the
# optimized service: the build a production service runs. Outputs must be equal after masking; both
# must show old/new values 0->1 and 1->2 at the line that increments hits; after the detach the
# service answers, is untraced and has its original text (debug registers cleared is checked by the
# third request not stopping anything: the service answers it with no client attached).
#
# SERVERS="gdbserver gdbserver" checks the test itself; KEEP=1 keeps the scratch folder.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb curl
need_ptrace
servers_under_test
build_targets

bin=$TARGET_BIN/service
l_hits=$(src_line service.go hits)

session() {
    start_target service 0
    start_server "$1" "$TARGET_PID"
    r=$T/$2.req
    cat >"$T/$2.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
echo MARK attached\n
# gdb 13 quirk: unquoted main.hits resolves only once the symbol table of package main has been
# expanded (after a stop in a Go frame, or "list main.handle"); at attach the current frame is in the
# runtime and gdb says 'No symbol "main" in current context'. The quoted name always resolves.
watch 'main.hits'
shell curl -s -m 30 -o $r.1 http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK first\n
print 'main.hits'
shell curl -s -m 30 -o $r.2 http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK second\n
print 'main.hits'
info watchpoints
delete
detach
echo MARK detached\n
G
    run_gdb "$T/$2.out" "$bin" "$T/$2.gdb" || fail "$2: gdb exited with status $?"
    wait_exit "$SERVER_PID" 10 || fail "$2: $1 still runs after the detach"
    for i in 1 2; do
        wait_for_line "$r.$i" "^pong $i /ping#$i\$" 10 || fail "$2: request $i got '$(cat "$r.$i" 2>/dev/null)'"
    done
    check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "$2 after detach"
    kill_wait "$TARGET_PID"
}

n=0
for s in $SERVERS; do
    n=$((n + 1))
    session "$s" "$n-$s"
done

# gdb reports a watchpoint after the writing instruction, so the line shown is the one of the next
# instruction: in the optimized build the increment's store is followed by mu.Unlock's code (two
# lines on). Both servers must agree on it exactly (the comparison); the expectation allows the range.
expect="^Hardware watchpoint 1: 'main.hits'\$"'
^MARK first$
^Old value = 0$
^New value = 1$
main.handle \(.*\) at .*service.go:('"$l_hits"'|'"$((l_hits + 1))"'|'"$((l_hits + 2))"')$
^\$1 = 1$
^MARK second$
^Old value = 1$
^New value = 2$
^\$2 = 2$
breakpoint already hit 2 times
\[Inferior 1 \(process PID\) detached\]
MARK detached'
# mask_timing (lib.sh): where idle threads sat when the server attached, which thread hit.
check_runs mask_timing "$expect"
lib_finish
