// Package qr draws QR codes as PNG images on the server, so a page shows a
// code without JavaScript (redemption codes, check-in codes).
package qr

import (
	"github.com/skip2/go-qrcode"

	"github.com/huitian/huitian/internal/errs"
)

// PNG returns text as a QR code, size pixels square, with medium error
// correction (a phone screen photographed by another phone).
func PNG(text string, size int) ([]byte, error) {
	if size < 64 || size > 1024 {
		size = 256
	}
	b, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return nil, errs.Wrap(err, "qr code")
	}
	return b, nil
}
