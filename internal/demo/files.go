package demo

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// The evidence of progress reports is made here, in code: a small picture of
// an activity (PNG) and a one-page sign-in sheet (PDF). No binary file is
// committed, and every file differs, so each has its own hash on the page.

// photoPNG draws a small "photo" of an activity: sky, a lawn and a row of
// people in bright clothes under a banner, varied by seed.
func photoPNG(seed string) []byte {
	h := fnv.New64a()
	h.Write([]byte(seed))
	x := h.Sum64()
	next := func(n int) int {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int(x % uint64(n))
	}
	const w, ht = 240, 160
	img := image.NewNRGBA(image.Rect(0, 0, w, ht))
	set := func(x, y int, c color.NRGBA) {
		if x >= 0 && x < w && y >= 0 && y < ht {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
		}
	}
	sky := color.NRGBA{uint8(150 + next(60)), uint8(190 + next(50)), 250, 255}
	grass := color.NRGBA{uint8(70 + next(40)), uint8(150 + next(60)), uint8(60 + next(30)), 255}
	for y := 0; y < ht; y++ {
		c := sky
		if y > ht*3/5 {
			c = grass
			c.G -= uint8((y - ht*3/5) / 3)
		} else {
			c.B -= uint8(y / 4)
		}
		for x := 0; x < w; x++ {
			set(x, y, c)
		}
	}
	// A red banner across the top of the scene.
	for y := 18; y < 34; y++ {
		for x := 30; x < w-30; x++ {
			set(x, y, color.NRGBA{200, 30, 40, 255})
		}
	}
	// People: a body and a head each.
	people := 5 + next(6)
	for i := 0; i < people; i++ {
		cx := 20 + i*(w-40)/people + next(10)
		base := ht*3/5 + 10 + next(20)
		shirt := color.NRGBA{uint8(next(256)), uint8(next(256)), uint8(next(256)), 255}
		for y := base - 30; y < base; y++ {
			for x := cx - 7; x <= cx+7; x++ {
				set(x, y, shirt)
			}
		}
		for y := base - 42; y < base-30; y++ {
			for x := cx - 5; x <= cx+5; x++ {
				if dx, dy := x-cx, y-(base-36); dx*dx+dy*dy <= 30 {
					set(x, y, color.NRGBA{240, 200, 160, 255})
				}
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}

// sheetPDF writes a one-page PDF 1.4 with a few lines of text (the base-14
// Helvetica font knows no Chinese, so the sheet is in English and pinyin).
func sheetPDF(title string, lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 16 Tf 56 780 Td (" + pdfEscape(title) + ") Tj ET\n")
	y := 750
	for _, l := range lines {
		fmt.Fprintf(&content, "BT /F1 11 Tf 56 %d Td (%s) Tj ET\n", y, pdfEscape(l))
		y -= 18
	}
	// A table frame, as a sign-in sheet has.
	fmt.Fprintf(&content, "0.5 w 56 %d 483 %d re S\n", y-200, 190)
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&content, "56 %d m 539 %d l S\n", y-10-i*19, y-10-i*19)
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfEscape keeps printable ASCII and escapes what a PDF string needs.
func pdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 32 && r < 127:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
