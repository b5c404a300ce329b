#!/bin/sh
# tests/integration/stub_cli.sh - gostub's command line and connection handling, against `sleep`
# processes and stock gdb: --help/--version, bad arguments, attach errors, the port it prints, port in
# use (checked before the process is touched), what each --listen address really binds (ss), the
# second client refused while the first goes on, --stdio, --persist, --idle-timeout, SIGTERM, and the
# process running untraced after every way a client can leave (detach, kill -9 of gdb).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

need_gostub
need_cmd gdb ss
need_ptrace

# start_sleeper - a process to attach to; sets SLEEPER.
start_sleeper() {
    sleep 1000 &
    SLEEPER=$!
    track "$SLEEPER"
}

# start_stub OUTFILE ARGS... - gostub in the background; waits for "Listening on port N" (or its exit).
# Sets STUB_PID and STUB_PORT (empty when it exited).
start_stub() {
    sout=$1
    shift
    : >"$sout"
    "$GOSTUB" "$@" >"$sout.stdout" 2>"$sout" &
    STUB_PID=$!
    track "$STUB_PID"
    STUB_PORT=
    i=0
    while [ "$i" -lt 100 ]; do
        STUB_PORT=$(sed -n 's/^Listening on port \([0-9][0-9]*\)$/\1/p' "$sout")
        [ -n "$STUB_PORT" ] && return 0
        kill -0 "$STUB_PID" 2>/dev/null || return 0
        sleep 0.1
        i=$((i + 1))
    done
}

# stub_exited PID [STATUS] - waits (10 s) for gostub to end with STATUS (default 0); 1 if it did not.
# (Not in a $(...): a subshell cannot wait for its parent's children.)
stub_exited() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -0 "$1" 2>/dev/null && return 1
    wait "$1"
    [ $? -eq "${2:-0}" ]
}

# expect_free PID WHAT - the process runs and nobody traces it.
expect_free() {
    wait_running "$1" 10 || fail "$2: pid $1 is not running"
    check_untraced "$1" || fail "$2: pid $1 is still traced"
}

# gdb_script FILE LINES... - writes a gdb script, one command per argument.
gdb_script() {
    f=$1
    shift
    : >"$f"
    for l in "$@"; do
        echo "$l" >>"$f"
    done
}

# ---------------------------------------------------------------- --help, --version, bad arguments
"$GOSTUB" --help >"$T/help" 2>"$T/help.err"
[ $? -eq 0 ] || fail "--help: exit status not 0"
for o in '--listen HOST:PORT' --stdio --persist '--idle-timeout SECONDS' --kill-on-exit --verbose \
    --help --version 'Usage: gostub'; do
    grep -q -e "$o" "$T/help" || fail "--help does not mention $o"
done
[ -s "$T/help.err" ] && fail "--help wrote to stderr"
# The man page documents exactly the options --help lists (roff writes "-" as "\-").
man=$top_srcdir/man/gostub.1
grep -o -e '--[a-z][a-z-]*' "$T/help" | sort -u >"$T/help.opts"
sed 's/\\-/-/g' "$man" | grep -o -e '--[a-z][a-z-]*' | sort -u >"$T/man.opts"
for o in $(cat "$T/help.opts"); do
    grep -qx -e "$o" "$T/man.opts" || fail "--help lists $o, man/gostub.1 does not"
done
for o in $(cat "$T/man.opts"); do
    grep -qx -e "$o" "$T/help.opts" || fail "man/gostub.1 lists $o, --help does not"
done
"$GOSTUB" --version >"$T/version" || fail "--version: exit status not 0"
grep -Eq '^gostub [0-9]+\.[0-9]+' "$T/version" || fail "--version prints '$(cat "$T/version")'"

bad_args() { # EXPECTED-TEXT ARGS...
    want=$1
    shift
    "$GOSTUB" "$@" >"$T/bad.out" 2>"$T/bad.err"
    st=$?
    [ "$st" -eq 1 ] || fail "gostub $*: exit status $st, not 1"
    grep -q -e "$want" "$T/bad.err" || fail "gostub $*: stderr lacks '$want': $(cat "$T/bad.err")"
    grep -q '^Usage: gostub' "$T/bad.err" || fail "gostub $*: no usage line"
    [ -s "$T/bad.out" ] && fail "gostub $*: wrote to stdout"
}
bad_args 'missing PID'
bad_args "unknown option '--bogus'" --bogus 1
bad_args "'abc' is not a process id" abc
bad_args 'has no port' --listen 9000 1
bad_args 'port must be a number' --listen 127.0.0.1:70000 1
bad_args '--stdio and --listen' --stdio --listen :0 1
bad_args 'needs an argument' --idle-timeout
log "help, version and bad arguments: ok"

# ---------------------------------------------------------------- attach errors
sh -c 'exit 0' &
gone=$!
wait "$gone"
"$GOSTUB" --listen 127.0.0.1:0 "$gone" >"$T/nopid.out" 2>"$T/nopid.err"
st=$?
[ "$st" -eq 1 ] || fail "no such pid: exit status $st"
grep -q "pid $gone" "$T/nopid.err" || fail "no such pid: message does not name pid $gone: $(cat "$T/nopid.err")"
grep -q 'Listening' "$T/nopid.err" && fail "no such pid: it listened anyway"

start_sleeper
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$GOSTUB" --listen 127.0.0.1:0 "$SLEEPER" \
        >/dev/null 2>"$T/perm.err"
    st=$?
    [ "$st" -eq 1 ] || fail "permission denied: exit status $st"
    grep -q 'permission denied' "$T/perm.err" || fail "permission denied: $(cat "$T/perm.err")"
fi

# ---------------------------------------------------------------- port 0, port in use, addresses
start_stub "$T/a.err" --listen 127.0.0.1:0 "$SLEEPER"
[ -n "$STUB_PORT" ] || die "--listen 127.0.0.1:0 printed no port: $(cat "$T/a.err")"
[ "$STUB_PORT" -gt 0 ] || fail "port 0 was printed"
ss -Hltn "sport = :$STUB_PORT" >"$T/ss.a"
grep -q "127.0.0.1:$STUB_PORT" "$T/ss.a" || fail "ss does not show 127.0.0.1:$STUB_PORT: $(cat "$T/ss.a")"
[ "$(wc -l <"$T/ss.a")" -eq 1 ] || fail "127.0.0.1:0 bound more than one socket: $(cat "$T/ss.a")"
grep -q 'warning' "$T/a.err" && fail "loopback listener printed a warning"
FIRST_PID=$STUB_PID FIRST_PORT=$STUB_PORT

# Port in use: the second stub fails before it touches its process.
sleep 1000 &
other=$!
track "$other"
"$GOSTUB" --listen "127.0.0.1:$FIRST_PORT" "$other" >/dev/null 2>"$T/inuse.err"
st=$?
[ "$st" -eq 1 ] || fail "port in use: exit status $st"
grep -q "port $FIRST_PORT is in use" "$T/inuse.err" || fail "port in use: $(cat "$T/inuse.err")"
[ "$(tracer_pid "$other")" = 0 ] || fail "port in use: the process was attached anyway"
kill -9 "$other"

# localhost binds loopback only (gdbserver binds every interface).
sleep 1000 &
lh=$!
track "$lh"
start_stub "$T/lh.err" --listen localhost:0 "$lh"
[ -n "$STUB_PORT" ] || die "localhost:0: no port: $(cat "$T/lh.err")"
ss -Hltn "sport = :$STUB_PORT" | awk '{print $4}' >"$T/ss.lh"
grep -q "^127.0.0.1:$STUB_PORT\$" "$T/ss.lh" || fail "localhost: no 127.0.0.1 listener: $(cat "$T/ss.lh")"
grep -v -e "^127.0.0.1:$STUB_PORT\$" -e "^\[::1\]:$STUB_PORT\$" "$T/ss.lh" >"$T/ss.lh.other" &&
    fail "localhost: listening beyond loopback: $(cat "$T/ss.lh.other")"
grep -q 'warning' "$T/lh.err" && fail "localhost printed a warning"
kill -TERM "$STUB_PID"
stub_exited "$STUB_PID" || fail "SIGTERM: gostub did not exit 0"
expect_free "$lh" "SIGTERM with no client"
grep -q 'caught SIGTERM' "$T/lh.err" || fail "SIGTERM not logged: $(cat "$T/lh.err")"

# ":0" is every interface, with a warning.
start_stub "$T/any.err" --listen :0 "$lh"
[ -n "$STUB_PORT" ] || die ":0: no port: $(cat "$T/any.err")"
ss -Hltn "sport = :$STUB_PORT" | awk '{print $4}' >"$T/ss.any"
grep -Eq "^(\*|0\.0\.0\.0|\[::\]):$STUB_PORT\$" "$T/ss.any" || fail ":0 is not a wildcard bind: $(cat "$T/ss.any")"
[ "$(grep -c 'warning: listening on every interface' "$T/any.err")" -eq 1 ] ||
    fail ":0: no one-line warning: $(cat "$T/any.err")"
kill -TERM "$STUB_PID"
stub_exited "$STUB_PID" || fail "SIGTERM: gostub did not exit 0"
kill -9 "$lh"
log "ports and addresses: ok"

# ---------------------------------------------------------------- a second client is refused
gdb_script "$T/first.gdb" "target remote 127.0.0.1:$FIRST_PORT" 'shell sleep 3' 'info threads' \
    'echo MARK-FIRST-ALIVE\n' detach
GDB_BG=1 run_gdb "$T/first.out" /bin/sleep "$T/first.gdb"
wait_for_line "$T/a.err" 'client .* connected' 10 || fail "first client did not connect"
gdb_script "$T/second.gdb" "target remote 127.0.0.1:$FIRST_PORT" 'echo MARK-SECOND\n'
run_gdb "$T/second.out" /bin/sleep "$T/second.gdb"
grep -q 'E.gostub: another client' "$T/second.out" ||
    fail "second client was not told why: $(cat "$T/second.out")"
grep -q 'refused a connection' "$T/a.err" || fail "refusal not logged"
wait_exit "$GDB_PID" 30 || fail "first gdb did not finish"
grep -q 'MARK-FIRST-ALIVE' "$T/first.out" || fail "first session disturbed: $(cat "$T/first.out")"
grep -q 'sleep' "$T/first.out" || fail "first session: no thread listed"
grep -q 'detached\]' "$T/first.out" || fail "first session did not detach: $(cat "$T/first.out")"
stub_exited "$FIRST_PID" || fail "gostub did not exit 0 after the detach"
expect_free "$SLEEPER" "after detach"
log "second client refused, first undisturbed, detach leaves the process running: ok"

# ---------------------------------------------------------------- kill -9 of the client while stopped
start_stub "$T/k.err" --listen 127.0.0.1:0 "$SLEEPER"
gdb_script "$T/k.gdb" "target remote 127.0.0.1:$STUB_PORT" 'echo MARK-CONNECTED\n' 'shell sleep 100'
GDB_BG=1 run_gdb "$T/k.out" /bin/sleep "$T/k.gdb"
wait_for_line "$T/k.out" MARK-CONNECTED 20 || fail "gdb did not connect: $(cat "$T/k.out")"
kill -9 "-$GDB_PID"
stub_exited "$STUB_PID" || fail "gostub did not exit 0 after its client died"
expect_free "$SLEEPER" "after kill -9 of gdb"
grep -q 'runs on' "$T/k.err" || fail "release not logged: $(cat "$T/k.err")"
log "client killed: ok"

# ---------------------------------------------------------------- SIGHUP while a client is connected
start_stub "$T/hup.err" --listen 127.0.0.1:0 "$SLEEPER"
gdb_script "$T/hup.gdb" "target remote 127.0.0.1:$STUB_PORT" 'echo MARK-CONNECTED\n' 'shell sleep 100'
GDB_BG=1 run_gdb "$T/hup.out" /bin/sleep "$T/hup.gdb"
wait_for_line "$T/hup.out" MARK-CONNECTED 20 || fail "gdb did not connect: $(cat "$T/hup.out")"
kill -HUP "$STUB_PID"
stub_exited "$STUB_PID" || fail "SIGHUP: gostub did not exit 0"
grep -q 'caught SIGHUP: released pid' "$T/hup.err" || fail "SIGHUP: $(cat "$T/hup.err")"
expect_free "$SLEEPER" "after SIGHUP with a client connected"
kill -9 "-$GDB_PID"
log "SIGHUP with a client: ok"

# ---------------------------------------------------------------- --stdio
gdb_script "$T/stdio.gdb" "target remote | $GOSTUB --stdio $SLEEPER" 'info threads' 'echo MARK-STDIO\n' \
    detach
run_gdb "$T/stdio.out" /bin/sleep "$T/stdio.gdb"
grep -q 'MARK-STDIO' "$T/stdio.out" && grep -q 'detached\]' "$T/stdio.out" ||
    fail "--stdio session: $(cat "$T/stdio.out")"
expect_free "$SLEEPER" "after --stdio detach"
# Diagnostics never go to stdout (it is the protocol stream): stdin at EOF ends the session at once.
"$GOSTUB" --stdio "$SLEEPER" </dev/null >"$T/stdio.stdout" 2>"$T/stdio.err"
st=$?
[ "$st" -eq 0 ] || fail "--stdio with stdin at EOF: exit status $st: $(cat "$T/stdio.err")"
[ -s "$T/stdio.stdout" ] && fail "--stdio wrote diagnostics to stdout: $(cat "$T/stdio.stdout")"
grep -q 'attached to pid' "$T/stdio.err" || fail "--stdio: no diagnostics on stderr"
expect_free "$SLEEPER" "after --stdio EOF"
log "--stdio: ok"

# ---------------------------------------------------------------- --persist and --idle-timeout
start_stub "$T/p.err" --persist --listen 127.0.0.1:0 "$SLEEPER"
gdb_script "$T/p.gdb" "target remote 127.0.0.1:$STUB_PORT" 'info threads' 'echo MARK-P\n' detach
run_gdb "$T/p1.out" /bin/sleep "$T/p.gdb"
grep -q MARK-P "$T/p1.out" || fail "--persist, first client: $(cat "$T/p1.out")"
wait_for_line "$T/p.err" 'waiting for the next client' 10 || fail "--persist: not waiting"
kill -0 "$STUB_PID" 2>/dev/null || fail "--persist: gostub exited after the first client"
expect_free "$SLEEPER" "--persist, between clients"
run_gdb "$T/p2.out" /bin/sleep "$T/p.gdb"
grep -q MARK-P "$T/p2.out" && grep -q 'detached\]' "$T/p2.out" ||
    fail "--persist, second client: $(cat "$T/p2.out")"
grep -q 'attached to pid .* again' "$T/p.err" || fail "--persist: no second attach logged"
kill -TERM "$STUB_PID"
stub_exited "$STUB_PID" || fail "--persist: SIGTERM did not end gostub with 0"
expect_free "$SLEEPER" "--persist, after SIGTERM"

start_stub "$T/idle.err" --idle-timeout 1 --listen 127.0.0.1:0 "$SLEEPER"
gdb_script "$T/idle.gdb" "target remote 127.0.0.1:$STUB_PORT" 'echo MARK-IDLE\n' 'shell sleep 100'
GDB_BG=1 run_gdb "$T/idle.out" /bin/sleep "$T/idle.gdb"
wait_for_line "$T/idle.out" MARK-IDLE 20 || fail "idle: gdb did not connect"
stub_exited "$STUB_PID" || fail "--idle-timeout 1: gostub still there or failed"
grep -q 'idle for 1s' "$T/idle.err" || fail "idle timeout not logged: $(cat "$T/idle.err")"
expect_free "$SLEEPER" "after the idle timeout"
kill -9 "-$GDB_PID"
# Nobody connects at all: the process is not left stopped either.
start_stub "$T/idle0.err" --idle-timeout 1 --listen 127.0.0.1:0 "$SLEEPER"
stub_exited "$STUB_PID" || fail "--idle-timeout 1 without a client: gostub still there or failed"
expect_free "$SLEEPER" "after the idle timeout without a client"
log "--persist and --idle-timeout: ok"

lib_finish
