package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/heavy"
)

// Argon2id parameters: OWASP's Password Storage Cheat Sheet's first
// equivalent setting, 19 MiB of memory, 2 passes, 1 lane. RFC 9106's
// options (2 GiB, or 64 MiB with 4 lanes) are sized for a machine that
// does little else; ours answers pages on two cores, and every lane is a
// core taken from them. One lane and 19 MiB cost about a fifth of the CPU
// of the 64 MiB × 3 passes × 2 lanes we used before (measured: about 0.1 s
// of one core against 0.45 s on both), so a burst of sign-ins stays a
// burst of tenths of a second, while an attacker with a stolen table still
// pays OWASP's floor per guess. Hashes made with other parameters keep
// verifying (the PHC string carries them) and are rewritten with these on
// the next good sign-in (Turn.Check reports them stale).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen is the shortest accepted staff password.
const MinPasswordLen = 8

// ValidatePassword checks a new staff password.
func ValidatePassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLen {
		return errs.Field("password", "password.too_short", MinPasswordLen)
	}
	if len(p) > 256 {
		return errs.Field("password", "field.too_long", 256)
	}
	return nil
}

// HashPassword returns an encoded argon2id hash in the PHC string format.
// It does not wait for a turn: a server hashes through Passwords; the
// command line and the demo, one hash at a time, call this.
func HashPassword(p string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether p matches the encoded hash (without
// waiting for a turn; a server checks through Passwords).
func CheckPassword(encoded, p string) bool {
	ok, _ := checkPassword(encoded, p)
	return ok
}

// checkPassword reports whether p matches encoded and whether encoded was
// made with other parameters than HashPassword's (and should be redone).
func checkPassword(encoded, p string) (ok, stale bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil {
		return false, false
	}
	var m, t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil {
		return false, false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	// Bounds keep a corrupt row from asking for gigabytes or hours.
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 128 || t == 0 || t > 16 || th == 0 ||
		m < 8*uint32(th) || m > 1<<21 {
		return false, false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, th, uint32(len(want)))
	ok = subtle.ConstantTimeCompare(got, want) == 1
	stale = v != argon2.Version || m != argonMemory || t != argonTime || th != argonThreads ||
		len(want) != argonKeyLen || len(salt) != saltLen
	return ok, stale
}

// dummyHash is checked against when a phone is unknown, so a sign-in takes
// the same time whether the account exists or not.
var dummyHash, _ = HashPassword("huitian-timing-equaliser")

// CheckNoUser burns the same time as CheckPassword and always fails.
func CheckNoUser(p string) bool {
	CheckPassword(dummyHash, p)
	return false
}

// Passwords hashes and checks passwords for a server on the turns of a
// heavy.Gate: each argon2id run takes a whole core for about 50 ms, so a
// burst of sign-ins would otherwise take every core from the pages. Callers
// beyond the limit wait in line with their own context; when the line is
// full or the wait too long they are turned away with a Busy error (and
// should change nothing).
type Passwords struct {
	gate *heavy.Gate
}

// NewPasswords returns a Passwords that hashes on g's turns (shared with the
// process's other heavy work); nil: a gate of its own with the defaults.
func NewPasswords(g *heavy.Gate) *Passwords {
	if g == nil {
		g = heavy.New(heavy.Limits{})
	}
	return &Passwords{gate: g}
}

// RetryAfter is what to tell a caller turned away.
func (p *Passwords) RetryAfter() time.Duration { return p.gate.RetryAfter() }

// Wait returns a turn to hash, after the callers before it. The error is a
// Busy one (key auth.busy) when the line is full or the turn did not come
// within the gate's wait, or ctx's error when the caller gave up. Every turn
// must be ended with Done.
func (p *Passwords) Wait(ctx context.Context) (*Turn, error) {
	t, err := p.gate.Wait(ctx)
	if err != nil {
		if errs.Is(err, errs.Busy) {
			return nil, errs.E(errs.Busy, "auth.busy")
		}
		return nil, err
	}
	return &Turn{t: t}, nil
}

// Turn is one caller's permission to run password hashes.
type Turn struct {
	t *heavy.Turn
}

// Done gives the turn to the next caller (a second call does nothing).
func (t *Turn) Done() { t.t.Done() }

// Check reports whether pw matches encoded, and whether encoded should be
// replaced with Hash(pw) because it was made with older parameters.
func (t *Turn) Check(encoded, pw string) (ok, stale bool) { return checkPassword(encoded, pw) }

// CheckNoUser burns the time of a Check and fails (unknown phone).
func (t *Turn) CheckNoUser(pw string) { CheckNoUser(pw) }

// Hash returns the encoded hash of pw with the current parameters.
func (t *Turn) Hash(pw string) (string, error) { return HashPassword(pw) }

// Hash waits for a turn and hashes pw (a new or reset password). Turned
// away, it returns a Busy error with key password.busy.
func (p *Passwords) Hash(ctx context.Context, pw string) (string, error) {
	t, err := p.Wait(ctx)
	if err != nil {
		return "", forPassword(err)
	}
	defer t.Done()
	return t.Hash(pw)
}

// Check waits for a turn and checks pw against encoded (the current
// password, before a change). Turned away, it returns a Busy error with key
// password.busy.
func (p *Passwords) Check(ctx context.Context, encoded, pw string) (bool, error) {
	t, err := p.Wait(ctx)
	if err != nil {
		return false, forPassword(err)
	}
	defer t.Done()
	ok, _ := t.Check(encoded, pw)
	return ok, nil
}

func forPassword(err error) error {
	if errs.Is(err, errs.Busy) {
		return errs.E(errs.Busy, "password.busy")
	}
	return err
}
