#!/bin/sh
# safety_reset.sh - the client is killed with SIGKILL in the middle of a large memory read (gdb's
# "dump memory" of a 64 MiB heap region, queued several times): the kernel closes gdb's socket with
# unread reply data in it, which sends a TCP reset, while gostub is writing. gostub must survive the
# reset (no SIGPIPE death), release the process (a thread was stopped at a breakpoint, another
# breakpoint and a hardware watchpoint set) and exit; the process runs on untraced, its text intact,
# and answers requests.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

need_cmd gdb curl ss
need_ptrace
need_server
build_bench_targets
TARGET_BIN=$BENCH_BIN start_target heapsvc 64
heap=$(sed -n 's/^HEAP \(0x[0-9a-f]*\) \([0-9]*\)$/\1 \2/p' "$TARGET_OUT")
[ -n "$heap" ] || die "heapsvc printed no HEAP line"
heap_addr=${heap% *}
heap_len=${heap#* }
start_safety_server "$TARGET_PID"
gdb_open "$BENCH_BIN/heapsvc"
gdb_attach
gdb_send "break main.handle" "watch main.hits" "continue"
request "$TARGET_PORT" >"$T/held.out" 2>&1 &
track $!
gdb_wait 'hit Breakpoint 1, main\.handle'
# Eight reads of 64 MiB: still reading when the kill comes, however fast the stub. The kill comes once
# the server's socket has had 2 MiB more acknowledged than before the reads (bytes_acked in ss -i),
# so the read is under way, and before gdb's marker after the last read, so it is not over.
acked() {
    n=$(ss -Htin "sport = :$SERVER_PORT" | sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | head -n 1)
    echo "${n:-0}"
}
w0=$(acked)
for i in 1 2 3 4 5 6 7 8; do
    gdb_send "dump memory /dev/null $heap_addr $heap_addr+$heap_len"
done
gdb_send "echo MARK dumped\\n"
i=0
while [ $(($(acked) - w0)) -lt $((2 << 20)) ]; do
    i=$((i + 1))
    [ "$i" -le 300 ] || die "the server sent less than 2 MiB in 30 s of reading"
    sleep 0.1
done
log "the server has sent $((($(acked) - w0) >> 10)) KiB of memory; killing gdb"
grep -q 'MARK dumped' "$GDB_OUT" && die "the reads were over before the kill; nothing was tested"
gdb_kill
check_held_request "reset mid-read"
check_released "$TARGET_PID" "$TARGET_PORT" "reset mid-read"
[ "$SAFETY_SERVER" = gostub ] && expect_server_exit "reset mid-read"
# For the log: what the server saw (gostub says "Connection reset by peer" when the reset came first).
grep -i -e 'reset' -e 'broken pipe' "$SERVER_LOG" | sed 's/^/  server: /'
lib_finish
