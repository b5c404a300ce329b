// parked - the target of tests/bench/goroutines: N goroutines parked on a channel receive (a service
// with many idle connections), plus a ticker goroutine that measures how long the process was paused.
//
// Usage: parked N. Prints "LISTEN PORT" once every goroutine is parked. HTTP on 127.0.0.1:PORT:
//
//	GET /gap  the largest gap between two ticks (1 ms ticker) since the last /gap, in microseconds,
//	          then starts a new interval. A debugger that stops every thread stops the ticker too, so
//	          the gap is the time the process was paused (plus up to one tick).
//
// Not a test program: it asserts nothing.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

var (
	mu     sync.Mutex
	maxGap time.Duration
	hold   = make(chan struct{})
)

//go:noinline
func worker(id int) {
	<-hold
	_ = id
}

func ticker() {
	t := time.NewTicker(time.Millisecond)
	last := time.Now()
	for now := range t.C {
		g := now.Sub(last)
		last = now
		mu.Lock()
		if g > maxGap {
			maxGap = g
		}
		mu.Unlock()
	}
}

func gap(w http.ResponseWriter, _ *http.Request) {
	mu.Lock()
	g := maxGap
	maxGap = 0
	mu.Unlock()
	fmt.Fprintf(w, "%d\n", g.Microseconds())
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 0 {
			fmt.Fprintln(os.Stderr, "usage: parked N")
			os.Exit(2)
		}
		n = v
	}
	for i := 0; i < n; i++ {
		go worker(i)
	}
	for runtime.NumGoroutine() < n+1 {
		time.Sleep(10 * time.Millisecond)
	}
	go ticker()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/gap", gap)
	fmt.Printf("LISTEN %d\n", ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
