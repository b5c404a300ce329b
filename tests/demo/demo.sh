#!/bin/sh
# tests/demo/demo.sh - the demo (make demo, the last step of ./bootstrap): builds the bundled Go HTTP
# service (tests/targets/service.go), starts it, attaches gostub to it, drives gostub with stock gdb in
# batch mode (info threads, a breakpoint on main.handle hit by a request, bt, detach), then shows that
# the service still answers, is no longer traced and runs its original code.
#
# Run from a build folder (make demo does) or with top_builddir set; make passes no variables, so the
# source folder comes from this script's location and the build folder from the current one
# (tests/lib.sh). Exits 0 when every step did what it says, 1 otherwise. Not a test: it prints for a
# person; the same checks, stricter, are tests/integration/gdb_*.sh.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

step() {
    echo
    echo "==> $*"
}
show() { # show FILE - a file's lines, indented
    sed 's/^/    | /' "$1"
}
demo_fail() {
    echo
    echo "demo: FAILED: $*"
    exit 1
}

for c in go gdb curl; do
    command -v "$c" >/dev/null 2>&1 || demo_fail "$c is not installed (./bootstrap installs it)"
done
[ -x "$GOSTUB" ] || demo_fail "$GOSTUB is not built: run make (or ./bootstrap) first"

step "1. Build the bundled Go service (tests/targets/service.go, Go $(go env GOVERSION 2>/dev/null))"
sh "$top_srcdir/tests/targets/build.sh" "$TARGET_BIN" || demo_fail "building the Go service failed"
echo "    built $TARGET_BIN/service"

step "2. Start it: it listens on 127.0.0.1 and answers /ping"
start_target service 0
echo "    \$ curl http://127.0.0.1:$TARGET_PORT/ping"
echo "    $(request "$TARGET_PORT")"

step "3. Attach gostub to the running service: gostub --listen 127.0.0.1:0 $TARGET_PID"
start_server gostub "$TARGET_PID"
echo "    TracerPid of the service: $(tracer_pid "$TARGET_PID") (traced by gostub)"

step "4. Drive gostub with stock gdb ($(gdb --version | head -n 1)) in batch mode"
cat >"$T/demo.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
info threads
break main.handle
shell curl -s -m 30 -o $T/req http://127.0.0.1:$TARGET_PORT/ping &
continue
bt
detach
G
sed -e 's|^shell .*|shell curl http://127.0.0.1:'"$TARGET_PORT"'/ping \&    # a request, to hit the breakpoint|' \
    -e 's/^/    (gdb) /' "$T/demo.gdb"
echo "    gdb's output:"
run_gdb "$T/gdb.out" "$TARGET_BIN/service" "$T/demo.gdb" || demo_fail "gdb exited with status $?"
show "$T/gdb.out"
grep -q 'hit Breakpoint 1, main.handle' "$T/gdb.out" || demo_fail "the breakpoint on main.handle was not hit"
grep -q '^#0 .*main.handle' "$T/gdb.out" || demo_fail "bt does not show main.handle"
grep -q '^\[Inferior 1 (process [0-9]*) detached\]' "$T/gdb.out" || demo_fail "gdb did not detach"

step "5. After the detach"
wait_exit "$SERVER_PID" 10 || demo_fail "gostub still runs after the client left"
echo "    gostub has exited"
wait_for_line "$T/req" '^pong' 10 || demo_fail "the request held at the breakpoint was never answered"
echo "    the request that hit the breakpoint was answered: $(cat "$T/req")"
reply=$(request "$TARGET_PORT")
case $reply in
pong*) echo "    \$ curl http://127.0.0.1:$TARGET_PORT/ping" && echo "    $reply" ;;
*) demo_fail "the service does not answer any more" ;;
esac
wait_running "$TARGET_PID" 5 || demo_fail "the service is stopped"
tp=$(tracer_pid "$TARGET_PID")
echo "    TracerPid of the service: $tp"
[ "$tp" = 0 ] && check_untraced "$TARGET_PID" || demo_fail "the service is still traced"
check_text "$TARGET_PID" || demo_fail "the service's code differs from its binary"
echo "    its code in memory is byte for byte the binary's (no breakpoint left behind)"

echo
echo "demo: OK - gostub served stock gdb and gave the service back untouched."
kill "$TARGET_PID"
exit 0
