// service.go - a small HTTP service for the integration tests and the demo.
//
// Usage: service [PORT]   (0 or no argument: the kernel picks a port; SERVICE_DONTDUMP=1: see
// dontDumpReserved). Listens on 127.0.0.1 only and
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
	"strings"
	"sync"
	"syscall"
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

// dontDumpReserved marks MADV_DONTDUMP the address space the Go runtime has reserved but not used
// (anonymous PROT_NONE mappings: about 700 MiB of heap and page-allocator reservations on amd64).
// gdb's gcore dumps those as zeros otherwise, which through a remote stub means reading 700 MiB and
// writing a 700 MiB core; gdb skips mappings flagged "dd" in /proc/PID/smaps. When the runtime later
// uses part of a reservation it maps it again (mmap MAP_FIXED), which drops the flag for that part.
// Only with SERVICE_DONTDUMP=1 (the gcore test); called before any other goroutine starts.
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

func main() {
	if os.Getenv("SERVICE_DONTDUMP") == "1" {
		dontDumpReserved()
	}
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
