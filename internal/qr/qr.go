// Package qr draws QR codes as PNG images on the server, so a page that
// shows one (an activity's check-in code, a redemption code) needs no
// JavaScript on the phone that displays it.
package qr

import (
	"github.com/skip2/go-qrcode"

	"github.com/huitian/huitian/internal/errs"
)

// PNG encodes text as a QR code (medium error correction) and returns a
// size×size PNG image. size below 64 is raised to 64: smaller is not
// reliably scanned from a phone screen.
func PNG(text string, size int) ([]byte, error) {
	if text == "" {
		return nil, errs.E(errs.Invalid, "qr.empty")
	}
	if size < 64 {
		size = 64
	}
	b, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return nil, errs.Wrap(err, "qr encode")
	}
	return b, nil
}
