// The program the rr replay test "records": a few lines of straight code and one call, built
// with -N -l so every line has its own instructions.
package main

import "os"

//go:noinline
func twice(x int) int {
	y := x * 2
	return y
}

func main() {
	a := 1
	b := a + 2
	c := twice(b)
	d := c + a
	if d != 7 {
		os.Exit(3)
	}
	a = d * 2
}
