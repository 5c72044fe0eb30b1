package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
)

// CodeLogin sends and checks the one-time SMS sign-in codes of residents,
// with one set of limits shared by the pages and the API (a guesser must
// not get twice the tries by using both). A code is six digits, lives
// CodeTTL, is stored only as a hash bound to its phone, is consumed by its
// first correct use, burns after store.MaxCodeAttempts wrong guesses, and a
// new request replaces the earlier code of that phone. Every well-formed
// phone gets the same answer whether an account exists or not: the first
// verified sign-in opens a resident account.
type CodeLogin struct {
	Store      *store.Store
	Sender     sms.Sender
	TTL        time.Duration
	TrustProxy bool

	sendPhone *Limiter // code requests per phone (10 minutes)
	sendIP    *Limiter // code requests per address (10 minutes)
	sendDay   *Limiter // code requests per phone per day
	sendIPDay *Limiter // code requests per address per day
	tryPhone  *Limiter // verification attempts per phone
	tryIP     *Limiter // verification attempts per address
}

// Limits of CodeLogin, exported for tests and the documentation.
const (
	CodesPerPhone    = 3   // per 10 minutes
	CodesPerIP       = 20  // per 10 minutes
	CodesPerPhoneDay = 10  // per 24 hours
	CodesPerIPDay    = 200 // per 24 hours (a community centre's shared Wi-Fi)
)

// NewCodeLogin builds the code sign-in with the standard limits.
func NewCodeLogin(s *store.Store, sender sms.Sender, ttl time.Duration, trustProxy bool) *CodeLogin {
	// Counted in the database, so every app node sees every attempt.
	var c Counter
	if s != nil {
		c = s
	}
	return &CodeLogin{Store: s, Sender: sender, TTL: ttl, TrustProxy: trustProxy,
		sendPhone: NewSharedLimiter(c, "code.send_phone", CodesPerPhone, 10*time.Minute),
		sendIP:    NewSharedLimiter(c, "code.send_ip", CodesPerIP, 10*time.Minute),
		sendDay:   NewSharedLimiter(c, "code.send_phone_day", CodesPerPhoneDay, 24*time.Hour),
		sendIPDay: NewSharedLimiter(c, "code.send_ip_day", CodesPerIPDay, 24*time.Hour),
		tryPhone:  NewSharedLimiter(c, "code.try_phone", store.MaxCodeAttempts*2, 15*time.Minute),
		tryIP:     NewSharedLimiter(c, "code.try_ip", 30, 15*time.Minute),
	}
}

// newCode returns a six-digit one-time code.
func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	return fmt.Sprintf("%06d", n.Int64())
}

func allowAll(checks ...func() (bool, time.Duration)) error {
	var wait time.Duration
	ok := true
	for _, c := range checks {
		if a, w := c(); !a {
			ok, wait = false, max(wait, w)
		}
	}
	if ok {
		return nil
	}
	return errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
}

// Send makes a code for phone (normalized) and texts it, the message built
// by text from the code and its lifetime in minutes. It fails only on a bad
// phone, a limit or the database; a gateway failure is logged by the caller
// through the returned sendErr, and the answer stays the same.
func (c *CodeLogin) Send(ctx context.Context, r *http.Request, phone string, text func(code string, minutes int) string) (sendErr, err error) {
	ip := ClientIP(r, c.TrustProxy)
	if err := allowAll(func() (bool, time.Duration) { return c.sendIP.Allow(ip) },
		func() (bool, time.Duration) { return c.sendIPDay.Allow(ip) },
		func() (bool, time.Duration) { return c.sendPhone.Allow(phone) },
		func() (bool, time.Duration) { return c.sendDay.Allow(phone) }); err != nil {
		return nil, err
	}
	code := newCode()
	if err := c.Store.SaveLoginCode(ctx, phone, code, c.TTL); err != nil {
		return nil, err
	}
	return c.Sender.Send(ctx, phone, text(code, int(c.TTL.Minutes()))), nil
}

// Verify checks a code and returns the phone's account, opening a resident
// account on a first sign-in. Staff accounts are refused with
// login.staff_use_password: a code proves only the phone.
func (c *CodeLogin) Verify(ctx context.Context, r *http.Request, phone, code string) (*accounts.User, error) {
	ip := ClientIP(r, c.TrustProxy)
	if err := allowAll(func() (bool, time.Duration) { return c.tryIP.Allow(ip) },
		func() (bool, time.Duration) { return c.tryPhone.Allow(phone) }); err != nil {
		return nil, err
	}
	if !sixDigits(code) {
		return nil, errs.Field("code", "auth.code_format")
	}
	if err := c.Store.CheckLoginCode(ctx, phone, code); err != nil {
		return nil, err
	}
	u, err := c.Store.EnsureResident(ctx, phone)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if u.IsStaff() {
		return nil, errs.E(errs.Forbidden, "login.staff_use_password")
	}
	c.tryPhone.Reset(phone)
	return u, nil
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
