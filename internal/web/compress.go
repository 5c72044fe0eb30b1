package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Pages and the stylesheet go out gzip-compressed to browsers that take it:
// on a slow 3G phone the bytes are most of the wait (the resident portal
// must load within a second).

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if strings.TrimSpace(strings.SplitN(part, ";", 2)[0]) == "gzip" {
			return true
		}
	}
	return false
}

// pagePools reuse what rendering a page needs per request: a buffer for the
// page and a gzip compressor (about 1 MB of tables each; making one for
// every page made the garbage collector a tenth of the need board's CPU).
type pagePools struct{ bufs, zips sync.Pool }

func (p *pagePools) buffer() *bytes.Buffer {
	if b, ok := p.bufs.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (p *pagePools) release(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // an exceptional page's buffer is not kept
		b.Reset()
		p.bufs.Put(b)
	}
}

// writeGzip writes b to w compressed at gzip.BestSpeed (pages are made per
// request).
func (p *pagePools) writeGzip(w io.Writer, b []byte) error {
	zw, ok := p.zips.Get().(*gzip.Writer)
	if ok {
		zw.Reset(w)
	} else {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
	}
	defer p.zips.Put(zw)
	if _, err := zw.Write(b); err != nil {
		return err
	}
	return zw.Close()
}

// gzipBytes compresses b at level (for static files made once).
func gzipBytes(b []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// gzipStatic serves the text files of the embedded static folder
// compressed once, in memory; everything else goes to next.
type gzipStatic struct {
	fsys fs.FS
	next http.Handler
	once sync.Map // name → []byte (compressed) or nil (not worth it)
}

func (g *gzipStatic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	ext := path.Ext(name)
	if !acceptsGzip(r) || (ext != ".css" && ext != ".js") {
		g.next.ServeHTTP(w, r)
		return
	}
	v, ok := g.once.Load(name)
	if !ok {
		b, err := fs.ReadFile(g.fsys, name)
		if err != nil {
			g.next.ServeHTTP(w, r)
			return
		}
		v, _ = g.once.LoadOrStore(name, gzipBytes(b, gzip.BestCompression))
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(ext))
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Add("Vary", "Accept-Encoding")
	w.Write(v.([]byte))
}
