package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// outboundAllowed lists the files that may open connections to other
// hosts, with why. No input may choose where the server connects, so no
// request can make it reach loopback, link-local or private addresses
// (SSRF). A file added here either connects only to an address the
// operator configured (never one from a request or the database), or
// refuses those ranges, with a test.
var outboundAllowed = map[string]string{
	// The district's SMS relay, at HUITIAN_SMS_RELAY_URL only (config);
	// a message carries a phone and a text, never a destination.
	"internal/sms/webhook.go": "the operator's SMS relay",
}

// outboundCalls are the package members that open an outbound connection.
var outboundCalls = map[string][]string{
	"net/http": {"Client", "DefaultClient", "Transport", "DefaultTransport", "Get", "Head", "Post", "PostForm", "NewRequest",
		"NewRequestWithContext"},
	"net":               {"Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix", "Dialer", "LookupHost", "LookupIP"},
	"net/smtp":          {"Dial", "SendMail"},
	"net/rpc":           {"Dial", "DialHTTP", "DialHTTPPath"},
	"crypto/tls":        {"Dial", "DialWithDialer", "Dialer"},
	"net/http/httputil": {"NewSingleHostReverseProxy", "ReverseProxy"},
}

// Attack: server-side request forgery — a user-supplied URL (a webhook, an
// image to fetch, an import "from URL") made the server call an internal
// address. Rule: no non-test code of the module opens an outbound
// connection outside outboundAllowed; found by parsing every file.
func TestNoOutboundFetch(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// bench/ is a separate module of measurements, never served.
			if rel == "bench" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		names := map[string]string{} // local name → import path
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if _, watched := outboundCalls[p]; !watched {
				continue
			}
			name := p[strings.LastIndex(p, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = p
		}
		if len(names) == 0 {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok || names[id.Name] == "" {
				return true
			}
			for _, m := range outboundCalls[names[id.Name]] {
				if sel.Sel.Name == m {
					if _, ok := outboundAllowed[filepath.ToSlash(rel)]; !ok {
						t.Errorf("%s: %s.%s opens an outbound connection; the server must fetch no user-supplied URL "+
							"(or add the file to outboundAllowed with a check refusing loopback, link-local and private ranges)",
							fset.Position(sel.Pos()), names[id.Name], m)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked: the walk missed the source", checked)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
