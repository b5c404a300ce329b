// steptest: a small program for godbg_step.sh (conditions, next/step/stepout/si, watchpoints).
// Line numbers are used by the test: edit with care.
package main

import (
	"fmt"
	"os"
	"sync"
)

var hits int

func add(a, b int) int {
	s := a + b
	hits++
	return s
}

func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

func loop(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total = add(total, i)
	}
	return total
}

func main() {
	t := loop(10)
	f := fact(5)
	fmt.Fprintln(os.Stdout, t, f, hits)
	if len(os.Args) > 1 {
		parallel()
	}
}

// parallel: goroutines running the same lines at once, for next's same-goroutine rule.
func parallel() {
	var wg sync.WaitGroup
	out := make([]int, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			v := 0
			for j := 0; j < 200000; j++ {
				v += mix(id, j)
				v ^= j
			}
			out[id] = v
		}(g)
	}
	wg.Wait()
	fmt.Fprintln(os.Stdout, out[0])
}

func mix(a, b int) int {
	return a*31 + b
}
