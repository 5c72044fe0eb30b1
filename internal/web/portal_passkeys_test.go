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
