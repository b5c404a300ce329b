// service.go - a small HTTP service for the integration tests and the demo.
//
// Usage: service [PORT]   (0 or no argument: the kernel picks a port). Listens on 127.0.0.1 only and
// prints "LISTEN <port>" on stdout once it accepts connections. /ping answers "pong N" where N counts
// requests. Tests break on main.handle, watch the global main.hits, and print the locals of handle and
// describe (a struct, a string, an int, a slice, a map). Lines tagged "// MARK:name" are found by the
// tests with grep, so the line numbers can change freely.
//
// Some goroutines stay parked for the life of the process (a channel receive, a mutex, a sleep), so that
// "info threads" and goroutine listings have something other than the HTTP server to show.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// hits counts the requests served; a test puts a hardware watchpoint on it.
var hits int

var mu sync.Mutex

// request is what handle builds for each call: a struct with a string, an int, a slice and a map.
type request struct {
	Path  string
	Count int
	Tags  []string
	Meta  map[string]int
}

//go:noinline
func describe(req request) string {
	label := req.Path + "#" + strconv.Itoa(req.Count) // MARK:describe
	return label
}

//go:noinline
func handle(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	hits++ // MARK:hits
	n := hits
	mu.Unlock()
	req := request{Path: r.URL.Path, Count: n, Tags: []string{"go", "stub"}, Meta: map[string]int{"n": n}}
	label := describe(req)                   // MARK:call-describe
	fmt.Fprintf(w, "pong %d %s\n", n, label) // MARK:reply
}

// park leaves goroutines blocked in the states a live service shows: a channel receive, a mutex, a sleep.
func park() {
	never := make(chan int)
	go func() { <-never }()
	var held sync.Mutex
	held.Lock()
	go func() { held.Lock() }()
	go func() {
		for {
			time.Sleep(time.Hour)
		}
	}()
}

func main() {
	port := 0
	if len(os.Args) > 1 {
		p, err := strconv.Atoi(os.Args[1])
		if err != nil || p < 0 || p > 65535 {
			fmt.Fprintln(os.Stderr, "usage: service [PORT]")
			os.Exit(2)
		}
		port = p
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
	park()
	http.HandleFunc("/ping", handle)
	fmt.Printf("LISTEN %d\n", ln.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}
