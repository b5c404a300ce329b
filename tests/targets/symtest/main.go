// symtest is the Go program the sym/ unit tests (tests/unit/test_sym.c) read: a bit of every kind of
// value, methods, closures, an inlinable helper, shadowed names and package constants and variables.
// The tests find lines by the "MARK:" comments, so lines may move freely; keep the names.
package main

import (
	"errors"
	"fmt"
	"os"
)

const Answer = 42

type Kind int

const (
	KindA Kind = iota
	KindB
	KindC
)

type Inner struct {
	Name string
	Tags []string
}

type Base struct {
	ID int64
}

type Outer struct {
	Base
	In    Inner
	P     *Inner
	M     map[string]int
	Ch    chan int
	F     func(int) int
	E     error
	Any   interface{}
	Arr   [4]int32
	Flag  bool
	Ratio float64
	C     complex128
	K     Kind
}

type T struct {
	A int
	B string
}

func (t *T) M(x int) int {
	return t.A + x // MARK:Mbody
}

func (t T) V() string { return t.B }

// add is small enough for the compiler to inline it in the optimized build.
func add(a, b int) int {
	return a + b // MARK:addbody
}

func recurse(n int) int {
	if n == 0 {
		return 0
	}
	return n + recurse(n-1)
}

var Global = Outer{Base: Base{ID: -7}}
var Counter int

func shadow(x int) int {
	y := x * 2
	if x > 1 {
		y := x + 100 // MARK:shadow
		Counter += y
	}
	return y
}

func main() {
	t := &T{A: 1, B: "x"}
	Global.In = Inner{Name: "inner", Tags: []string{"a", "b", "c"}}
	Global.P = &Global.In
	Global.M = map[string]int{"one": 1}
	Global.Ch = make(chan int, 3)
	Global.E = errors.New("boom")
	Global.Any = t
	Global.F = func(i int) int { return i + 1 }
	f := func() { // MARK:closure
		fmt.Println(t.M(3), t.V()) // MARK:callM
	}
	f()
	s := add(Counter, len(os.Args)) // MARK:calladd
	fmt.Println(s, recurse(3), shadow(len(os.Args)+2), Answer, KindC)
}
