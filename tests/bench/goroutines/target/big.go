// big - the start-up target of tests/bench/goroutines: a small program that links much of the standard
// library (HTTP server and client, TLS, JSON, XML, templates, SQL, compression, images, regexps), so
// that its DWARF is large, as a real service's is. Only its size matters; it runs in an instant.
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"go/parser"
	"go/token"
	"html/template"
	"image/png"
	"log"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/rpc"
	"net/smtp"
	"os"
	"regexp"
	"sort"
	"strings"
	ttemplate "text/template"
	"time"
)

func main() {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(map[string]int{"a": 1})
	_ = xml.NewEncoder(&b).Encode(struct{ A int }{1})
	_, _ = template.New("x").Parse("{{.}}")
	_, _ = ttemplate.New("y").Parse("{{.}}")
	_ = regexp.MustCompile(`a+b`)
	_, _ = gzip.NewWriterLevel(&b, 1)
	_ = zip.NewWriter(&b)
	_ = csv.NewWriter(&b)
	_ = &tls.Config{MinVersion: tls.VersionTLS12}
	_ = x509.NewCertPool()
	_ = sql.Drivers()
	_ = png.Encoder{}
	_ = big.NewInt(7)
	_ = multipart.NewWriter(&b)
	_, _ = mail.ParseAddress("a@b.c")
	_ = rpc.NewServer()
	_ = smtp.PlainAuth
	_ = httptest.NewRecorder()
	_, _ = parser.ParseExpr("1+2")
	_ = token.NewFileSet()
	_ = http.DefaultClient
	_ = log.New(os.Stderr, "", 0)
	s := []string{"b", "a"}
	sort.Strings(s)
	fmt.Println(strings.Join(s, ","), time.Duration(0))
}
