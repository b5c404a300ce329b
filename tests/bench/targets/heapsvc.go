// heapsvc.go - the benchmark target: a small HTTP service with a large, touched heap region and many
// parked goroutines, so a stub can be measured reading memory and tracking a process the size of a
// real service.
//
// Usage: heapsvc [HEAP_MIB [GOROUTINES]]   (defaults 64 and 0). Allocates one HEAP_MIB MiB slice,
// writes every byte (so every page is resident and reads cost what they cost in production), starts
// GOROUTINES goroutines parked on a channel receive, then prints
//
//	HEAP 0x<address> <length in bytes>
//	GOROUTINES <n>
//	LISTEN <port>
//
// and serves /ping on 127.0.0.1 ("pong N", N counting requests) until killed.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"unsafe"
)

var heap []byte
var hits uint64

func arg(i, def int) int {
	if len(os.Args) <= i {
		return def
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil || n < 0 {
		fmt.Fprintln(os.Stderr, "usage: heapsvc [HEAP_MIB [GOROUTINES]]")
		os.Exit(2)
	}
	return n
}

// handle answers /ping; the reset test stops it at a breakpoint and watches hits.
//
//go:noinline
func handle(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "pong %d\n", atomic.AddUint64(&hits, 1))
}

func main() {
	mib := arg(1, 64)
	ngo := arg(2, 0)
	heap = make([]byte, mib<<20)
	for i := range heap {
		heap[i] = byte(i*7 + i>>12)
	}
	park := make(chan struct{})
	for i := 0; i < ngo; i++ {
		go func() { <-park }()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "heapsvc:", err)
		os.Exit(1)
	}
	http.HandleFunc("/ping", handle)
	if len(heap) > 0 {
		fmt.Printf("HEAP %#x %d\n", uintptr(unsafe.Pointer(&heap[0])), len(heap))
	}
	fmt.Printf("GOROUTINES %d\n", runtime.NumGoroutine())
	fmt.Printf("LISTEN %d\n", ln.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, "heapsvc:", err)
		os.Exit(1)
	}
}
