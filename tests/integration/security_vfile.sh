#!/bin/sh
# security_vfile.sh - vFile confinement (issue 5): with stock gdb connected to gostub (attached to a
# sleep process), "remote get" of the target's executable, a library it maps and its own
# /proc/PID/maps works (same bytes as the files); /etc/shadow, another process's /proc/1/maps, the
# target's /proc/PID/environ, /proc/PID/root/etc/shadow, /proc/PID/cwd/..., /proc/PID/fd/N and
# /proc/PID/task/../../1/maps are refused; "remote put" (an open with O_CREAT) is refused and creates
# nothing; "remote delete" is refused (no vFile:unlink at all) and deletes nothing. The same refusals
# are checked on the wire (F-1,13 = EACCES) with a raw client, including paths given with "..".
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/security_lib.sh"

need_cmd gdb
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
need_ptrace
need_gostub
start_sleeper
pid=$SLEEP_PID
exe=$(readlink "/proc/$pid/exe")
lib=$(awk '$6 ~ /libc[.-]/ { print $6; exit }' "/proc/$pid/maps")
[ -n "$lib" ] || die "sleep maps no libc"
[ -e /etc/shadow ] || echo "x" >"$T/shadow-missing"
echo keep >"$T/victim"

stub_start --listen 127.0.0.1:0 "$SLEEP_PID"
cat >"$T/vf.gdb" <<EOG
set sysroot /
target remote 127.0.0.1:$SERVER_PORT
echo MARK exe\n
remote get $exe $T/got.exe
echo MARK lib\n
remote get $lib $T/got.lib
echo MARK maps\n
remote get /proc/$pid/maps $T/got.maps
echo MARK shadow\n
remote get /etc/shadow $T/got.shadow
echo MARK proc1\n
remote get /proc/1/maps $T/got.proc1
echo MARK environ\n
remote get /proc/$pid/environ $T/got.environ
echo MARK root\n
remote get /proc/$pid/root/etc/shadow $T/got.root
echo MARK cwd\n
remote get /proc/$pid/cwd/$T/victim $T/got.cwd
echo MARK fd\n
remote get /proc/$pid/fd/1 $T/got.fd
echo MARK dotdot\n
remote get /proc/$pid/task/../../1/maps $T/got.dotdot
echo MARK put\n
remote put $T/victim $T/created-by-put
echo MARK put-over\n
remote put $exe $T/victim
echo MARK delete\n
remote delete $T/victim
echo MARK end\n
detach
EOG
run_gdb "$T/vf.out" /bin/sleep "$T/vf.gdb"
sed 's/^/  gdb | /' "$T/vf.out"

# section NAME - gdb's output between "MARK NAME" and the next MARK.
section() {
    awk -v m="MARK $1" '$0 == m { on = 1; next } /^MARK / { on = 0 } on' "$T/vf.out"
}
cmp -s "$T/got.exe" "$exe" || fail "remote get of the executable: not the same bytes"
cmp -s "$T/got.lib" "$lib" || fail "remote get of $lib (mapped): not the same bytes"
grep -q "$exe" "$T/got.maps" 2>/dev/null || fail "remote get /proc/$pid/maps: no mapping of $exe"
grep -q "unable to open /proc file" "$T/vf.out" && fail "gdb could not read a /proc file it needs"
for what in shadow proc1 environ root cwd fd dotdot; do
    [ -e "$T/got.$what" ] && fail "$what: remote get wrote a file"
    section $what | grep -q 'Permission denied' || fail "$what: gdb did not show 'Permission denied'"
done
[ -e "$T/created-by-put" ] && fail "remote put created a file"
section put | grep -q 'Permission denied' || fail "put: gdb did not show 'Permission denied'"
[ "$(cat "$T/victim")" = keep ] || fail "remote put over an existing file changed it"
[ -e "$T/victim" ] || fail "remote delete deleted the file"
section delete | grep -Eqi 'not supported|denied|cannot|error' || fail "delete: gdb showed no refusal"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after detach"
wait_running "$pid" 10 || fail "pid $pid does not run after detach"
check_untraced "$pid" || fail "pid $pid still traced"

# On the wire: EACCES (13 = 0xd) for every refused path and open mode; no unlink packet.
hexs() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
stub_start --listen 127.0.0.1:0 "$SLEEP_PID"
probe "tcp:127.0.0.1:$SERVER_PORT" qSupported \
    "vFile:open:$(hexs /etc/shadow),0,0" \
    "vFile:open:$(hexs /proc/1/maps),0,0" \
    "vFile:open:$(hexs "/proc/$pid/root/etc/passwd"),0,0" \
    "vFile:open:$(hexs "/proc/$pid/maps/../../1/maps"),0,0" \
    "vFile:open:$(hexs "/proc/$pid/mem"),0,0" \
    "vFile:open:$(hexs "$exe"),1,0" \
    "vFile:open:$(hexs "$exe"),2,0" \
    "vFile:open:$(hexs "$T/new"),601,1a4" \
    "vFile:readlink:$(hexs "/proc/$pid/root")" \
    "vFile:readlink:$(hexs "/proc/1/exe")" \
    "vFile:unlink:$(hexs "$T/victim")" \
    "vFile:open:$(hexs "/proc/$pid/maps"),0,0" \
    "vFile:readlink:$(hexs "/proc/$pid/exe")" D
[ "$(grep -c '^REPLY F-1,d$' "$PROBE_OUT")" = 10 ] || fail "not every refused vFile got F-1,d (EACCES)"
grep -qx 'REPLY ' "$PROBE_OUT" || fail "vFile:unlink is not the empty (unsupported) reply"
grep -qx 'REPLY F0' "$PROBE_OUT" || fail "open of the target's own maps did not succeed (F0)"
grep -q '^REPLY F[0-9a-f]*;' "$PROBE_OUT" || fail "readlink of the target's exe did not succeed"
[ -e "$T/new" ] && fail "vFile:open with O_CREAT created a file"
[ "$(cat "$T/victim")" = keep ] || fail "the victim file changed"
wait_exit "$SERVER_PID" 10 || fail "gostub still runs after D"
check_untraced "$pid" || fail "pid $pid still traced"
lib_finish
