package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/store"
)

const (
	sessionCookie = "huitian_session"
	csrfCookie    = "huitian_csrf"
	langCookie    = "huitian_lang"
	// CSRFField is the hidden form field every state-changing form carries.
	CSRFField = "csrf_token"
)

// Sessions signs browsers in and out and guards forms against CSRF. The
// session token lives in an HttpOnly cookie; only its hash is stored.
type Sessions struct {
	store  *store.Store
	policy store.SessionPolicy
	secure bool
	log    *slog.Logger
	cop    *http.CrossOriginProtection
	// OnCSRF renders the page shown when a form's token is wrong.
	OnCSRF http.Handler
	// OnTooLarge renders the page shown when a form is over the body limit.
	OnTooLarge http.Handler
}

// NewSessions builds the session manager from the config.
func NewSessions(s *store.Store, cfg config.Config, log *slog.Logger) *Sessions {
	return &Sessions{store: s, policy: store.SessionPolicy{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute,
		Remember: cfg.SessionRemember},
		secure: cfg.SecureCookies, log: log, cop: http.NewCrossOriginProtection(),
		OnCSRF: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "页面已过期，请刷新后重新提交。", http.StatusForbidden)
		}),
		OnTooLarge: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "提交的内容太大了。", http.StatusRequestEntityTooLarge)
		})}
}

type reqInfo struct {
	csrf string
	lang i18n.Lang
}

type infoKey struct{}

// CSRFToken returns the token to put in forms of this request's page.
func CSRFToken(r *http.Request) string {
	if in, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return in.csrf
	}
	return ""
}

// HasSessionCookie reports whether the request carries a session cookie,
// valid or not (such a request is never served a page made for visitors).
func HasSessionCookie(r *http.Request) bool {
	_, err := r.Cookie(sessionCookie)
	return err == nil
}

// Lang returns the language chosen for this request.
func Lang(r *http.Request) i18n.Lang {
	if in, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return in.lang
	}
	return i18n.ZH
}

// cookie builds one of our cookies: HttpOnly, SameSite=Lax, and Secure when
// configured (behind a TLS proxy) or when this request came over TLS.
func (s *Sessions) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	return c
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Middleware loads the signed-in user, the language and the CSRF token, and
// refuses unsafe requests whose token does not match or that come from
// another origin.
func (s *Sessions) Middleware(next http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := &reqInfo{lang: i18n.Parse(r.Header.Get("Accept-Language"))}
		if c, err := r.Cookie(langCookie); err == nil && (c.Value == string(i18n.ZH) || c.Value == string(i18n.EN)) {
			in.lang = i18n.Lang(c.Value)
		}
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 64 {
			in.csrf = c.Value
		} else {
			in.csrf = newToken()
			http.SetCookie(w, s.cookie(r, csrfCookie, in.csrf, 0))
		}
		ctx := context.WithValue(r.Context(), infoKey{}, in)
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err := s.store.SessionUser(ctx, c.Value, s.policy)
			if err == nil {
				ctx = accounts.WithActor(ctx, u)
			} else {
				http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
			}
		}
		r = r.WithContext(ctx)
		if !safeMethod(r.Method) {
			// Read the form here, so a body over the limit is told as such
			// rather than as a missing token.
			if err := parseForm(r); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.OnTooLarge.ServeHTTP(w, r)
					return
				}
			}
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue(CSRFField)
			}
			if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(in.csrf)) != 1 {
				s.OnCSRF.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Add("Vary", "Cookie")
		next.ServeHTTP(w, r)
	})
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.OnCSRF.ServeHTTP(w, r) }))
	return s.cop.Handler(inner)
}

// maxFormMemory is how much of a multipart form is kept in memory; the rest
// of its files go to temporary files (the body itself is bounded earlier).
const maxFormMemory = 8 << 20

func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(maxFormMemory)
	}
	return r.ParseForm()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// SignIn starts a new session for u, replacing any earlier session of this
// browser, and rotates the CSRF token (no fixation of either).
func (s *Sessions) SignIn(w http.ResponseWriter, r *http.Request, u *accounts.User) error {
	return s.SignInRemember(w, r, u, false)
}

// SignInRemember is SignIn that, when remember is set and u is a resident
// without staff roles, keeps the session for SessionRemember (30 days on
// the resident's own phone). Staff sessions stay short whatever is asked.
func (s *Sessions) SignInRemember(w http.ResponseWriter, r *http.Request, u *accounts.User, remember bool) error {
	remember = remember && !u.IsStaff()
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		_ = s.store.DeleteSession(r.Context(), c.Value)
	}
	token, err := s.store.StartSession(r.Context(), u.ID, s.policy, remember)
	if err != nil {
		return err
	}
	maxAge := s.policy.Absolute
	if remember && s.policy.Remember > 0 {
		maxAge = s.policy.Remember
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, maxAge))
	http.SetCookie(w, s.cookie(r, csrfCookie, newToken(), 0))
	return nil
}

// SignOut ends every session of the signed-in user server-side (all
// devices) and clears the cookies.
func (s *Sessions) SignOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.store.EndSessions(r.Context(), c.Value); err != nil {
			s.log.Error("sign out", "err", err)
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.SetCookie(w, s.cookie(r, csrfCookie, newToken(), 0))
}

// SetLang remembers the chosen language for a year.
func (s *Sessions) SetLang(w http.ResponseWriter, r *http.Request, l i18n.Lang) {
	http.SetCookie(w, s.cookie(r, langCookie, string(l), 365*24*time.Hour))
}
