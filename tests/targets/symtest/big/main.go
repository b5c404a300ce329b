// big imports much of the standard library so that the sym/ tests can time opening a large binary.
package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"text/template"
)

func main() {
	var cfg tls.Config
	b, _ := json.Marshal(map[string]int{"a": 1})
	x, _ := xml.Marshal(struct{ A int }{1})
	re := regexp.MustCompile("a+")
	tpl := template.Must(template.New("t").Parse("{{.}}"))
	_ = tpl.Execute(os.Stdout, re.String())
	srv := &http.Server{Addr: "127.0.0.1:0", TLSConfig: &cfg}
	fmt.Println(string(b), string(x), srv.Addr)
}
