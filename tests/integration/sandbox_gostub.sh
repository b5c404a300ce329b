#!/bin/sh
# sandbox_gostub.sh - gostub in its sandbox (stub/sandbox.c: no_new_privs, capabilities, seccomp) does
# its whole job: the kernel shows the sandbox on the running stub (/proc/PID/status), stock gdb
# attaches, stops at a breakpoint, reads registers, memory and Go values, fetches the executable and
# libraries over vFile, detaches; with --persist a second client makes the stub attach again inside
# the sandbox; SIGTERM ends it cleanly; a launched program runs to its exit. After each, the stub
# ended by itself (not SIGSYS: a call missing from the allow-list kills the stub) and the service
# runs untraced with its original text. --no-sandbox leaves the stub unconfined.
#
# That a call outside the list kills the stub and leaves the traced process running is tested on
# real processes by tests/unit/test_sandbox (gostub has no hook to make a forbidden call on demand).
# Skips (77) while gostub does not have the sandbox wired in (--help does not list --no-sandbox).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_cmd gdb curl
need_ptrace
need_gostub
"$GOSTUB" --help 2>&1 | grep -q -- '--no-sandbox' ||
    skip "$GOSTUB has no sandbox yet (--help does not mention --no-sandbox)"
build_targets

# A sanitizer build enters the sandbox without the seccomp filter (sandbox.h says why).
want_seccomp=2
grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null && want_seccomp=0
# Capabilities kept: CAP_DAC_OVERRIDE (1) and CAP_SYS_PTRACE (19); exact when gostub runs as root.
kept_caps=0000000000080002

# field PID NAME - a field of /proc/PID/status.
field() {
    sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

# check_sandboxed PID WHAT - the running stub is in the sandbox.
check_sandboxed() {
    [ "$(field "$1" NoNewPrivs)" = 1 ] || fail "$2: NoNewPrivs is '$(field "$1" NoNewPrivs)', not 1"
    [ "$(field "$1" Seccomp)" = "$want_seccomp" ] ||
        fail "$2: Seccomp is '$(field "$1" Seccomp)', not $want_seccomp"
    if [ "$(id -u)" = 0 ]; then
        for set in CapEff CapPrm CapBnd; do
            [ "$(field "$1" $set)" = $kept_caps ] ||
                fail "$2: $set is $(field "$1" $set), not $kept_caps"
        done
    fi
    [ "$(field "$1" CapInh)" = 0000000000000000 ] || fail "$2: CapInh is $(field "$1" CapInh)"
    log "$2: NoNewPrivs $(field "$1" NoNewPrivs), Seccomp $(field "$1" Seccomp), CapEff $(field "$1" CapEff)"
}

# expect_clean_exit WHAT - the stub (SERVER_PID) ends within 10 s with status 0, not killed by a signal.
expect_clean_exit() {
    if ! wait_exit "$SERVER_PID" 10; then
        fail "$1: gostub still runs"
        return
    fi
    wait "$SERVER_PID" 2>/dev/null
    st=$?
    [ "$st" -eq 0 ] || fail "$1: gostub exited with status $st (159 = SIGSYS: a call outside the allow-list)"
    grep -q 'Bad system call' "$SERVER_LOG" && fail "$1: gostub was killed by seccomp"
    return 0
}

# session LABEL - one gdb session on the service (attached by SERVER_PORT): a breakpoint hit by a
# request, registers, a Go value, memory, the libraries read over vFile, detach.
session() {
    r=$T/$1.req
    cat >"$T/$1.gdb" <<G
set sysroot target:
target remote 127.0.0.1:$SERVER_PORT
echo MARK attached\n
break main.handle
shell curl -s -m 30 -o $r http://127.0.0.1:$TARGET_PORT/ping &
continue
echo MARK stopped-in-handle\n
bt 1
info registers rip
print main.hits
x/4xb &main.hits
info sharedlibrary
delete
detach
echo MARK detached\n
G
    run_gdb "$T/$1.out" "$TARGET_BIN/service-debug" "$T/$1.gdb"
    for m in attached stopped-in-handle detached; do
        grep -q "^MARK $m\$" "$T/$1.out" || fail "$1: gdb did not reach MARK $m (see $T/$1.out)"
    done
    grep -q 'main\.handle' "$T/$1.out" || fail "$1: no main.handle frame"
    grep -Eq '^\$[0-9]+ = [0-9]+' "$T/$1.out" || fail "$1: main.hits not printed"
    i=0
    while [ ! -s "$r" ] && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    case $(cat "$r" 2>/dev/null) in
    pong*) ;;
    *) fail "$1: the request held at the breakpoint did not complete" ;;
    esac
}

# 1. Attach, sandboxed, --persist: two clients, the second one attaching again inside the sandbox.
start_target service-debug 0
GOSTUB_FLAGS="${GOSTUB_FLAGS:-} --persist" start_server gostub "$TARGET_PID"
check_sandboxed "$SERVER_PID" "attached"
session first
wait_running "$TARGET_PID" 10 || fail "first: service not running after detach"
session second
check_sandboxed "$SERVER_PID" "after two clients"
kill -0 "$SERVER_PID" 2>/dev/null || fail "gostub died between clients"
kill -TERM "$SERVER_PID"
expect_clean_exit "SIGTERM"
check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "sandboxed attach"

# 2. --no-sandbox: the same stub, unconfined.
start_server gostub --no-sandbox "$TARGET_PID"
[ "$(field "$SERVER_PID" Seccomp)" = 0 ] || fail "--no-sandbox: Seccomp is $(field "$SERVER_PID" Seccomp)"
[ "$(field "$SERVER_PID" NoNewPrivs)" = 0 ] || fail "--no-sandbox: NoNewPrivs is set"
session unconfined
expect_clean_exit "--no-sandbox"
check_alive_and_free "$TARGET_PID" "$TARGET_PORT" "--no-sandbox"
kill_wait "$TARGET_PID"

# 3. Launch (fork and exec happen before the sandbox): run to the end, the stub reports the exit.
start_server gostub -- "$TARGET_BIN/threads-debug" 10 2 exit
check_sandboxed "$SERVER_PID" "launched"
cat >"$T/launch.gdb" <<G
target remote 127.0.0.1:$SERVER_PORT
echo MARK attached\n
continue
echo MARK ended\n
G
run_gdb "$T/launch.out" "$TARGET_BIN/threads-debug" "$T/launch.gdb"
grep -q '^MARK ended$' "$T/launch.out" || fail "launch: gdb did not see the program end"
grep -q '^MARK sum 45$' "$SERVER_LOG" || fail "launch: the program did not finish its work"
grep -q 'exited normally' "$T/launch.out" ||
    fail "launch: no exit reported (see $T/launch.out)"
expect_clean_exit "launch"

lib_finish
