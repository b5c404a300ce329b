#!/bin/sh
# tests/transcripts/live_clients.sh - stock gdb and lldb against the RSP server over the in-memory fake
# target (fake_server: one fake process, pid 100, threads 100 "main" and 101 "worker", memory at 0x1000,
# nops at 0x401000). Checks marker lines of each client's output: threads and names, registers, memory
# read and write, software and hardware breakpoints, a step, an access watchpoint, the monitor, memory
# regions, and a clean detach seen by the server. Skips (77) when a client is not installed.
set -u
bin=${top_builddir:-.}/tests/transcripts/fake_server
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

start_server() {
    "$bin" > "$work/server.out" 2>&1 &
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$(sed -n 's/^Listening on port //p' "$work/server.out")
        [ -n "$port" ] && return 0
        sleep 0.2
    done
    echo "fake_server did not start"; exit 1
}

expect() { # FILE TEXT
    if grep -qF -- "$2" "$1"; then :; else echo "FAIL: $(basename "$1") lacks: $2"; fail=1; fi
}

command -v gdb >/dev/null 2>&1 || { echo "gdb not installed"; exit 77; }
command -v lldb >/dev/null 2>&1 || { echo "lldb not installed"; exit 77; }

start_server
timeout 60 gdb -nx -batch -ex "target remote 127.0.0.1:$port" -ex 'info threads' \
    -ex 'info registers rip rsp' -ex 'x/4xb 0x1000' -ex 'set var *(char*)0x1000 = 7' -ex 'x/1xb 0x1000' \
    -ex 'break *0x401000' -ex 'hbreak *0x401004' -ex 'continue' -ex 'stepi' -ex 'p $pc' \
    -ex 'thread 2' -ex 'p $pc' -ex 'thread 1' -ex 'awatch *(int*)0x1010' -ex 'continue' \
    -ex 'monitor help' -ex 'monitor threads' -ex 'detach' > "$work/gdb.out" 2>&1
wait
expect "$work/gdb.out" 'Thread 100.101 "worker"'
expect "$work/gdb.out" 'rsp            0x7ffc0000'
expect "$work/gdb.out" '0x1000:	0x00	0x01	0x02	0x03'
expect "$work/gdb.out" '0x1000:	0x07'
expect "$work/gdb.out" 'hit Breakpoint 1, 0x0000000000401000'
expect "$work/gdb.out" '$1 = (void (*)()) 0x401001'
expect "$work/gdb.out" '$2 = (void (*)()) 0x401001'
expect "$work/gdb.out" 'hit Hardware access (read/write) watchpoint 3: *(int*)0x1010'
expect "$work/gdb.out" 'threads -- list the threads'
expect "$work/gdb.out" '101 worker'
expect "$work/gdb.out" '[Inferior 1 (process 100) detached]'
expect "$work/server.out" 'reason 1, detaches 1 kills 0'
[ $fail = 0 ] || cat "$work/gdb.out"

start_server
timeout 60 lldb -b -o "gdb-remote 127.0.0.1:$port" -o 'thread list' -o 'breakpoint set -a 0x401008' \
    -o 'continue' -o 'register read rip' -o 'thread step-inst' -o 'register read rip' \
    -o 'memory read -c 4 0x1000' -o 'memory region 0x1000' \
    -o 'watchpoint set expression -w write -s 4 -- 0x1010' -o 'continue' -o 'detach' \
    > "$work/lldb.out" 2>&1
wait
expect "$work/lldb.out" "thread #2: tid = 101, 0x0000000000401001, name = 'worker'"
expect "$work/lldb.out" 'stop reason = breakpoint 1.1'
expect "$work/lldb.out" 'rip = 0x0000000000401008'
expect "$work/lldb.out" 'rip = 0x0000000000401009'
expect "$work/lldb.out" '0x00001000: 00 01 02 03'
expect "$work/lldb.out" '[0x0000000000001000-0x0000000000003000) rw- [heap]'
expect "$work/lldb.out" 'stop reason = watchpoint 1'
expect "$work/lldb.out" 'Process 100 detached'
expect "$work/server.out" 'reason 1, detaches 1 kills 0'
[ $fail = 0 ] || cat "$work/lldb.out"
exit $fail
