// coretest - a small Go program for the core-file tests (tests/integration/corefile_real.sh). It parks
// eight goroutines (blocked on a channel, in time.Sleep, and one spinning), fills a heap buffer with a
// known pattern, prints the marker lines the test reads, and then either panics (argument "panic")
// or waits to be killed (SIGQUIT/SIGABRT with GOTRACEBACK=crash) or cored by gcore (argument "wait").
//
// The Go runtime's reserved-but-unused address space (anonymous PROT_NONE mappings, hundreds of MiB) is
// marked MADV_DONTDUMP first, so that gdb's gcore (which dumps them as zeros otherwise) writes a core of
// tens of MiB; the kernel leaves them out either way.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func dontDumpReserved() {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return
	}
	const madvDontdump = 16
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) != 5 || f[1] != "---p" {
			continue
		}
		r := strings.SplitN(f[0], "-", 2)
		start, err1 := strconv.ParseUint(r[0], 16, 64)
		end, err2 := strconv.ParseUint(r[1], 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), madvDontdump)
	}
}

var heapBuf []byte
var sink uint64

func parked(ch chan int, i int) {
	v := <-ch
	fmt.Println(v, i)
}

func sleeper(i int) {
	time.Sleep(time.Hour * time.Duration(i+1))
}

func spinner() {
	for {
		sink++
	}
}

func main() {
	dontDumpReserved()
	runtime.GOMAXPROCS(4)
	heapBuf = make([]byte, 1<<20)
	for i := range heapBuf {
		heapBuf[i] = byte(i*7 + 3)
	}
	ch := make(chan int)
	for i := 0; i < 4; i++ {
		go parked(ch, i)
		go sleeper(i)
	}
	go spinner()
	time.Sleep(100 * time.Millisecond)
	fmt.Printf("HEAP %p\n", &heapBuf[0])
	fmt.Printf("READY %d\n", os.Getpid())
	if len(os.Args) > 1 && os.Args[1] == "panic" {
		var m map[string]int
		m["boom"] = 1
	}
	select {}
}
