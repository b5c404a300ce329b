#!/bin/sh
# tests/bench/bench.sh [--runs N] - gostub side by side with gdbserver, the same stock gdb (and, for
# one row, the same stock lldb) as client, the same process as target, in one run. Not a test: it asserts nothing and prints a table. "make
# bench" runs it; tests/bench/README.md records results.
#
# The target is tests/bench/targets/heapsvc: an optimized Go service with a 64 MiB heap slice (every
# byte written, so every page is resident) and 10,000 goroutines parked on a channel. Each run starts
# a fresh server attached to that same process, once per server, alternating gostub and gdbserver
# (N runs, default 3; the table shows the median). Per server and run:
#   (a) heap read: one gdb session does "dump memory /dev/null ADDR ADDR+64MiB"; the time is taken by
#       gdb's own "shell date" right before and after the dump, so gdb's start, symbol loading and
#       the connection are not in it;
#   (b) attach to first prompt: wall time from launching the server (which attaches to the running
#       process) to the end of "info threads" in a gdb -batch session ("target remote", "info
#       threads"): the server's attach, gdb's start and symbol loading, the connection handshake and
#       the thread list. gdb's start-up is the same for both servers and dominates;
#   (c) resident memory of the server (VmRSS in /proc/PID/status) while attached, connected and
#       stopped after "info threads" - and its peak (VmHWM) after the 64 MiB read of (a);
#   (a2) the same 64 MiB read with lldb 14 as the client: "memory read --force --binary --outfile
#       /dev/null ADDR END" in one lldb session, timed like (a) by a helper that lldb's "platform
#       shell" runs right before and after (that command runs no shell redirections, hence a
#       script). lldb reads with the binary 'x' packet from a server that answers "x0,0" with OK
#       (gostub) and with hex 'm' packets otherwise (gdbserver 13); a 1 MiB read with lldb's packet
#       log, once per server before the runs, shows which one it used.
# For information, the CPU time the server itself spent on the read of (a) (utime + stime from
# /proc/PID/stat, 10 ms ticks): with stock gdb 13 the wall time of (a) is dominated by gdb decoding
# the hex of its 'm' replies one character at a time (gdb 13 has no binary 'x' read), so the server's
# own cost shows better here than in the wall time; gdb's CPU time for the same read (the shell gdb
# runs for "shell" reads its parent's /proc/PID/stat) shows the client's share.
# The table shows medians, and for (a) and (a2) also the fastest run. Ratios are gostub / gdbserver
# (below 1: gostub needs less time or memory).
#
# The machine may be shared: the numbers move with its load; the ratio within one run is the point.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/safety_lib.sh"

runs=3
while [ $# -gt 0 ]; do
    case $1 in
    --runs)
        runs=$2
        shift 2
        ;;
    *)
        echo "usage: $0 [--runs N]" >&2
        exit 2
        ;;
    esac
done
case $runs in
'' | *[!0-9]* | 0)
    echo "bench.sh: --runs wants a positive number" >&2
    exit 2
    ;;
esac

need_cmd gdb gdbserver lldb date awk
need_ptrace
need_gostub
build_bench_targets

heap_mib=64
goroutines=10000
TARGET_BIN=$BENCH_BIN start_target heapsvc "$heap_mib" "$goroutines"
bin=$BENCH_BIN/heapsvc
heap_addr=$(sed -n 's/^HEAP \(0x[0-9a-f]*\) [0-9]*$/\1/p' "$TARGET_OUT")
[ -n "$heap_addr" ] || die "heapsvc printed no HEAP line"
grep -q "^GOROUTINES $((goroutines + 1))\$" "$TARGET_OUT" || log "note: $(grep '^GOROUTINES' "$TARGET_OUT")"

now_ns() {
    date +%s%N
}

# gdb_batch OUT CMD... - stock gdb, batch mode, the settings of the tests, on heapsvc.
gdb_batch() {
    gbout=$1
    shift
    timeout -k 5 300 gdb -nx -batch -iex 'set auto-load off' -iex 'set pagination off' \
        -iex 'set confirm off' -iex 'set width 0' -iex 'set height 0' -iex 'set sysroot /' \
        "$@" "$bin" >"$gbout" 2>&1 </dev/null
}

# server_done - the server must be gone (it exits after the detach) before the next one attaches.
server_done() {
    if ! wait_exit "$SERVER_PID" 10; then
        log "note: $1 still running after the detach; killed"
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    wait_running "$TARGET_PID" 10 || die "heapsvc does not run after $1 detached"
    check_untraced "$TARGET_PID" || die "heapsvc is still traced after $1 detached"
}

# vm FILE FIELD - a VmRSS/VmHWM value in KiB from a copy of /proc/PID/status.
vm() {
    sed -n "s/^$2:[[:space:]]*\\([0-9]*\\) kB\$/\\1/p" "$1"
}

# cpu_ticks STATFILE - utime + stime of a copy of /proc/PID/stat (fields 14 and 15; the fields are
# counted after the "(comm)" that may hold spaces, where utime is the 12th).
cpu_ticks() {
    sed 's/.*) //' "$1" | awk '{ print $12 + $13 }'
}

results=$T/results
: >"$results"

heap_end=$(printf '%#x' $((heap_addr + (heap_mib << 20))))

# lldb_batch OUT CMD... - stock lldb 14, batch mode, on heapsvc; each CMD is one -o command. Its
# output goes to a file, so no pseudo-terminal is needed (compare run_lldb in safety_lib.sh). Debian's
# lldb prints a harmless Python traceback at start (see run_lldb).
lldb_batch() {
    lbout=$1
    shift
    nc=$#
    for c in "$@"; do
        set -- "$@" -o "$c"
    done
    shift "$nc"
    timeout -k 5 300 lldb --no-lldbinit --batch "$bin" "$@" >"$lbout" 2>&1 </dev/null
}

# The helper lldb runs right before and after its read: the time, the server's and lldb's CPU
# counters. lldb's "platform shell" expands $PPID (to lldb's pid: checked) but runs no redirections.
cat >"$T/lldb_mark.sh" <<EOF
#!/bin/sh
# lldb_mark.sh TAG SERVER_PID LLDB_PID
date +%s%N >"$T/lt\$1"
cat /proc/\$2/stat >"$T/ls\$1"
cat /proc/\$3/stat >"$T/lc\$1"
EOF
chmod +x "$T/lldb_mark.sh"

# heap_reads LOG x|m - how many packets of that kind in lldb's packet LOG read the first MiB of the heap
# (lldb also reads a little stack; the x0,0 probe reads nothing).
heap_reads() {
    sed -n "s/.*send packet: [$]$2\([0-9a-f]*\),\([0-9a-f]*\)#.*/\1 \2/p" "$1" | while read -r a l; do
        if [ $((0x$a)) -ge $((heap_addr)) ] && [ $((0x$a)) -lt $((heap_addr + (1 << 20))) ] &&
            [ $((0x$l)) -gt 0 ]; then
            echo
        fi
    done | wc -l
}

# lldb_packets SERVER - a 1 MiB read by lldb with its packet log on: which read packet lldb chose.
lldb_packets() {
    start_server "$1" "$TARGET_PID"
    lldb_batch "$T/$1.pkt.out" "log enable -f $T/$1.pkt gdb-remote packets" \
        "gdb-remote 127.0.0.1:$SERVER_PORT" \
        "memory read --force --binary --outfile /dev/null $heap_addr $(printf '%#x' $((heap_addr + (1 << 20))))" \
        "process detach"
    server_done "$1"
    grep -q '^1048576 bytes written' "$T/$1.pkt.out" || { cat "$T/$1.pkt.out"; die "$1: lldb's 1 MiB read failed"; }
    nx=$(heap_reads "$T/$1.pkt" x)
    nm=$(heap_reads "$T/$1.pkt" m)
    probe=$(grep -A1 'send packet: \$x0,0#' "$T/$1.pkt" | sed -n 's/.*read packet: \$\([^#]*\)#.*/\1/p')
    log "lldb and $1: x0,0 answered '$probe'; lldb's 1 MiB read took $nx 'x' and $nm 'm' packets"
    echo "$1 - xpkts $nx" >>"$results"
    echo "$1 - mpkts $nm" >>"$results"
}

# one_run SERVER RUN
one_run() {
    srv=$1 run=$2
    # (b) and (c): attach to first prompt, resident memory while attached.
    t0=$(now_ns)
    start_server "$srv" "$TARGET_PID"
    gdb_batch "$T/$srv.$run.attach" -ex "target remote 127.0.0.1:$SERVER_PORT" -ex 'info threads' \
        -ex "shell date +%s%N >$T/t1" \
        -ex "shell cat /proc/$SERVER_PID/status >$T/status.attach" -ex 'detach'
    grep -q 'Thread' "$T/$srv.$run.attach" || { cat "$T/$srv.$run.attach"; die "$srv: info threads failed"; }
    t1=$(cat "$T/t1")
    server_done "$srv"
    # (a): 64 MiB heap read.
    start_server "$srv" "$TARGET_PID"
    gdb_batch "$T/$srv.$run.read" -ex "target remote 127.0.0.1:$SERVER_PORT" \
        -ex "shell cat /proc/$SERVER_PID/stat >$T/stat.a; cat /proc/\$PPID/stat >$T/gstat.a; date +%s%N >$T/ta" \
        -ex "dump memory /dev/null $heap_addr $heap_addr+$((heap_mib << 20))" \
        -ex "shell date +%s%N >$T/tb; cat /proc/$SERVER_PID/stat >$T/stat.b; cat /proc/\$PPID/stat >$T/gstat.b" \
        -ex "shell cat /proc/$SERVER_PID/status >$T/status.read" -ex 'detach'
    if grep -Eiq 'cannot access|error|failed' "$T/$srv.$run.read"; then
        cat "$T/$srv.$run.read"
        die "$srv: the 64 MiB read failed"
    fi
    ta=$(cat "$T/ta")
    tb=$(cat "$T/tb")
    server_done "$srv"
    # (a2): the same read with lldb as the client.
    start_server "$srv" "$TARGET_PID"
    rm -f "$T/lta" "$T/ltb"
    lldb_batch "$T/$srv.$run.lldb" "gdb-remote 127.0.0.1:$SERVER_PORT" \
        "platform shell $T/lldb_mark.sh a $SERVER_PID \$PPID" \
        "memory read --force --binary --outfile /dev/null $heap_addr $heap_end" \
        "platform shell $T/lldb_mark.sh b $SERVER_PID \$PPID" "process detach"
    if ! grep -q "^$((heap_mib << 20)) bytes written" "$T/$srv.$run.lldb" || [ ! -s "$T/ltb" ]; then
        cat "$T/$srv.$run.lldb"
        die "$srv: lldb's 64 MiB read failed"
    fi
    grep -q '^[0-9]* (lldb) ' "$T/lca" || die "lldb's helper did not see lldb as its parent: $(cat "$T/lca")"
    server_done "$srv"
    {
        echo "$srv $run lldb_read_s $(awk -v a="$(cat "$T/lta")" -v b="$(cat "$T/ltb")" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
        echo "$srv $run lldb_cpu_s $(($(cpu_ticks "$T/lsb") - $(cpu_ticks "$T/lsa"))) $(getconf CLK_TCK)" |
            awk '{ printf "%s %s %s %.2f\n", $1, $2, $3, $4 / $5 }'
        echo "$srv $run lldb_lldbcpu_s $(($(cpu_ticks "$T/lcb") - $(cpu_ticks "$T/lca"))) $(getconf CLK_TCK)" |
            awk '{ printf "%s %s %s %.2f\n", $1, $2, $3, $4 / $5 }'
    } >>"$results"
    {
        echo "$srv $run read_s $(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
        echo "$srv $run cpu_s $(($(cpu_ticks "$T/stat.b") - $(cpu_ticks "$T/stat.a"))) $(getconf CLK_TCK)" |
            awk '{ printf "%s %s %s %.2f\n", $1, $2, $3, $4 / $5 }'
        echo "$srv $run gdbcpu_s $(($(cpu_ticks "$T/gstat.b") - $(cpu_ticks "$T/gstat.a"))) $(getconf CLK_TCK)" |
            awk '{ printf "%s %s %s %.2f\n", $1, $2, $3, $4 / $5 }'
        echo "$srv $run attach_s $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
        echo "$srv $run rss_kib $(vm "$T/status.attach" VmRSS)"
        echo "$srv $run hwm_kib $(vm "$T/status.read" VmHWM)"
    } >>"$results"
}

log "heapsvc pid $TARGET_PID: ${heap_mib} MiB heap at $heap_addr, $goroutines goroutines; $runs runs"
for srv in gostub gdbserver; do
    lldb_packets "$srv"
done
r=1
while [ "$r" -le "$runs" ]; do
    for srv in gostub gdbserver; do
        one_run "$srv" "$r"
    done
    log "run $r: $(grep " $r " "$results" | awk '{ printf "%s %s=%s  ", $1, $3, $4 }')"
    r=$((r + 1))
done

# median SERVER METRIC
median() {
    awk -v s="$1" -v m="$2" '$1 == s && $3 == m { print $4 }' "$results" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "gostub vs gdbserver, median of $runs runs ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)," \
    "load average $(cut -d ' ' -f 1-3 /proc/loadavg))"
printf '%-36s %12s %12s %8s  %s\n' metric gostub gdbserver ratio "target (gostub/gdbserver)"
# fastest SERVER METRIC - the smallest value over the runs: on a loaded machine the closest to the
# cost without the load.
fastest() {
    awk -v s="$1" -v m="$2" '$1 == s && $3 == m { print $4 }' "$results" | sort -n | head -n 1
}
row() { # row LABEL METRIC TARGET [fastest]
    g=$(${4:-median} gostub "$2")
    s=$(${4:-median} gdbserver "$2")
    ratio=$(awk -v g="$g" -v s="$s" 'BEGIN { if (s > 0) printf "%.2f", g / s; else print "-" }')
    printf '%-36s %12s %12s %8s  %s\n' "$1" "$g" "$s" "$ratio" "$3"
}
row "(a) read 64 MiB of heap, s" read_s "<= 0.50 (2x faster)"
row "    fastest run, s" read_s "(for information)" fastest
row "    server CPU time for the read, s" cpu_s "(for information)"
row "    gdb's CPU time for the read, s" gdbcpu_s "(for information)"
row "(a2) the same read with lldb 14, s" lldb_read_s "<= 0.50 (2x faster)"
row "    fastest run, s" lldb_read_s "(for information)" fastest
row "    server CPU time for it, s" lldb_cpu_s "(for information)"
row "    lldb's CPU time for it, s" lldb_lldbcpu_s "(for information)"
pk() { # pk SERVER - lldb's read packets for 1 MiB, e.g. "16 x, 0 m"
    echo "$(median "$1" xpkts) x, $(median "$1" mpkts) m"
}
printf '%-36s %12s %12s %8s  %s\n' "    lldb's read packets for 1 MiB" "$(pk gostub)" "$(pk gdbserver)" - \
    "(x: binary, m: hex)"
row "(b) attach to first prompt, s" attach_s "<= 1.00"
row "(c) server VmRSS attached, KiB" rss_kib "<= 1.00"
row "    server VmHWM after the read, KiB" hwm_kib "(for information)"
lib_finish
