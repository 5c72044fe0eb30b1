package web_test

// Attacks on sessions and sign-in (SECURITY.md, "会话 / Sessions"). Each
// subtest names the attack and the rule that stops it. Time moves through
// the store's clock (Store.Now), never by sleeping.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// cookieOf returns the value of a cookie this browser holds.
func (b *browser) cookieOf(name string) string {
	u, _ := url.Parse(b.url)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// plant sets a cookie in this browser, as an attacker who can write cookies
// for the site (a shared computer, a sibling subdomain) would.
func (b *browser) plant(name, value string) {
	u, _ := url.Parse(b.url)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// signedIn reports whether /me shows a page rather than sending to the login page.
func (b *browser) signedIn() bool {
	b.t.Helper()
	code, _, h := b.get("/me")
	if code == 303 && strings.HasPrefix(h.Get("Location"), "/login") {
		return false
	}
	if code != 200 {
		b.t.Fatalf("/me: %d", code)
	}
	return true
}

// clock moves the store's clock forward without sleeping.
type clock struct{ off atomic.Int64 }

func (c *clock) install(s *store.Store) {
	s.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(c.off.Load())) }
}

func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

// proxied serves the same store behind a trusted proxy, so a test can come
// from many client addresses (X-Forwarded-For) like a real attacker.
func (f *fixture) proxied(t *testing.T) string {
	t.Helper()
	cfg := config.Default()
	cfg.TrustProxy = true
	h, err := cli.Handler(cfg, f.s, slog.New(slog.NewTextHandler(f.logs, nil)), f.inbox, f.inbox)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// browserAt is a browser on another server of the same store.
func (f *fixture) browserAt(t *testing.T, base string) *browser {
	b := f.browser(t)
	b.url = base
	return b
}

// from posts a form as a client at address ip (through the trusted proxy).
func (b *browser) from(ip, path string, form url.Values) (int, string) {
	b.t.Helper()
	c := url.Values{}
	for k, v := range form {
		c[k] = v
	}
	c.Set("csrf_token", b.csrf())
	req, _ := http.NewRequest("POST", b.url+path, strings.NewReader(c.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	code, body, _ := b.do(req)
	return code, body
}

func TestSecuritySessionFixation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)

		t.Run("planted cookie is replaced at sign-in (session fixation)", func(t *testing.T) {
			b := f.browser(t)
			b.plant("huitian_session", "attacker-chosen-value")
			preCSRF := b.csrf()
			b.login(f.admin)
			post := b.cookieOf("huitian_session")
			if post == "" || post == "attacker-chosen-value" {
				t.Fatalf("session not rotated at sign-in: %q", post)
			}
			if b.cookieOf("huitian_csrf") == preCSRF {
				t.Fatal("CSRF token not rotated at sign-in")
			}
			attacker := f.browser(t)
			attacker.plant("huitian_session", "attacker-chosen-value")
			if attacker.signedIn() {
				t.Fatal("the planted value signs the attacker in")
			}
		})

		t.Run("attacker's own live session planted in the victim's browser does not become the victim's", func(t *testing.T) {
			attacker := f.browser(t)
			attacker.login(f.orgAdmin)
			stolen := attacker.cookieOf("huitian_session")
			victim := f.browser(t)
			victim.plant("huitian_session", stolen)
			victim.login(f.admin)
			if got := victim.cookieOf("huitian_session"); got == stolen {
				t.Fatal("the pre-login session id survived sign-in")
			}
			// The planted session is ended at the victim's sign-in; whatever
			// the attacker holds is not the admin's session.
			if _, body, _ := attacker.get("/me"); strings.Contains(body, "管理员") {
				t.Fatal("attacker's cookie now carries the victim's account")
			}
		})

		t.Run("code sign-in rotates too (portal)", func(t *testing.T) {
			b := f.browser(t)
			b.plant("huitian_session", "attacker-chosen-value-2")
			phone := "13700005555"
			b.post("/login/code/send", url.Values{"phone": {phone}})
			sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
			if code, _, _ := b.post("/login/code/verify", url.Values{"phone": {phone}, "code": {sent}, "remember": {"1"}}); code != 303 {
				t.Fatalf("code sign-in: %d", code)
			}
			if got := b.cookieOf("huitian_session"); got == "" || got == "attacker-chosen-value-2" {
				t.Fatalf("session not rotated at code sign-in: %q", got)
			}
		})
	})
}

func TestSecuritySessionsEndEverywhere(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()

		t.Run("logout on one device ends the sessions on every device (stolen/forgotten device)", func(t *testing.T) {
			phone, laptop, other := f.browser(t), f.browser(t), f.browser(t)
			phone.login(f.staff)
			laptop.login(f.staff)
			other.login(f.orgAdmin)
			if !phone.signedIn() || !laptop.signedIn() {
				t.Fatal("not signed in on both devices")
			}
			old := laptop.cookieOf("huitian_session")
			if code, _, _ := phone.post("/logout", url.Values{}); code != 303 {
				t.Fatalf("logout: %d", code)
			}
			if phone.signedIn() || laptop.signedIn() {
				t.Fatal("a session of the user survived logout")
			}
			replay := f.browser(t)
			replay.plant("huitian_session", old)
			if replay.signedIn() {
				t.Fatal("a copied session cookie works after logout")
			}
			if !other.signedIn() {
				t.Fatal("logout of one user ended another user's session")
			}
		})

		t.Run("disabling an account ends its sessions and API tokens at once", func(t *testing.T) {
			u, err := s.FindUserByPhone(ctx, f.commStaff)
			if err != nil {
				t.Fatal(err)
			}
			a, b := f.browser(t), f.browser(t)
			a.login(f.commStaff)
			b.login(f.commStaff)
			token, err := s.CreateAPIToken(storetest.Admin(), u.ID, store.DefaultTokenIdle)
			if err != nil {
				t.Fatal(err)
			}
			apiMe := func() int {
				req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if apiMe() != 200 {
				t.Fatal("token does not work before disabling")
			}
			// Only a platform admin may disable.
			staff, _ := s.FindUserByPhone(ctx, f.staff)
			if err := s.DisableUser(accounts.WithActor(ctx, staff), u.ID, "手机丢失"); err == nil {
				t.Fatal("street staff disabled an account")
			}
			if err := s.DisableUser(storetest.Admin(), u.ID, "手机丢失"); err != nil {
				t.Fatal(err)
			}
			if a.signedIn() || b.signedIn() {
				t.Fatal("a session survived disabling")
			}
			if apiMe() != 401 {
				t.Fatal("API token works after disabling")
			}
			c := f.browser(t)
			if code, _, _ := c.post("/login/password", url.Values{"phone": {f.commStaff}, "password": {password}}); code != 401 {
				t.Fatalf("disabled account signs in with its password: %d", code)
			}
		})
	})
}

func TestSecuritySessionTimeouts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var clk clock
		clk.install(s)
		f := newFixture(t, s)
		cfg := config.Default()

		t.Run("idle timeout (SessionIdle) ends an unattended session", func(t *testing.T) {
			b := f.browser(t)
			b.login(f.admin)
			clk.advance(cfg.SessionIdle - 5*time.Minute)
			if !b.signedIn() {
				t.Fatal("session ended before the idle limit")
			}
			clk.advance(cfg.SessionIdle - 5*time.Minute) // active above: the idle timer restarted
			if !b.signedIn() {
				t.Fatal("activity did not keep the session alive")
			}
			clk.advance(cfg.SessionIdle + time.Minute)
			if b.signedIn() {
				t.Fatal("session alive after the idle limit")
			}
		})

		t.Run("absolute timeout (SessionAbsolute) ends even an active session", func(t *testing.T) {
			b := f.browser(t)
			b.login(f.staff)
			step := cfg.SessionIdle / 2
			for elapsed := time.Duration(0); elapsed+step < cfg.SessionAbsolute; elapsed += step {
				clk.advance(step)
				if !b.signedIn() {
					t.Fatalf("active session ended after %v, before the absolute limit", elapsed+step)
				}
			}
			clk.advance(step)
			if b.signedIn() {
				t.Fatal("session alive after the absolute limit")
			}
		})

		t.Run("remembered resident session ends at SessionRemember", func(t *testing.T) {
			b := f.browser(t)
			phone := "13700006666"
			b.post("/login/code/send", url.Values{"phone": {phone}})
			sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
			if code, _, _ := b.post("/login/code/verify", url.Values{"phone": {phone}, "code": {sent}, "remember": {"1"}}); code != 303 {
				t.Fatalf("code sign-in: %d", code)
			}
			clk.advance(cfg.SessionRemember - time.Hour)
			if !b.signedIn() {
				t.Fatal("remembered session ended early")
			}
			clk.advance(2 * time.Hour)
			if b.signedIn() {
				t.Fatal("remembered session alive after SessionRemember")
			}
		})
	})
}

func TestSecurityCrossSitePost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		b := f.browser(t)
		b.login(f.admin)
		other := f.browser(t)
		other.login(f.staff)
		streets := func() int {
			list, err := s.FindStreets(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		before := streets()
		send := func(form url.Values, hdr map[string]string) int {
			req, _ := http.NewRequest("POST", b.url+"/admin/streets", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			code, _, _ := b.do(req)
			return code
		}
		for _, c := range []struct {
			attack string
			form   url.Values
			hdr    map[string]string
		}{
			{"no CSRF token (auto-submitting form on another site)", url.Values{"name": {"甲街道"}}, nil},
			{"forged CSRF token", url.Values{"name": {"乙街道"}, "csrf_token": {strings.Repeat("a", 64)}}, nil},
			{"another browser's CSRF token", url.Values{"name": {"丙街道"}, "csrf_token": {other.csrf()}}, nil},
			{"right token but Sec-Fetch-Site: cross-site", url.Values{"name": {"丁街道"}, "csrf_token": {b.csrf()}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"right token but a foreign Origin", url.Values{"name": {"戊街道"}, "csrf_token": {b.csrf()}}, map[string]string{"Origin": "https://evil.example"}},
			{"token in header from a foreign Origin", url.Values{"name": {"己街道"}}, map[string]string{"X-CSRF-Token": b.csrf(), "Origin": "https://evil.example"}},
		} {
			t.Run(c.attack, func(t *testing.T) {
				if code := send(c.form, c.hdr); code != 403 {
					t.Fatalf("refused? got %d", code)
				}
			})
		}
		if got := streets(); got != before {
			t.Fatalf("a refused request changed data: %d → %d streets", before, got)
		}
		t.Run("login CSRF: a cross-site form cannot sign the victim into the attacker's account", func(t *testing.T) {
			v := f.browser(t)
			req, _ := http.NewRequest("POST", v.url+"/login/password", strings.NewReader(url.Values{"phone": {f.orgAdmin}, "password": {password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if code, _, _ := v.do(req); code != 403 || v.cookieOf("huitian_session") != "" {
				t.Fatalf("login without token: %d", code)
			}
		})
		t.Run("logout CSRF: a cross-site form cannot sign the victim out", func(t *testing.T) {
			req, _ := http.NewRequest("POST", b.url+"/logout", strings.NewReader(url.Values{"csrf_token": {b.csrf()}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if code, _, _ := b.do(req); code != 403 || !b.signedIn() {
				t.Fatalf("cross-site logout: %d", code)
			}
		})
	})
}

func TestSecurityBruteForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		proxy := f.proxied(t)

		t.Run("password guessing on one account from many addresses is throttled per account", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			var code int
			for i := 0; i < 6; i++ {
				code, _ = b.from(fmt.Sprintf("198.51.100.%d", i+1), "/login/password", url.Values{"phone": {f.admin}, "password": {"guess-" + fmt.Sprint(i)}})
			}
			if code != 429 {
				t.Fatalf("sixth guess from a sixth address: %d", code)
			}
			// Locked for this window even with the right password.
			if code, _ := b.from("198.51.100.99", "/login/password", url.Values{"phone": {f.admin}, "password": {password}}); code != 429 {
				t.Fatalf("right password during the lock: %d", code)
			}
		})

		t.Run("password spraying from one address over many accounts is throttled per address", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			var code int
			for i := 0; i < 31; i++ {
				code, _ = b.from("203.0.113.50", "/login/password", url.Values{"phone": {fmt.Sprintf("1360000%04d", i)}, "password": {"123456"}})
			}
			if code != 429 {
				t.Fatalf("31st attempt from one address: %d", code)
			}
			// Another address and account are not locked out by it.
			if code, _ := b.from("203.0.113.51", "/login/password", url.Values{"phone": {f.orgAdmin}, "password": {password}}); code != 303 {
				t.Fatalf("an innocent sign-in elsewhere: %d", code)
			}
		})

		t.Run("SMS code guessing: the code burns after MaxCodeAttempts wrong guesses", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			phone := "13700007777"
			b.from("192.0.2.1", "/login/code/send", url.Values{"phone": {phone}})
			sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
			for i := 0; i < store.MaxCodeAttempts; i++ {
				wrong := fmt.Sprintf("%06d", (i+1)*111111%1000000)
				if wrong == sent {
					wrong = "000000"
				}
				b.from(fmt.Sprintf("192.0.2.%d", 10+i), "/login/code/verify", url.Values{"phone": {phone}, "code": {wrong}})
			}
			if code, _ := b.from("192.0.2.99", "/login/code/verify", url.Values{"phone": {phone}, "code": {sent}}); code == 303 {
				t.Fatal("the right code still works after the wrong guesses")
			}
		})

		t.Run("SMS code guessing on one phone from many addresses is throttled per phone", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			phone := "13700008888"
			var code int
			for i := 0; i < 2*store.MaxCodeAttempts+1; i++ {
				code, _ = b.from(fmt.Sprintf("192.0.2.%d", 100+i), "/login/code/verify", url.Values{"phone": {phone}, "code": {"123456"}})
			}
			if code != 429 {
				t.Fatalf("guess %d on one phone: %d", 2*store.MaxCodeAttempts+1, code)
			}
		})

		t.Run("SMS code guessing over many phones from one address is throttled per address", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			var code int
			for i := 0; i < 31; i++ {
				code, _ = b.from("203.0.113.77", "/login/code/verify", url.Values{"phone": {fmt.Sprintf("1350000%04d", i)}, "code": {"123456"}})
			}
			if code != 429 {
				t.Fatalf("31st guess from one address: %d", code)
			}
		})

		t.Run("SMS bombing: code requests per phone and per address are throttled", func(t *testing.T) {
			b := f.browserAt(t, proxy)
			var code int
			for i := 0; i < 4; i++ {
				code, _ = b.from(fmt.Sprintf("192.0.2.%d", 200+i), "/login/code/send", url.Values{"phone": {"13700009999"}})
			}
			texts := 0
			for _, m := range f.inbox.Messages() {
				if m.Phone == "13700009999" {
					texts++
				}
			}
			if code != 429 || texts != 3 {
				t.Fatalf("fourth code to one phone: %d (%d texts)", code, texts)
			}
			for i := 0; i < 21; i++ {
				code, _ = b.from("203.0.113.88", "/login/code/send", url.Values{"phone": {fmt.Sprintf("1340000%04d", i)}})
			}
			if code != 429 {
				t.Fatalf("21st code request from one address: %d", code)
			}
		})
		f.assertNoPersonalData(t)
	})
}

func TestSecurityAccountEnumeration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		// A resident with no password and a disabled staff account.
		if _, err := s.EnsureResident(ctx, "13700001111"); err != nil {
			t.Fatal(err)
		}
		hash, _ := accounts.HashPassword(password)
		gone := &accounts.User{Phone: "13900000009", Name: "离职干部", PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: f.street.ID}}}
		if err := s.CreateUser(storetest.Admin(), gone); err != nil {
			t.Fatal(err)
		}
		if err := s.DisableUser(storetest.Admin(), gone.ID, "手机丢失"); err != nil {
			t.Fatal(err)
		}
		tok := regexp.MustCompile(`name="csrf_token" value="[0-9a-f]+"`)
		norm := func(body, phone string) string {
			body = tok.ReplaceAllString(body, "")
			body = strings.ReplaceAll(body, phone, "P")
			return strings.ReplaceAll(body, accounts.MaskPhone(phone), "M")
		}
		kinds := []struct{ kind, phone string }{
			{"unknown phone", "13999990000"},
			{"staff with password", f.staff},
			{"resident without password", "13700001111"},
			{"disabled account", gone.Phone},
		}

		t.Run("password login: same status and page for known, unknown, passwordless and disabled phones", func(t *testing.T) {
			var first string
			for _, k := range kinds {
				code, body, _ := f.browser(t).post("/login/password", url.Values{"phone": {k.phone}, "password": {"wrong-password-1"}})
				if code != 401 {
					t.Fatalf("%s: %d", k.kind, code)
				}
				if body = norm(body, k.phone); first == "" {
					first = body
				} else if body != first {
					t.Fatalf("%s: the page differs from the unknown phone's", k.kind)
				}
			}
		})

		t.Run("code request (page): same status and page for known and unknown phones", func(t *testing.T) {
			var first string
			for _, k := range kinds {
				code, body, _ := f.browser(t).post("/login/code/send", url.Values{"phone": {k.phone}})
				if code != 200 {
					t.Fatalf("%s: %d", k.kind, code)
				}
				if body = norm(body, k.phone); first == "" {
					first = body
				} else if body != first {
					t.Fatalf("%s: the page differs from the unknown phone's", k.kind)
				}
			}
		})

		t.Run("code request (API): same status and JSON for known and unknown phones", func(t *testing.T) {
			var first string
			for _, k := range append(kinds, struct{ kind, phone string }{"malformed phone", "12345"}) {
				resp, err := http.Post(f.srv.URL+"/api/v1/auth/code", "application/json", strings.NewReader(`{"phone":"`+k.phone+`"}`))
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var v map[string]any
				if resp.StatusCode != 202 || json.Unmarshal(raw, &v) != nil {
					t.Fatalf("%s: %d %s", k.kind, resp.StatusCode, raw)
				}
				if first == "" {
					first = string(raw)
				} else if string(raw) != first {
					t.Fatalf("%s: %s differs from %s", k.kind, raw, first)
				}
			}
		})

		t.Run("code verify (API): a wrong code answers the same for known and unknown phones", func(t *testing.T) {
			var first string
			for _, k := range kinds {
				resp, err := http.Post(f.srv.URL+"/api/v1/auth/verify", "application/json", strings.NewReader(`{"phone":"`+k.phone+`","code":"000000"}`))
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body := regexp.MustCompile(`"request_id":"[^"]*"`).ReplaceAllString(string(raw), "")
				if resp.StatusCode != 400 {
					t.Fatalf("%s: %d %s", k.kind, resp.StatusCode, raw)
				}
				if first == "" {
					first = body
				} else if body != first {
					t.Fatalf("%s: %s differs from %s", k.kind, body, first)
				}
			}
		})
		f.assertNoPersonalData(t)
	})
}
