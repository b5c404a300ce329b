// valtest: package variables and locals of every Go kind, for goruntime/value and eval
// (tests/unit/test_values.c). It sets its values, prints READY and parks in main.stop (a chan
// receive) so that a debugger attaching finds every value in place. Values are package variables
// so that their addresses come from DWARF; main.stop also holds locals of the same kinds.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"time"
	"unsafe"
)

type Inner struct {
	Name string
	Tags []string
}

type Outer struct {
	ID   int
	In   Inner
	P    *Inner
	M    map[string]int
	E    error
	Next *Outer
}

type Kind uint8

// Color and Flags have constants: dlv names their values ("main.Green (1)", "FlagA|FlagC (5)").
type Color int

const (
	Red Color = iota
	Green
	Blue
)

type Flags uint8

const (
	FlagA Flags = 1 << iota
	FlagB
	FlagC
)

type Shape interface{ Area() float64 }

type Rect struct{ W, H float64 }

func (r Rect) Area() float64 { return r.W * r.H }

type Embed struct {
	Inner
	Extra int
}

type Node struct {
	Val  int
	Next *Node
}

var (
	I        int        = -42
	I8       int8       = -8
	I16      int16      = 1600
	I32      int32      = -320000
	I64      int64      = math.MinInt64
	U        uint       = 42
	U8       uint8      = 255
	U16      uint16     = 65535
	U32      uint32     = 4000000000
	U64      uint64     = math.MaxUint64
	UP       uintptr    = 0xc000012345
	F32      float32    = 1.5
	F64      float64    = 3.141592653589793
	FBig     float64    = 1e21
	FSmall   float64    = 1e-7
	FNaN                = math.NaN()
	FInf                = math.Inf(-1)
	C64      complex64  = complex(1, 2)
	C128     complex128 = complex(-1.5, -0.25)
	B        bool       = true
	BF       bool
	R        rune  = 'é'
	By       byte  = 'A'
	K        Kind  = 3
	Col            = Green
	ColX     Color = 7
	Fl             = FlagA | FlagC
	Fl0      Flags
	ColArr   = [2]Color{Blue, Red}
	S        = "hello, world"
	SEmpty   = ""
	SLong    = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	SEsc     = "a\n\t\"\\\x00\x7fé"
	Arr      = [3]int{1, 2, 3}
	ArrS     = [2]string{"x", "y"}
	Arr0     [0]int
	ArrBig   [100]int
	Sl       = make([]int, 3, 4)
	SlNil    []int
	SlEmpty  = []int{}
	SlBig    = make([]int, 100)
	SlStr    = []string{"a", "b", "c"}
	Bytes    = []byte("bytes")
	Mat      = [][]int{{1, 2}, {3}}
	M        = map[string]int{"one": 1}
	MNil     map[string]int
	MInt     = map[int]string{}
	MPtr     = map[*Inner]int{}
	MBig     = map[int]int{}
	Ptr      = &Inner{Name: "inner", Tags: []string{"a", "b", "c"}}
	PtrNil   *Inner
	PP       = &Ptr
	PInt     = new(int)
	Out      Outer
	OutP     *Outer
	Emb      = Embed{Inner: Inner{Name: "e"}, Extra: 5}
	Cyc      *Node
	Eface    interface{} = 5
	EfaceS   interface{} = "str"
	EfaceP   interface{} = &Inner{Name: "ip"}
	EfaceNil interface{}
	Err      error = errors.New("boom")
	ErrNil   error
	ErrF     error = fmt.Errorf("wrapped: %w", errors.New("inner"))
	Sh       Shape = Rect{W: 2, H: 3}
	Ch             = make(chan int, 5)
	ChNil    chan int
	ChU      = make(chan string)
	Fn       = func(x int) int { return x + 1 }
	FnNil    func()
	FnTop    = fmt.Println
	UPtr     unsafe.Pointer
	Anon     = struct {
		A int
		B string
	}{1, "anon"}
	Deep = [][][][]int{{{{1}}}}
	Str2 struct{ P *Outer }
)

// More shapes for the printer's choices (several lines or one, what is loaded at depth 2).
type Wrap2 struct{ I interface{} }
type Wrap struct {
	W Wrap2
	E error
}
type Many struct{ A, B, C, D, E, F, G, H, I, J int }

var (
	IfSl     = []interface{}{1, "two", nil, Rect{1, 2}, &Inner{Name: "x"}, []int{1}}
	MIf      = map[string]interface{}{"a": 1}
	SArr     = [2]Inner{{Name: "p"}, {Name: "q", Tags: []string{"t"}}}
	LongStrs = []string{"short", "a rather long string"}
	ShortStr = []string{"ab", "cd"}
	HP       = &Wrap{W: Wrap2{I: Rect{3, 4}}, E: ErrF}
	ManyV    = Many{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	Empty    struct{}
	MSet     = map[string]struct{}{"k": {}}
	MRect    = map[Rect]int{{1, 1}: 1}
	PtrArr   = [2]*Inner{nil, nil}
	PStr     = &S
	Closure  func() int
	U16Arr   = [3]uint16{1, 2, 65535}
)

var Escaped *int

var done = make(chan int)

//go:noinline
func stop(n int, s string, p *Inner) int {
	li := n * 2
	ls := s + "!"
	lsl := []int{n, n + 1}
	lm := map[string]int{"k": n}
	lp := p
	var le error = Err
	lo := Outer{ID: -7, In: *p}
	esc := 5 // escapes to the heap: DWARF names it "&esc"
	Escaped = &esc
	{
		li := 99 // shadows the outer li
		_ = li
		<-done
	}
	return li + len(ls) + len(lsl) + len(lm) + len(lp.Tags) + lo.ID + len(le.Error())
}

func main() {
	Sl[0], Sl[1], Sl[2] = 1, 2, 3
	for i := range ArrBig {
		ArrBig[i] = i
	}
	for i := range SlBig {
		SlBig[i] = i * 2
	}
	M["two"] = 2
	M["three"] = 3
	MInt[1] = "a"
	MInt[-2] = "b"
	MPtr[Ptr] = 7
	for i := 0; i < 100; i++ {
		MBig[i] = i * i
	}
	*PInt = 17
	Out = Outer{ID: -7, In: Inner{Name: "inner", Tags: []string{"a", "b", "c"}}, P: Ptr, M: M, E: Err}
	Out.Next = &Out
	OutP = &Out
	PtrArr[1] = Ptr
	base := 40
	Closure = func() int { return base + 2 }
	Cyc = &Node{Val: 1}
	Cyc.Next = &Node{Val: 2, Next: Cyc}
	Ch <- 1
	Ch <- 2
	UPtr = unsafe.Pointer(Ptr)
	Str2.P = &Out
	// A sleeper keeps the runtime from calling the parked program a deadlock.
	go func() {
		for {
			time.Sleep(time.Hour)
		}
	}()
	if len(os.Args) > 99 { // never: a real reference keeps keep (and through it every variable) linked
		fmt.Println(keep)
	}
	fmt.Println("READY")
	os.Stdout.Sync()
	fmt.Println(stop(21, "arg", Ptr))
}

// keep: every package variable referenced, so that the linker keeps the statically initialised ones
// (and their DWARF) although only a debugger reads them.
var keep = []unsafe.Pointer{
	unsafe.Pointer(&I),
	unsafe.Pointer(&I8),
	unsafe.Pointer(&I16),
	unsafe.Pointer(&I32),
	unsafe.Pointer(&I64),
	unsafe.Pointer(&U),
	unsafe.Pointer(&U8),
	unsafe.Pointer(&U16),
	unsafe.Pointer(&U32),
	unsafe.Pointer(&U64),
	unsafe.Pointer(&UP),
	unsafe.Pointer(&F32),
	unsafe.Pointer(&F64),
	unsafe.Pointer(&FBig),
	unsafe.Pointer(&FSmall),
	unsafe.Pointer(&FNaN),
	unsafe.Pointer(&FInf),
	unsafe.Pointer(&C64),
	unsafe.Pointer(&C128),
	unsafe.Pointer(&B),
	unsafe.Pointer(&BF),
	unsafe.Pointer(&R),
	unsafe.Pointer(&By),
	unsafe.Pointer(&K),
	unsafe.Pointer(&IfSl),
	unsafe.Pointer(&MIf),
	unsafe.Pointer(&SArr),
	unsafe.Pointer(&LongStrs),
	unsafe.Pointer(&ShortStr),
	unsafe.Pointer(&HP),
	unsafe.Pointer(&ManyV),
	unsafe.Pointer(&Empty),
	unsafe.Pointer(&MSet),
	unsafe.Pointer(&MRect),
	unsafe.Pointer(&PtrArr),
	unsafe.Pointer(&PStr),
	unsafe.Pointer(&Closure),
	unsafe.Pointer(&U16Arr),
	unsafe.Pointer(&Col),
	unsafe.Pointer(&ColX),
	unsafe.Pointer(&Fl),
	unsafe.Pointer(&Fl0),
	unsafe.Pointer(&ColArr),
	unsafe.Pointer(&S),
	unsafe.Pointer(&SEmpty),
	unsafe.Pointer(&SLong),
	unsafe.Pointer(&SEsc),
	unsafe.Pointer(&Arr),
	unsafe.Pointer(&ArrS),
	unsafe.Pointer(&Arr0),
	unsafe.Pointer(&ArrBig),
	unsafe.Pointer(&Sl),
	unsafe.Pointer(&SlNil),
	unsafe.Pointer(&SlEmpty),
	unsafe.Pointer(&SlBig),
	unsafe.Pointer(&SlStr),
	unsafe.Pointer(&Bytes),
	unsafe.Pointer(&Mat),
	unsafe.Pointer(&M),
	unsafe.Pointer(&MNil),
	unsafe.Pointer(&MInt),
	unsafe.Pointer(&MPtr),
	unsafe.Pointer(&MBig),
	unsafe.Pointer(&Ptr),
	unsafe.Pointer(&PtrNil),
	unsafe.Pointer(&PP),
	unsafe.Pointer(&PInt),
	unsafe.Pointer(&Out),
	unsafe.Pointer(&OutP),
	unsafe.Pointer(&Emb),
	unsafe.Pointer(&Cyc),
	unsafe.Pointer(&Eface),
	unsafe.Pointer(&EfaceS),
	unsafe.Pointer(&EfaceP),
	unsafe.Pointer(&EfaceNil),
	unsafe.Pointer(&Err),
	unsafe.Pointer(&ErrNil),
	unsafe.Pointer(&ErrF),
	unsafe.Pointer(&Sh),
	unsafe.Pointer(&Ch),
	unsafe.Pointer(&ChNil),
	unsafe.Pointer(&ChU),
	unsafe.Pointer(&Fn),
	unsafe.Pointer(&FnNil),
	unsafe.Pointer(&FnTop),
	unsafe.Pointer(&UPtr),
	unsafe.Pointer(&Anon),
	unsafe.Pointer(&B),
	unsafe.Pointer(&Deep),
	unsafe.Pointer(&Str2),
}
