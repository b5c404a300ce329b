// spin.go - a CPU-bound Go program: tight loops without function calls, which the Go runtime can only
// preempt asynchronously, by sending SIGURG to their threads (Go >= 1.14). A goroutine calls runtime.GC
// in a loop so that the stop-the-world phases send bursts of SIGURG. Tests check that a stub passes
// those signals through without reporting them to the client.
//
// Usage: spin [SECONDS]   prints "READY" once the loops run; with SECONDS > 0 it stops after that long
// and prints "MARK spins N gcs N" (N > 0 shows the loops and the collector made progress), else it runs
// until killed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

var spins uint64
var gcs uint64

//go:noinline
func burn(stop *uint32) uint64 {
	var x, n uint64 = 1, 0
	for atomic.LoadUint32(stop) == 0 {
		for i := 0; i < 1<<20; i++ { // no calls: only SIGURG can preempt this loop
			x = x*6364136223846793005 + 1442695040888963407
		}
		n++
	}
	return x ^ n
}

func main() {
	secs := 0
	if len(os.Args) > 1 {
		s, err := strconv.Atoi(os.Args[1])
		if err != nil || s < 0 {
			fmt.Fprintln(os.Stderr, "usage: spin [SECONDS]")
			os.Exit(2)
		}
		secs = s
	}
	var stop uint32
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 {
		workers = 2
	}
	for i := 0; i < workers; i++ {
		go func() {
			burn(&stop)
			atomic.AddUint64(&spins, 1)
		}()
	}
	go func() {
		for atomic.LoadUint32(&stop) == 0 {
			runtime.GC()
			atomic.AddUint64(&gcs, 1)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	fmt.Println("READY")
	os.Stdout.Sync()
	if secs == 0 {
		select {}
	}
	time.Sleep(time.Duration(secs) * time.Second)
	atomic.StoreUint32(&stop, 1)
	for atomic.LoadUint64(&spins) < uint64(workers) {
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("MARK spins %d gcs %d\n", atomic.LoadUint64(&spins), atomic.LoadUint64(&gcs))
}
