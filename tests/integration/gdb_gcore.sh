#!/bin/sh
# gdb_gcore.sh - "gcore" through the server writes a core file that gdb reads. gdb stops the service in
# main.handle (a request), runs gcore (which needs memory reads, registers of every thread and
# /proc/PID/smaps read through vFile), detaches; then a second, offline gdb loads BINARY + CORE and must
# show Go frames (main.handle, net/http...), the value of main.hits and the thread count. Both the live
# sessions and the offline readings must be equal between gdbserver and gostub after masking.
#
# SERVERS="gdbserver gdbserver" checks the test itself; KEEP=1 keeps the scratch folder (and cores).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb curl
need_ptrace
servers_under_test
build_targets

bin=$TARGET_BIN/service-debug
# Without it a core of the service is 700 MiB of zeros (the Go runtime's PROT_NONE reservations, which
# gdb 13 dumps), 20-30 s of memory reads through either server; see dontDumpReserved in service.go.
SERVICE_DONTDUMP=1
export SERVICE_DONTDUMP
l_reply=$(src_line service.go reply)

session() {
    start_target service-debug 0
    start_server "$1" "$TARGET_PID"
    cat >"$T/$2.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
break service.go:$l_reply
shell curl -s -m 30 -o $T/$2.req http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK stopped\n
gcore $T/$2.core
echo MARK gcore-done\n
shell ls /proc/$TARGET_PID/task | wc -l >$T/$2.nthreads
delete
detach
G
    run_gdb "$T/$2.out" "$bin" "$T/$2.gdb" || fail "$2: gdb exited with status $?"
    wait_exit "$SERVER_PID" 10 || fail "$2: $1 still runs after the detach"
    wait_for_line "$T/$2.req" '^pong 1 /ping#1$' 10 || fail "$2: the request got '$(cat "$T/$2.req" 2>/dev/null)'"
    check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "$2 after detach"
    kill_wait "$TARGET_PID"
    if [ ! -s "$T/$2.core" ]; then
        fail "$2: gcore wrote no core file"
        return
    fi
    # The offline reading: no server involved, only the core file.
    cat >"$T/$2.core.gdb" <<G
echo MARK core\n
bt
echo MARK hits\n
print 'main.hits'
echo MARK threads\n
info threads
G
    GDB_TIMEOUT=30 run_gdb "$T/$2.core.out" "$bin" "$T/$2.core.gdb" -c "$T/$2.core" ||
        fail "$2: offline gdb exited with status $?"
    # 50 MB each: kept only on request, even when the test fails.
    [ "${KEEP:-0}" = 1 ] || rm -f "$T/$2.core"
    # The core holds every thread the process had (counted while it sat in the breakpoint).
    nthreads=$(cat "$T/$2.nthreads")
    ncore=$(grep -cE '^\*? +[0-9]+ +LWP ' "$T/$2.core.out")
    [ "$ncore" -eq "$nthreads" ] || fail "$2: core has $ncore threads, the process had $nthreads"
}

n=0
for s in $SERVERS; do
    n=$((n + 1))
    session "$s" "$n-$s"
done

expect='hit Breakpoint 1, main\.handle .*service\.go:'"$l_reply"'$
^MARK stopped$
^Saved corefile .*\.core$
^MARK gcore-done$
\[Inferior 1 \(process PID\) detached\]'
# mask_timing (lib.sh): where idle threads sat when the server attached, which thread hit.
check_runs mask_timing "$expect"

# The core readings: how many idle threads the Go runtime had started by the time of the request is
# timing (4 or 5 for this service), so the "[New LWP N]" lines and the "info threads" lines of threads
# idle in the runtime are dropped; the thread count is checked against the live process instead.
mask_core() {
    mask_runtime_frames | sed -e '/^\[New LWP N\]$/d' -e '/ RUNTIME-FRAME$/d'
}

# The core readings. gdb says which thread stopped the process when the core was made: the one in
# main.handle, so the first frames are Go frames of the request.
expect_core='^MARK core$
^#0  main\.handle \(w=\.\.\., r=0xADDR\) at .*service\.go:'"$l_reply"'$
^#1  0xADDR in net/http\.HandlerFunc\.ServeHTTP
^#2  0xADDR in net/http\.\(\*ServeMux\)\.ServeHTTP
in runtime\.goexit \(\)
^\$1 = 1$
^\* 1 +LWP N +main\.handle'
check_runs mask_core "$expect_core" .core.out
lib_finish
