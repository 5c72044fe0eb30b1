package qr

import (
	"bytes"
	"image/png"
	"testing"
)

func TestPNG(t *testing.T) {
	b, err := PNG("https://huitian.example.cn/activities/x/checkin?code=123456", 256)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if w := img.Bounds().Dx(); w != 256 {
		t.Fatalf("width %d, want 256", w)
	}
	if _, err := PNG("", 256); err == nil {
		t.Fatal("empty text encoded")
	}
	small, err := PNG("x", 10)
	if err != nil {
		t.Fatal(err)
	}
	if img, _ := png.Decode(bytes.NewReader(small)); img.Bounds().Dx() != 64 {
		t.Fatalf("small size not raised: %d", img.Bounds().Dx())
	}
}
