// threads.go - many goroutines and many OS threads.
//
// Usage: threads [GOROUTINES [THREADS [exit]]]   (defaults 100 and 8). Starts GOROUTINES goroutines
// parked on a channel and THREADS goroutines locked to their own OS thread (runtime.LockOSThread), each
// sleeping in a loop, then prints "READY goroutines=G threads=T". With a third argument "exit" it
// releases everything, prints "MARK sum S" (S = the sum 0..GOROUTINES-1, computed by the goroutines
// in main.work) and exits 0; otherwise it runs until killed. Launch-mode tests use the exit form.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

//go:noinline
func work(i int, release chan struct{}, out chan int) {
	<-release
	out <- i // MARK:work
}

func arg(i, def int) int {
	if len(os.Args) <= i {
		return def
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil || n < 0 {
		fmt.Fprintln(os.Stderr, "usage: threads [GOROUTINES [THREADS [exit]]]")
		os.Exit(2)
	}
	return n
}

func main() {
	ng := arg(1, 100)
	nt := arg(2, 8)
	exit := len(os.Args) > 3 && os.Args[3] == "exit"
	release := make(chan struct{})
	out := make(chan int, ng)
	for i := 0; i < ng; i++ {
		go work(i, release, out)
	}
	var ready sync.WaitGroup
	ready.Add(nt)
	for i := 0; i < nt; i++ {
		go func() {
			runtime.LockOSThread()
			ready.Done()
			for {
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	ready.Wait()
	fmt.Printf("READY goroutines=%d threads=%d\n", ng, nt)
	os.Stdout.Sync()
	if !exit {
		select {}
	}
	close(release) // MARK:release
	sum := 0
	for i := 0; i < ng; i++ {
		sum += <-out
	}
	fmt.Printf("MARK sum %d\n", sum)
}
