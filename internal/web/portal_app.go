package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"

	"github.com/huitian/huitian/internal/i18n"
)

// The portal as an installable web app: a manifest, icons drawn here (回
// is a square in a square, so no font and no third-party asset is
// needed), a service worker and its offline page.

var icons struct {
	once sync.Once
	png  map[int][]byte
}

// drawIcon draws the 回 mark: white squares on the platform's red.
func drawIcon(size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	red := color.RGBA{0xb3, 0x26, 0x1e, 0xff}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill(0, 0, size, size, red)
	// Outer and inner frame, inside the maskable safe zone (80%).
	frame := func(m, w int) {
		fill(m, m, size-m, m+w, white)
		fill(m, size-m-w, size-m, size-m, white)
		fill(m, m, m+w, size-m, white)
		fill(size-m-w, m, size-m, size-m, white)
	}
	frame(size*24/100, size*6/100)
	frame(size*40/100, size*5/100)
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func (a *app) appIcon(w http.ResponseWriter, r *http.Request) {
	icons.once.Do(func() { icons.png = map[int][]byte{192: drawIcon(192), 512: drawIcon(512)} })
	size := map[string]int{"icon-192.png": 192, "icon-512.png": 512}[r.PathValue("name")]
	b, ok := icons.png[size]
	if !ok {
		a.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

// appManifest is the web app manifest (start at the portal).
func (a *app) appManifest(w http.ResponseWriter, r *http.Request) {
	l := a.Catalog
	lang := i18n.ZH
	m := map[string]any{
		"name": l.T(lang, "portal.app_name"), "short_name": l.T(lang, "portal.app_short"),
		"start_url": "/portal", "scope": "/", "display": "standalone", "lang": string(lang),
		"background_color": "#faf7f5", "theme_color": "#b3261e",
		"icons": []map[string]string{
			{"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
			{"src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
		},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	json.NewEncoder(w).Encode(m)
}

// serviceWorker serves static/sw.js from the root, so its scope is the site.
func (a *app) serviceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("static/sw.js")
	if err != nil {
		a.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// offline is the page the service worker shows without a network.
func (a *app) offline(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, "portal_offline.html", http.StatusOK, a.newPage(w, r, "portal.offline_title", nil))
}
