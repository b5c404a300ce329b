// grtest: goroutines parked in every wait state a debugger must name, for the goroutine and unwinding
// tests of frontend/goruntime (tests/unit/test_goroutines.c), which compare godbg's view with dlv's.
// Prints "READY <pid>" when every goroutine is in place, then waits forever (the test kills it).
//
//	grtest [-n N]   also parks N extra goroutines on a channel receive (read-count tests)
//	GRTEST_SPIN2=1  also runs a second CPU loop (with GOMAXPROCS=1: asynchronous preemption)
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"
)

type Waiter struct{ ch chan int }

// Wait is a method on a pointer receiver.
func (w *Waiter) Wait() { <-w.ch }

type Val struct{ n int }

// Sleep is a method on a value receiver.
func (v Val) Sleep() { time.Sleep(time.Duration(v.n) * time.Hour) }

var (
	started sync.WaitGroup
	sink    int
	mu      sync.Mutex
	cond    = sync.NewCond(&sync.Mutex{})
	never   = make(chan int)
)

func chanSend(ch chan int) { started.Done(); ch <- 1 }

func chanRecv(ch chan int) { started.Done(); <-ch }

func selectWait(a, b chan int) {
	started.Done()
	select {
	case <-a:
	case b <- 1:
	}
}

func mutexWait() { started.Done(); mu.Lock() }

func condWait() {
	cond.L.Lock()
	started.Done()
	cond.Wait()
}

func sleeper() { started.Done(); time.Sleep(time.Hour) }

func netWait(l net.Listener) { started.Done(); l.Accept() }

func syscallWait(fd int) {
	started.Done()
	var b [1]byte
	syscall.Read(fd, b[:]) // a raw blocking read: the goroutine stays in _Gsyscall
}

func spin() {
	started.Done()
	for i := 0; ; i++ {
		sink += i
	}
}

// spin2 is started only with GRTEST_SPIN2=1; run with GOMAXPROCS=1, one of the two loops is
// always preempted by a signal, and its stack goes through runtime.asyncPreempt.
func spin2() {
	for i := 0; ; i++ {
		sink += i
	}
}

func recurse(n int) int {
	if n == 0 {
		started.Done()
		<-never
		return 0
	}
	return recurse(n-1) + 1
}

// panicking blocks inside a deferred call while a nil dereference panics: its stack goes through
// runtime.gopanic and runtime.sigpanic, whose caller's pc is the faulting instruction itself.
func panicking() {
	defer func() {
		started.Done()
		<-never
		recover()
	}()
	var p *int
	sink = *p
}

func labelled() {
	pprof.Do(context.Background(), pprof.Labels("k", "v"), func(context.Context) {
		started.Done()
		<-never
	})
}

func parked(ch chan int) { <-ch }

func main() {
	extra := 0
	if len(os.Args) == 3 && os.Args[1] == "-n" {
		extra, _ = strconv.Atoi(os.Args[2])
	}
	mu.Lock()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		panic(err)
	}
	started.Add(14)
	go chanSend(make(chan int))
	go chanRecv(make(chan int))
	go selectWait(make(chan int), make(chan int))
	go mutexWait()
	go condWait()
	go sleeper()
	go netWait(l)
	go syscallWait(fds[0])
	go spin()
	go recurse(10)
	go panicking()
	go labelled()
	w := &Waiter{ch: make(chan int)}
	go func() { started.Done(); w.Wait() }()
	go func() { started.Done(); Val{n: 2}.Sleep() }()
	started.Wait()
	if os.Getenv("GRTEST_SPIN2") == "1" {
		go spin2()
	}
	hold := make(chan int)
	for i := 0; i < extra; i++ {
		go parked(hold)
	}
	time.Sleep(200 * time.Millisecond) // let every goroutine reach its wait
	fmt.Printf("READY %d\n", os.Getpid())
	<-never
}
