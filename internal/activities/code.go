package activities

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// CodeWindow is how long one check-in code is shown before the next.
const CodeWindow = 30 * time.Second

// NewSecret returns a fresh per-activity secret (hex, 32 random bytes).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// window numbers the 30-second slot holding t.
func window(t time.Time) int64 { return t.Unix() / int64(CodeWindow/time.Second) }

// codeFor is the six-digit code of one window: HMAC-SHA256 of the secret
// over the window number, truncated as HOTP (RFC 4226) does.
func codeFor(secret string, w int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(w))
	m.Write(b[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1_000_000)
}

// Code returns the code to show at time t and when it stops being the
// current one.
func Code(secret string, t time.Time) (code string, until time.Time) {
	w := window(t)
	return codeFor(secret, w), time.Unix((w+1)*int64(CodeWindow/time.Second), 0).UTC()
}

// CheckCode reports whether code is the current window's or the previous
// one's (a resident who typed it as it changed is not turned away).
func CheckCode(secret, code string, t time.Time) bool {
	if len(code) != 6 || secret == "" {
		return false
	}
	w := window(t)
	ok := false
	for _, x := range []int64{w, w - 1} {
		// Both compared every time, in constant time, so timing tells nothing.
		if hmac.Equal([]byte(codeFor(secret, x)), []byte(code)) {
			ok = true
		}
	}
	return ok
}

// CheckinOpens and CheckoutCloses bound when the venue code is accepted:
// from an hour before the start until two hours after the end.
const (
	CheckinOpens   = time.Hour
	CheckoutCloses = 2 * time.Hour
)

// CodeOpen reports whether the venue code works at t.
func (a *Activity) CodeOpen(t time.Time) bool {
	return a.Status == Published && !t.Before(a.StartsAt.Add(-CheckinOpens)) && t.Before(a.EndsAt.Add(CheckoutCloses))
}

// ScanGrace is how long a code scanned in time at the venue by a phone
// not yet signed in stays good for that phone: the sign-in it leads to
// takes an SMS code, a minute or two for an older resident, longer than
// the code lives.
const ScanGrace = 10 * time.Minute

// ScanProof is what a phone keeps of a code it scanned in time at t: the
// window and a MAC of it under the activity's secret (so it is good for
// that activity only and cannot be made without having scanned).
func ScanProof(secret string, t time.Time) string {
	w := window(t)
	return fmt.Sprintf("%d.%s", w, scanMAC(secret, w))
}

// CheckScanProof reports whether proof was made for this activity by a
// scan no longer than ScanGrace before t (and not after it).
func CheckScanProof(secret, proof string, t time.Time) bool {
	var w int64
	var mac string
	if secret == "" || len(proof) > 64 {
		return false
	}
	if _, err := fmt.Sscanf(proof, "%d.%s", &w, &mac); err != nil {
		return false
	}
	now := window(t)
	if w > now || now-w > int64(ScanGrace/CodeWindow) {
		return false
	}
	return hmac.Equal([]byte(scanMAC(secret, w)), []byte(mac))
}

func scanMAC(secret string, w int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "scan:%d", w)
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// MinCheckout is how soon after checking in one may check out: a second
// scan at the door, or the check-out button pressed at once, would end the
// attendance with no time and no way to check in again.
const MinCheckout = 5 * time.Minute

// CheckoutOpens is when a resident checked in at in may first check out.
func CheckoutOpens(in time.Time) time.Time { return in.Add(MinCheckout) }

// ClockUp shows t as a Beijing wall-clock minute, rounded up, so that "at
// 09:36 or later" is true of it.
func ClockUp(t time.Time) string {
	if m := t.Truncate(time.Minute); m.Before(t) {
		t = m.Add(time.Minute)
	}
	return t.In(beijing).Format("15:04")
}
