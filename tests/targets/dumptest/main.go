// dumptest - the process tests/integration/dump_core.sh dumps and doc/internals/dump.md measures.
//
//	dumptest MIB
//
// Allocates MIB MiB of heap in 1 MiB slices and writes every page (so the memory is resident and must
// be dumped), with a pattern: byte i of slice k is byte(i*7+k). Starts 8 goroutines blocked in
// main.worker on a channel (something for dlv's goroutines and gdb's bt to show), prints
// "HEAP 0x<address of slice 0>", "HOLE 0x<address>" (a mapped page that cannot be read: a shared
// mapping past the end of its deleted file) and "READY", then measures how long it was stopped: a goroutine sleeps
// 1 ms at a time and prints "GAP <ms>" whenever one sleep took longer than 50 ms (the process was
// stopped by a debugger, or the machine was busy).
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

var heap [][]byte
var block = make(chan int)

//go:noinline
func worker(n int) int {
	return n + <-block
}

func main() {
	mib := 4
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v > 0 {
			mib = v
		}
	}
	for k := 0; k < mib; k++ {
		b := make([]byte, 1<<20)
		for i := range b {
			b[i] = byte(i*7 + k)
		}
		heap = append(heap, b)
	}
	for i := 0; i < 8; i++ {
		go worker(i)
	}
	fmt.Printf("HEAP 0x%x\n", uintptr(unsafe.Pointer(&heap[0][0])))
	// A mapping with a page no debugger can read: a shared writable mapping of a 2-page file cut
	// to 1 page (touching the second page would raise SIGBUS; ptrace and process_vm_readv fail).
	if f, err := os.CreateTemp("", "dumptest"); err == nil {
		os.Remove(f.Name())
		f.Truncate(8192)
		if m, err := syscall.Mmap(int(f.Fd()), 0, 8192, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_SHARED); err == nil {
			m[0] = 0x5a
			f.Truncate(4096)
			fmt.Printf("HOLE 0x%x\n", uintptr(unsafe.Pointer(&m[4096])))
		}
	}
	fmt.Println("READY")
	last := time.Now()
	for {
		time.Sleep(time.Millisecond)
		now := time.Now()
		if gap := now.Sub(last); gap > 50*time.Millisecond {
			fmt.Printf("GAP %d\n", gap.Milliseconds())
		}
		last = now
	}
}
