package qr

import (
	"bytes"
	"image/png"
	"testing"
)

func TestPNG(t *testing.T) {
	t.Parallel()
	b, err := PNG("12345678", 200)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 200 || r.Dy() != 200 {
		t.Fatalf("size %v", r)
	}
	// Dark and light modules both present: it is a code, not a blank square.
	var dark, light int
	for y := 0; y < 200; y += 4 {
		for x := 0; x < 200; x += 4 {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark == 0 || light == 0 {
		t.Fatalf("dark %d light %d", dark, light)
	}
	other, _ := PNG("87654321", 200)
	if bytes.Equal(b, other) {
		t.Fatal("two texts, one image")
	}
}
