#!/bin/sh
# security_access.sh - who may connect to gostub (issue 5, "Access"):
#   - a non-loopback address without --allow prints the warning; with --allow it does not;
#   - --allow CIDR: a peer outside is closed before a byte is read or written (the raw client sees
#     the connection closed with 0 bytes received), the refusal is logged, and the stub goes on
#     holding the process for an allowed client; IPv4 and IPv6 networks, IPv4 clients of a [::]
#     socket (::ffff:127.0.0.1);
#   - --listen unix:PATH: mode 0600, gdb connects with "target remote PATH", the file is removed at
#     exit (SIGTERM and SIGKILL of the stub), a non-socket file there is refused and left alone;
#     a peer of another uid is refused (SO_PEERCRED) unless --allow-uid names it.
# After each stub: the process runs on untraced.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
need_ptrace
need_gostub
start_sleeper

released() {
    wait_running "$SLEEP_PID" 10 || fail "$1: pid $SLEEP_PID is not running"
    check_untraced "$SLEEP_PID" || fail "$1: pid $SLEEP_PID is still traced"
}

# --- the warning
stub_start --listen 0.0.0.0:0 "$SLEEP_PID"
grep -q 'warning: listening on every interface' "$SERVER_LOG" || fail "0.0.0.0 without --allow: no warning"
stub_term
released "0.0.0.0 without --allow"

stub_start --listen 0.0.0.0:0 --allow 127.0.0.0/8 "$SLEEP_PID"
grep -q 'warning' "$SERVER_LOG" && fail "0.0.0.0 with --allow: warning printed"
grep -q 'accepting clients only from 1 network (--allow)' "$SERVER_LOG" ||
    fail "0.0.0.0 with --allow: no line naming the restriction"
grep -q 'max-stop off, idle-timeout 300s' "$SERVER_LOG" || fail "banner lacks the limits line"
stub_term
released "0.0.0.0 with --allow"

# --- a peer outside --allow: closed unread
stub_start --listen :0 --allow 10.0.0.0/8,2001:db8::/32 "$SLEEP_PID"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported
grep -qx 'CLOSED 0' "$PROBE_OUT" || fail "127.0.0.1 outside --allow: not closed before any byte"
probe "tcp:[::1]:$SERVER_PORT" qSupported
grep -qx 'CLOSED 0' "$PROBE_OUT" || fail "::1 outside --allow: not closed before any byte"
[ "$(grep -c 'refused a connection from .*not in an allowed network (--allow)' "$SERVER_LOG")" = 2 ] ||
    fail "the two refusals are not both logged"
grep -q 'refused a connection from 127.0.0.1:' "$SERVER_LOG" ||
    fail "the IPv4 peer of the [::] socket is not logged as 127.0.0.1"
[ "$(tracer_pid "$SLEEP_PID")" = "$SERVER_PID" ] || fail "refused peers: the stub no longer holds the process"
stub_term
[ "$STUB_STATUS" = 0 ] || fail "--allow stub: exit status $STUB_STATUS"
released "refused peers"

# --- allowed peers, IPv6 and IPv4 networks on one [::] socket
stub_start --listen :0 --persist --allow ::1,127.0.0.1/32 "$SLEEP_PID"
probe "tcp:[::1]:$SERVER_PORT" qSupported
grep -q '^REPLY PacketSize=' "$PROBE_OUT" || fail "::1 inside --allow: no qSupported reply"
wait_for_line "$SERVER_LOG" 'waiting for the next client' 10 || fail "--persist: first client not done"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported
grep -q '^REPLY PacketSize=' "$PROBE_OUT" || fail "127.0.0.1 (mapped) inside --allow: no reply"
stub_term
released "allowed peers"

stub_start --listen :0 --allow ::1 "$SLEEP_PID"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported
grep -qx 'CLOSED 0' "$PROBE_OUT" || fail "--allow ::1: an IPv4 peer got through"
cat >"$T/gdb.cmds" <<EOG
target remote [::1]:$SERVER_PORT
info threads
detach
EOG
run_gdb "$T/gdb6.out" /bin/sleep "$T/gdb.cmds"
grep -q 'Inferior 1 (process [0-9]*) detached' "$T/gdb6.out" || {
    cat "$T/gdb6.out"
    fail "gdb over [::1] inside --allow ::1 did not attach and detach"
}
wait_exit "$SERVER_PID" 10 || fail "stub still runs after gdb's detach"
released "gdb over IPv6"

# --- Unix socket
mkdir "$T/u" && chmod 755 "$T" "$T/u"
sock=$T/u/stub.sock
stub_start --listen "unix:$sock" "$SLEEP_PID"
grep -qx "Listening on unix:$sock" "$SERVER_LOG" || fail "no 'Listening on unix:PATH' line"
[ -S "$sock" ] || fail "$sock is not a socket"
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket mode is $(stat -c %a "$sock"), not 600"
# Another uid cannot even connect to a 0600 socket (the stub runs as root: the file is root's).
if [ "$(id -u)" = 0 ]; then
    PROBE_AS="setpriv --reuid=65534 --regid=65534 --clear-groups" probe "unix:$sock" qSupported
    grep -q '^CONNECT-ERROR EACCES' "$PROBE_OUT" || fail "uid 65534 could connect to a 0600 socket"
fi
cat >"$T/gdbu.cmds" <<EOG
target remote $sock
info threads
detach
EOG
run_gdb "$T/gdbu.out" /bin/sleep "$T/gdbu.cmds"
grep -q 'Inferior 1 (process [0-9]*) detached' "$T/gdbu.out" || {
    cat "$T/gdbu.out"
    fail "gdb over the Unix socket did not attach and detach"
}
grep -q "client uid $(id -u) pid [0-9]* connected" "$SERVER_LOG" || fail "unix client not logged with its uid"
wait_exit "$SERVER_PID" 10 || fail "stub still runs after gdb's detach (unix)"
sleep 0.3
[ -e "$sock" ] && fail "$sock left behind after a normal exit"
released "unix socket"

# SIGKILL of the stub: the file goes too (a watcher made before the sandbox removes it).
stub_start --listen "unix:$sock" "$SLEEP_PID"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
sleep 0.5
[ -e "$sock" ] && fail "$sock left behind after SIGKILL of the stub"
released "unix socket, stub killed"

# A file that is not a socket is never replaced.
echo precious >"$sock"
"$GOSTUB" --listen "unix:$sock" "$SLEEP_PID" >"$T/notsock.log" 2>&1
st=$?
[ "$st" = 1 ] || fail "a regular file at the socket path: exit status $st, not 1"
grep -q 'exists and is not a socket' "$T/notsock.log" || fail "no 'is not a socket' message"
[ "$(cat "$sock")" = precious ] || fail "the regular file was changed"
rm -f "$sock"

# SO_PEERCRED: with --allow-uid the socket is 0666 and the uid decides.
if [ "$(id -u)" = 0 ]; then
    stub_start --listen "unix:$sock" --allow-uid 1234 "$SLEEP_PID"
    [ "$(stat -c %a "$sock")" = 666 ] || fail "--allow-uid: socket mode $(stat -c %a "$sock"), not 666"
    PROBE_AS="setpriv --reuid=65534 --regid=65534 --clear-groups" probe "unix:$sock" qSupported
    grep -qx 'CLOSED 0' "$PROBE_OUT" || fail "uid 65534 not in --allow-uid 1234: not closed unread"
    grep -q 'refused a connection from uid 65534 .*not an allowed user' "$SERVER_LOG" ||
        fail "the refused uid is not logged"
    stub_term
    released "--allow-uid 1234"
    stub_start --listen "unix:$sock" --allow-uid 1234,65534 "$SLEEP_PID"
    PROBE_AS="setpriv --reuid=65534 --regid=65534 --clear-groups" probe "unix:$sock" qSupported
    grep -q '^REPLY PacketSize=' "$PROBE_OUT" || fail "uid 65534 in --allow-uid: no reply"
    wait_exit "$SERVER_PID" 10 || fail "stub still runs after its client left"
    released "--allow-uid 65534"
else
    log "not root: the --allow-uid part needs a second uid (skipped)"
fi

lib_finish
