# tests/lib.sh - shell helpers shared by every integration test and the demo. POSIX sh (the tests run
# under /bin/sh, which is dash on Debian). Source it first thing:
#     . "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
#
# What it gives a test:
#   - top_srcdir, top_builddir (from make's environment, else found from the script's location and the
#     current folder), GOSTUB (the stub under test), T (a private scratch folder, removed at exit unless
#     KEEP=1 or the test failed);
#   - a cleanup trap that kills -9 every process the test started through these helpers;
#   - build_targets, start_target (waits for the program's LISTEN/READY line), start_server (gostub or
#     gdbserver on port 0, reading "Listening on port N" from its stderr), run_gdb (stock gdb in batch
#     mode with the settings every test needs), mask_gdb (addresses, thread ids, pids);
#   - the production-safety checks: wait_running, tracer_pid, check_untraced, check_text (the process's
#     text segment compared byte for byte with the binary's file).
# Exit codes: 0 pass, 1 fail, 77 skip (only when a needed tool truly cannot run here: see need_cmd).
# Not for: anything about a particular test's expectations; those stay in the test.

set -u

if [ -z "${top_srcdir:-}" ]; then
    top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
if [ -z "${top_builddir:-}" ]; then
    # Run by hand: from a build folder (it has config.status) or from an in-tree build.
    if [ -f ./config.status ]; then
        top_builddir=$(pwd)
    else
        top_builddir=$top_srcdir
    fi
fi
export top_srcdir top_builddir

GOSTUB=${GOSTUB:-$top_builddir/stub/gostub}
TARGET_BIN=$top_builddir/tests/targets/bin
LIB_NAME=$(basename "$0" .sh)
LIB_PIDS=
LIB_N=0
LIB_FAILED=0
LIB_SERVER_LOGS=

T=$(mktemp -d "${TMPDIR:-/tmp}/$LIB_NAME.XXXXXX") || exit 1

# log MSG... - a line in the test's log, prefixed with the test's name.
log() {
    echo "[$LIB_NAME] $*"
}

# fail MSG... - reports a failure and goes on (the test ends with lib_finish); die stops at once.
fail() {
    echo "[$LIB_NAME] FAIL: $*"
    LIB_FAILED=1
}
die() {
    echo "[$LIB_NAME] FAIL: $*"
    LIB_FAILED=1
    exit 1
}
skip() {
    echo "[$LIB_NAME] SKIP: $*"
    exit 77
}

# lib_finish - the test's last line: exit 0 when nothing failed, else 1. A sanitizer report (ASan,
# UBSan, LeakSanitizer) in the log of any server the test started is a failure too.
lib_finish() {
    for l in $LIB_SERVER_LOGS; do
        if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$l" 2>/dev/null; then
            fail "sanitizer report in ${l##*/}:"
            grep -E -A 30 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$l" | head -n 60
        fi
    done
    if [ "$LIB_FAILED" -eq 0 ]; then
        log PASS
        exit 0
    fi
    exit 1
}

# track PID - kill -9 PID when the test ends (-PGID: the whole process group).
track() {
    LIB_PIDS="$1 $LIB_PIDS"
}

lib_cleanup() {
    status=$?
    trap - EXIT INT TERM HUP
    for p in $LIB_PIDS; do
        kill -9 "$p" 2>/dev/null
    done
    for p in $LIB_PIDS; do
        wait "$p" 2>/dev/null
    done
    if [ "$status" -ne 0 ] && [ "$status" -ne 77 ] || [ "$LIB_FAILED" -ne 0 ]; then
        log "scratch folder kept: $T"
    elif [ "${KEEP:-0}" = 1 ]; then
        log "scratch folder kept: $T"
    else
        rm -rf "$T"
    fi
    exit "$status"
}
trap lib_cleanup EXIT
trap 'exit 1' INT TERM HUP

# need_cmd CMD... - skip (77) when a tool is not installed.
need_cmd() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
}

# need_ptrace - skip when this machine forbids ptrace (a container without CAP_SYS_PTRACE, yama scope 3).
need_ptrace() {
    scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
    [ "$scope" = 3 ] && skip "kernel.yama.ptrace_scope is 3: no process can be traced"
    if [ "$scope" != 0 ] && [ "$(id -u)" != 0 ]; then
        skip "attaching needs root or kernel.yama.ptrace_scope=0 (it is $scope)"
    fi
    return 0
}

# need_gostub - the stub must have been built (a missing binary is a failure, not a skip).
need_gostub() {
    [ -x "$GOSTUB" ] || die "$GOSTUB not built (run make first)"
}

# build_targets - builds the Go programs into $TARGET_BIN (up-to-date ones are kept).
build_targets() {
    need_cmd go
    sh "$top_srcdir/tests/targets/build.sh" "$TARGET_BIN" || die "building the Go targets failed"
}

# wait_for_line FILE ERE [SECONDS] - waits until a line of FILE matches ERE (default 15 s). 1 on timeout.
wait_for_line() {
    i=0
    limit=$((${3:-15} * 10))
    while [ "$i" -lt "$limit" ]; do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# start_target NAME [ARGS...] - starts $TARGET_BIN/NAME in the background, output in $TARGET_OUT, and
# waits for its "LISTEN <port>" or "READY" line. Sets TARGET_PID and TARGET_PORT (empty if none).
start_target() {
    tname=$1
    shift
    LIB_N=$((LIB_N + 1))
    TARGET_OUT=$T/$tname.$LIB_N.out
    [ -x "$TARGET_BIN/$tname" ] || die "$TARGET_BIN/$tname not built (build_targets)"
    "$TARGET_BIN/$tname" "$@" >"$TARGET_OUT" 2>&1 &
    TARGET_PID=$!
    track "$TARGET_PID"
    if ! wait_for_line "$TARGET_OUT" '^(LISTEN [0-9]+|READY)' 15; then
        cat "$TARGET_OUT"
        die "$tname did not start"
    fi
    TARGET_PORT=$(sed -n 's/^LISTEN \([0-9][0-9]*\)$/\1/p' "$TARGET_OUT" | head -n 1)
    log "started $tname, pid $TARGET_PID${TARGET_PORT:+, port $TARGET_PORT}"
}

# start_server gostub|gdbserver PID          attach to PID
# start_server gostub|gdbserver -- PROG ARGS  launch PROG stopped at its first instruction
# Listens on 127.0.0.1 port 0 and reads the port from "Listening on port N" (both tools print it on
# stderr). Sets SERVER_PID, SERVER_PORT, SERVER_LOG (the server's stdout and stderr, which is also
# where a launched program's output goes). GOSTUB_FLAGS adds options to gostub (e.g. -v).
start_server() {
    kind=$1
    shift
    LIB_N=$((LIB_N + 1))
    SERVER_LOG=$T/$kind.$LIB_N.log
    LIB_SERVER_LOGS="$LIB_SERVER_LOGS $SERVER_LOG"
    case $kind in
    gdbserver)
        if [ "$1" = -- ]; then
            shift
            gdbserver 127.0.0.1:0 "$@" >"$SERVER_LOG" 2>&1 &
        else
            gdbserver --attach 127.0.0.1:0 "$1" >"$SERVER_LOG" 2>&1 &
        fi
        ;;
    gostub)
        # shellcheck disable=SC2086 # GOSTUB_FLAGS is a list of words
        "$GOSTUB" ${GOSTUB_FLAGS:-} --listen 127.0.0.1:0 "$@" >"$SERVER_LOG" 2>&1 &
        ;;
    *)
        die "start_server: unknown server $kind"
        ;;
    esac
    SERVER_PID=$!
    track "$SERVER_PID"
    i=0
    while ! grep -q 'Listening on port [0-9]' "$SERVER_LOG" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$i" -ge 150 ]; then
            cat "$SERVER_LOG"
            die "$kind did not start listening"
        fi
        sleep 0.1
        i=$((i + 1))
    done
    SERVER_PORT=$(sed -n 's/.*Listening on port \([0-9][0-9]*\).*/\1/p' "$SERVER_LOG" | head -n 1)
    log "started $kind, pid $SERVER_PID, port $SERVER_PORT"
}

# wait_exit PID [SECONDS] - waits for a process to end (default 15 s); 1 if it is still there.
wait_exit() {
    i=0
    limit=$((${2:-15} * 10))
    while kill -0 "$1" 2>/dev/null; do
        # A zombie child counts as gone.
        st=$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
        [ "$st" = Z ] && return 0
        [ "$i" -ge "$limit" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 0
}

# run_gdb OUTFILE BINARY SCRIPTFILE [GDB ARGS...] - runs stock gdb in batch mode on BINARY with each
# line of SCRIPTFILE as one -ex command (extra arguments, e.g. "-c CORE", go before them), stdout and
# stderr to OUTFILE. One -ex per line (not -x FILE) because gdb stops reading a sourced file at the
# first error, and a comparison wants every later command to run all the same. Lines starting with #
# are skipped. Times out after GDB_TIMEOUT seconds (default 60).
# With GDB_BG=1 gdb runs in the background in its own session and process group (setsid; no timeout):
# GDB_PID is its pid and its group id, so "kill -9 -$GDB_PID" kills gdb and any "shell" child of it
# at once, as a client machine going away would; the cleanup trap does the same.
# "set auto-load off": Go binaries ask gdb to load $GOROOT/src/runtime/runtime-gdb.py, which gdb
# refuses (safe-path) with a warning on every run, and whose output would differ from run to run.
run_gdb() {
    gout=$1 gbin=$2 gscript=$3
    shift 3
    while IFS= read -r gline; do
        case $gline in
        '#'* | '') continue ;;
        esac
        set -- "$@" -ex "$gline"
    done <"$gscript"
    if [ "${GDB_BG:-0}" = 1 ]; then
        setsid gdb -nx -batch -iex 'set auto-load off' -iex 'set pagination off' -iex 'set confirm off' \
            -iex 'set width 0' -iex 'set height 0' -iex 'set remotetimeout 30' \
            "$@" "$gbin" >"$gout" 2>&1 </dev/null &
        GDB_PID=$!
        track "-$GDB_PID"
        return 0
    fi
    timeout -k 5 "${GDB_TIMEOUT:-60}" gdb -nx -batch -iex 'set auto-load off' -iex 'set pagination off' \
        -iex 'set confirm off' -iex 'set width 0' -iex 'set height 0' -iex 'set remotetimeout 30' \
        "$@" "$gbin" >"$gout" 2>&1 </dev/null
}

# mask_gdb < IN > OUT - makes gdb output from two servers and two processes comparable: hex addresses,
# pids (also in /proc/PID/ paths), LWP/thread ids and "Thread P.T" become fixed words, and the
# per-run file names in the scratch folder ($T/1-gdbserver.core...) become T/RUN, and the padding of
# "info threads" tables (which depends on the pids' digits) becomes single spaces. Values the tests check (decimal numbers,
# strings, bytes printed by x/xb - those are 0x.. with two digits, kept) are left alone.
mask_gdb() {
    sed -E \
        -e 's/0x[0-9a-f]{3,}/0xADDR/g' \
        -e 's/Thread [0-9]+\.[0-9]+/Thread P.T/g' \
        -e 's/Thread 0xADDR/Thread P.T/g' \
        -e 's/LWP [0-9]+/LWP N/g' \
        -e 's/process [0-9]+/process PID/g' \
        -e 's|/proc/[0-9]+/|/proc/PID/|g' \
        -e "s|$T/[0-9]+-[a-z]+|T/RUN|g" \
        -e 's/(Attaching to|Detaching from) program: [^,]*, /\1 program: PROG, /' |
        # "info threads" pads its columns to the widest pid: collapse runs of spaces in its table.
        sed -E '/^(  Id +Target Id|\*? +[0-9]+ +(Thread|LWP) )/s/  +/ /g'
}

# mask_sched < IN > OUT - masks what the Go scheduler, not the server, decides: which thread (M) runs
# the goroutine that hits a breakpoint or watchpoint ("Thread 4 "service" hit ..." and the
# "[Switching to Thread ...]" line before it), and when the runtime starts or ends an M ("[New Thread
# ...]", "[Thread ... exited]"). Apply after mask_gdb. The stop itself (function, line, arguments,
# values) is kept.
mask_sched() {
    sed -E -e 's/^Thread [0-9]+ "[^"]*" hit /Thread N hit /' -e '/^\[Switching to Thread P\.T\]$/d' \
        -e '/^\[New Thread P\.T\]$/d' -e '/^\[Thread P\.T exited\]$/d'
}

# mask_runtime_frames < IN > OUT - a frame inside the Go runtime (runtime.*, runtime/internal/...)
# where a thread sat when the server attached or stopped the process becomes RUNTIME-FRAME: whether an
# idle M was in futex, epollwait, usleep or a syscall is timing, not the server's doing. Applies to
# "info threads" lines, to "#0" lines, and to the stop location gdb prints on connecting (the source
# line printed after it, an assembly line of the runtime, is dropped too). Frames outside the runtime
# are kept as they are.
mask_runtime_frames() {
    sed -E -e 's/^(\*? +[0-9]+ +(Thread|LWP) [^ ]+( \(LWP N\))?( "[^"]*")?) +(0xADDR in )?runtime[./][^ ]* \(.*/\1 RUNTIME-FRAME/' \
        -e 's/^#0  (0xADDR in )?runtime[./][^ ]* \(.*/#0  RUNTIME-FRAME/' \
        -e 's/^(0xADDR in )?runtime[./][^ ]* \(.*\) at .*/RUNTIME-FRAME/' |
        sed -E '/^RUNTIME-FRAME$/{n;/^[0-9]+\t/d;}'
}

# drop_idle_threads < IN > OUT - after mask_runtime_frames: drops the "info threads" lines of threads
# (other than the current one) idle in the runtime. How many idle Ms the Go runtime has started is
# timing (a fresh service has 4 threads, sometimes 5), so a test that needs the count checks it against
# /proc/PID/task instead (count_threads_line).
drop_idle_threads() {
    sed -E '/^ +[0-9]+ +(Thread|LWP) .* RUNTIME-FRAME$/d'
}

# count_info_threads FILE - the number of thread lines in the first "info threads" table of FILE.
count_info_threads() {
    awk '/^  Id +Target Id/ { t = 1; next } t && /^\*? +[0-9]+ +(Thread|LWP) / { n++; next } t { exit } END { print n + 0 }' "$1"
}

# mask_timing < IN > OUT - every timing mask at once, after mask_gdb: mask_runtime_frames,
# drop_idle_threads, mask_sched.
mask_timing() {
    mask_runtime_frames | drop_idle_threads | mask_sched
}

# kill_wait PID - kill -9 a process this shell started and reap it (quietly: no "Killed" notice).
kill_wait() {
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# request PORT [PATH] - one HTTP GET to the service, the body on stdout (10 s limit).
request() {
    curl -s -m 10 "http://127.0.0.1:$1${2:-/ping}"
}

# proc_state PID - the state letters of every thread of PID (R, S, t, T...), one per thread.
proc_state() {
    for st in /proc/"$1"/task/*/stat; do
        # The state follows "(comm) "; comm may hold spaces, so cut at the last ')'.
        sed -e 's/.*) //' -e 's/ .*//' "$st" 2>/dev/null
    done
}

# wait_running PID [SECONDS] - waits until no thread of PID is in a stop (t: tracing stop, T: job
# control stop). 1 on timeout (default 10 s) or when the process is gone.
wait_running() {
    i=0
    limit=$((${2:-10} * 10))
    while :; do
        [ -d "/proc/$1" ] || return 1
        states=$(proc_state "$1" | tr -d '\n')
        case $states in
        *t* | *T* | *Z* | '') ;;
        *) return 0 ;;
        esac
        [ "$i" -ge "$limit" ] && { log "pid $1 thread states: $states"; return 1; }
        sleep 0.1
        i=$((i + 1))
    done
}

# tracer_pid PID - the TracerPid of PID's main thread (0 when nobody traces it).
tracer_pid() {
    sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null
}

# check_untraced PID - 0 when no thread of PID has a tracer; else prints the traced threads, returns 1.
check_untraced() {
    bad=0
    for s in /proc/"$1"/task/*/status; do
        tp=$(sed -n 's/^TracerPid:[[:space:]]*//p' "$s" 2>/dev/null)
        if [ -n "$tp" ] && [ "$tp" != 0 ]; then
            log "thread ${s%/status} is traced by $tp"
            bad=1
        fi
    done
    return $bad
}

# check_text PID [BINARY] - compares every executable (r-xp) mapping of PID's executable, read through
# /proc/PID/mem, with the bytes of the file at the mapping's offset. 0 when equal; else prints the first
# differing bytes (a leftover 0xcc is a breakpoint the stub did not remove) and returns 1.
check_text() {
    cpid=$1
    cbin=${2:-$(readlink "/proc/$1/exe")}
    exe=$(readlink "/proc/$cpid/exe")
    fsize=$(stat -c %s "$cbin")
    nmaps=0
    cbad=0
    # /proc/PID/maps: start-end perms offset dev inode path
    while read -r range perms off _dev _inode path; do
        [ "$perms" = r-xp ] && [ "$path" = "$exe" ] || continue
        start=$((0x${range%-*}))
        end=$((0x${range#*-}))
        foff=$((0x$off))
        len=$((end - start))
        [ $((foff + len)) -gt "$fsize" ] && len=$((fsize - foff))
        nmaps=$((nmaps + 1))
        # 4 KiB blocks: both the address and the offset of a mapping are page-aligned.
        dd if="/proc/$cpid/mem" of="$T/text.mem" bs=4096 skip=$((start / 4096)) \
            count=$(((len + 4095) / 4096)) 2>/dev/null
        dd if="$cbin" of="$T/text.file" bs=4096 skip=$((foff / 4096)) \
            count=$(((len + 4095) / 4096)) 2>/dev/null
        if ! cmp -s -n "$len" "$T/text.mem" "$T/text.file"; then
            log "text of pid $cpid differs from $cbin in mapping $range (offset 0x$off):"
            cmp -l -n "$len" "$T/text.mem" "$T/text.file" 2>&1 | head -n 5 |
                while read -r pos a b; do
                    case $pos in
                    *[!0-9]*) echo "  $pos $a $b" ;;
                    *) printf '  address 0x%x: process has 0%s, file has 0%s (octal)\n' \
                        $((start + pos - 1)) "$a" "$b" ;;
                    esac
                done
            cbad=1
        fi
    done <"/proc/$cpid/maps"
    if [ "$nmaps" -eq 0 ]; then
        log "no r-xp mapping of $exe in pid $cpid"
        return 1
    fi
    return $cbad
}

# check_alive_and_free PID PORT WHAT - the production-safety checks after a client went away: the
# process runs (no thread stopped), has no tracer, answers a request, and its text is the binary's.
check_alive_and_free() {
    cpid=$1 cport=$2 what=$3
    wait_running "$cpid" 10 || fail "$what: pid $cpid is not running"
    check_untraced "$cpid" || fail "$what: pid $cpid is still traced (TracerPid $(tracer_pid "$cpid"))"
    reply=$(request "$cport") || true
    case $reply in
    pong*) log "$what: service answers: $reply" ;;
    *) fail "$what: service does not answer (got '$reply')" ;;
    esac
    check_text "$cpid" || fail "$what: text of pid $cpid differs from its binary"
}

# compare_outputs A B LABEL - masked gdb outputs must be equal; prints a diff and fails otherwise.
compare_outputs() {
    mask_gdb <"$1" >"$1.masked"
    mask_gdb <"$2" >"$2.masked"
    if diff -u "$1.masked" "$2.masked" >"$T/$3.diff"; then
        log "$3: outputs equal after masking"
        return 0
    fi
    fail "$3: outputs differ after masking (- ${1##*/}, + ${2##*/}):"
    cat "$T/$3.diff"
    return 1
}

# src_line FILE TAG - the line number of "// MARK:TAG" in tests/targets/FILE.
src_line() {
    n=$(grep -n "// MARK:$2\$" "$top_srcdir/tests/targets/$1" | head -n 1 | cut -d: -f1)
    [ -n "$n" ] || die "no MARK:$2 in $1"
    echo "$n"
}

# servers_under_test - sets SERVERS (default "gdbserver gostub": gdbserver is the reference) and checks
# the tools exist. SERVERS="gdbserver gdbserver" shows that a test is deterministic without gostub.
servers_under_test() {
    SERVERS=${SERVERS:-gdbserver gostub}
    for s in $SERVERS; do
        case $s in
        gostub) need_gostub ;;
        gdbserver) need_cmd gdbserver ;;
        *) die "unknown server $s in SERVERS" ;;
        esac
    done
}

# check_runs MASKFN EXPECT [SUFFIX] - the runs of one test are $T/1-S1SUFFIX, $T/2-S2SUFFIX... for the
# servers S1 S2... in $SERVERS (SUFFIX defaults to .out). Each is masked (mask_gdb, then the test's
# MASKFN filter, "cat" for none) into SUFFIX.m; each must match every extended regular expression in
# EXPECT (one per line); every run must equal the first.
check_runs() {
    cr_mask=$1 cr_expect=$2 cr_suffix=${3:-.out} cr_n=0 cr_first=
    for s in $SERVERS; do
        cr_n=$((cr_n + 1))
        cr_out=$T/$cr_n-$s$cr_suffix
        [ -f "$cr_out" ] || { fail "$s: no output $cr_out"; continue; }
        mask_gdb <"$cr_out" | $cr_mask >"$cr_out.m"
        printf '%s\n' "$cr_expect" | while IFS= read -r re; do
            [ -n "$re" ] || continue
            grep -Eq -- "$re" "$cr_out.m" || echo "$re"
        done >"$cr_out.missing"
        if [ -s "$cr_out.missing" ]; then
            fail "$s: these expected lines are missing from ${cr_out##*/}:"
            cat "$cr_out.missing"
            echo "---- $cr_out"
            cat "$cr_out"
            echo "----"
        fi
        if [ -z "$cr_first" ]; then
            cr_first=$cr_out.m
        else
            compare_outputs "$cr_first" "$cr_out.m" "run1-vs-run$cr_n-$s${cr_suffix%.out}"
        fi
    done
}
