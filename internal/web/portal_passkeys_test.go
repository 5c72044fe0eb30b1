package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPasskeyCeremonyOptions checks the server's side of the ceremonies
// with go-webauthn's own types: the relying party is the host (never an IP
// address, which browsers refuse), a registration asks for a discoverable
// credential for the signed-in resident, and a finish without its begin is
// refused. Chrome's virtual authenticator runs the whole ceremony in
// browsertest.TestPortalPasskey.
func TestPasskeyCeremonyOptions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		// A second server on the same database whose configured public
		// address is localhost: the relying party comes from HUITIAN_BASE_URL.
		srv := httptest.NewUnstartedServer(nil)
		port := srv.Listener.Addr().String()[strings.LastIndex(srv.Listener.Addr().String(), ":"):]
		cfg := config.Default()
		cfg.BaseURL = "http://localhost" + port
		h, err := cli.Handler(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil)), f.inbox, f.inbox)
		if err != nil {
			t.Fatal(err)
		}
		srv.Config.Handler = h
		srv.Start()
		srv.URL = cfg.BaseURL
		t.Cleanup(srv.Close)
		local := &fixture{s: s, inbox: f.inbox, srv: srv}
		local.community = f.community
		b := residentBrowser(t, local, "13700007301", true)
		b2 := residentBrowser(t, f, "13700007302", true)
		post := func(b *browser, path string) (int, string) {
			req, _ := http.NewRequest("POST", b.url+path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", b.csrf())
			code, body, _ := b.do(req)
			return code, body
		}
		// The test server is 127.0.0.1: no passkeys on an IP address.
		if code, body := post(b2, "/login/passkey/begin"); code != http.StatusConflict || !strings.Contains(body, "通行密钥") {
			t.Fatalf("begin on an IP address: %d %s", code, body)
		}
		code, body := post(b, "/me/passkeys/begin")
		if code != 200 {
			t.Fatalf("begin registration: %d %s", code, body)
		}
		var cc protocol.CredentialCreation
		if err := json.Unmarshal([]byte(body), &cc); err != nil {
			t.Fatal(err)
		}
		pk := cc.Response
		if pk.RelyingParty.ID != "localhost" || len(pk.Challenge) < 16 || pk.User.DisplayName != "居民7301" ||
			pk.AuthenticatorSelection.ResidentKey != protocol.ResidentKeyRequirementRequired {
			t.Fatalf("creation options: %+v", pk)
		}
		if strings.Contains(body, "13700007301") {
			t.Fatal("the full phone number went to the authenticator")
		}
		code, body = post(b, "/login/passkey/begin")
		var ca protocol.CredentialAssertion
		if code != 200 || json.Unmarshal([]byte(body), &ca) != nil || ca.Response.RelyingPartyID != "localhost" || len(ca.Response.Challenge) < 16 {
			t.Fatalf("begin sign-in: %d %s", code, body)
		}
		// A finish that answers nothing, or another ceremony, is refused and signs nobody in.
		anon := local.browser(t)
		req, _ := http.NewRequest("POST", anon.url+"/login/passkey/finish", strings.NewReader(`{"id":"x","rawId":"eA","type":"public-key","response":{}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", anon.csrf())
		if code, _, h := anon.do(req); code != 400 || strings.Contains(h.Get("Set-Cookie"), "huitian_session=") && !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("finish without a ceremony: %d", code)
		}
	})
}

// TestPasskeyButtonsOnlyByName: the sign-in and privacy pages offer
// passkeys only where they can work — at localhost or a domain name — and
// not at an IP address such as the demo's http://127.0.0.1:8080, where
// every press failed with "这个网址不能使用通行密钥".
func TestPasskeyButtonsOnlyByName(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res := residentBrowser(t, f, "13700007303", false)
		anon := f.browser(t)
		port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
		// Asked for by another name, as a browser would (the client's jar
		// would hold back the cookies of 127.0.0.1 from another host).
		page := func(b *browser, host, path string) string {
			t.Helper()
			req, _ := http.NewRequest("GET", b.url+path, nil)
			for _, c := range b.c.Jar.Cookies(req.URL) {
				req.AddCookie(c)
			}
			req.Host = host
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("%s at %s: %d %s", path, host, resp.StatusCode, resp.Header.Get("Location"))
			}
			return string(body)
		}
		for _, c := range []struct {
			host string
			ok   bool
		}{
			{"127.0.0.1" + port, false}, {"[::1]" + port, false}, {"192.168.1.20", false},
			{"localhost" + port, true}, {"huitian.example.cn", true},
		} {
			login := page(anon, c.host, "/login?tab=code")
			privacy := page(res, c.host, "/me/privacy")
			shown := strings.Contains(login, `id="passkey-signin"`) && strings.Contains(login, "/static/passkey.js") &&
				strings.Contains(privacy, `id="passkey-add"`) && strings.Contains(privacy, "/static/passkey.js")
			hidden := !strings.Contains(login, "passkey") && !strings.Contains(privacy, `id="passkey-add"`) &&
				!strings.Contains(privacy, "/static/passkey.js") && strings.Contains(privacy, `id="passkey-not-here"`)
			if c.ok && !shown || !c.ok && !hidden {
				t.Errorf("at %s: passkeys shown %v, hidden %v, want shown %v", c.host, shown, hidden, c.ok)
			}
		}
	})
}
