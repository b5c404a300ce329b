// cgo is linked externally by gcc, so its binary mixes Go's DWARF 4 units with gcc's DWARF 5 units
// (.debug_rnglists, .debug_loclists, 0-based file numbers): the sym/ tests check both kinds.
package main

/*
static int twice(int x) { int y = x * 2; return y; }
int call_twice(int x) { return twice(x) + 1; }
*/
import "C"
import "fmt"

func main() {
	v := C.call_twice(3)
	fmt.Println(v)
}
