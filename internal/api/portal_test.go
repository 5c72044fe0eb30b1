package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestAPIPortalAuthSuggestionExportDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		inbox := sms.NewInbox(20)
		cfg := config.Default()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		h := api.New(api.Deps{Store: s, Catalog: catalog(t), Logger: log, MaxBodyBytes: maxBody,
			Codes: server.NewCodeLogin(s, inbox, 5*time.Minute, false), Sessions: server.NewSessions(s, cfg, log)})
		call := func(method, path, token, body string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			if token != "" {
				r.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		// The same answer for a new phone, a known one and nonsense.
		var bodies []string
		for _, p := range []string{"13700008001", f.users["admin"].Phone, "12"} {
			w := call("POST", "/api/v1/auth/code", "", `{"phone":"`+p+`"}`)
			if w.Code != http.StatusAccepted {
				t.Fatalf("code for %s: %d %s", p, w.Code, w.Body)
			}
			bodies = append(bodies, w.Body.String())
		}
		if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
			t.Fatalf("answers differ: %q", bodies)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(inbox.Last("13700008001"))
		if w := call("POST", "/api/v1/auth/verify", "", `{"phone":"13700008001","code":"000000x"}`); w.Code != 400 {
			t.Fatalf("malformed code: %d", w.Code)
		}
		w := call("POST", "/api/v1/auth/verify", "", `{"phone":"13700008001","code":"`+code+`","client":"app"}`)
		if w.Code != 200 {
			t.Fatalf("verify: %d %s", w.Code, w.Body)
		}
		var out struct{ Token, UserID string }
		json.Unmarshal(w.Body.Bytes(), &struct {
			Token  *string `json:"token"`
			UserID *string `json:"user_id"`
		}{&out.Token, &out.UserID})
		if out.Token == "" {
			t.Fatalf("no token: %s", w.Body)
		}
		// Single use.
		if w := call("POST", "/api/v1/auth/verify", "", `{"phone":"13700008001","code":"`+code+`","client":"app"}`); w.Code != 400 {
			t.Fatalf("code reused: %d", w.Code)
		}
		// A web client gets a 30-day session cookie instead.
		call("POST", "/api/v1/auth/code", "", `{"phone":"13700008002"}`)
		code2 := regexp.MustCompile(`\d{6}`).FindString(inbox.Last("13700008002"))
		w = call("POST", "/api/v1/auth/verify", "", `{"phone":"13700008002","code":"`+code2+`"}`)
		if c := w.Result().Cookies(); w.Code != 200 || len(c) == 0 || c[0].Name != "huitian_session" || c[0].MaxAge != 30*24*3600 {
			t.Fatalf("web verify: %d %v", w.Code, c)
		}
		// Without a confirmed community a suggestion is refused clearly.
		if w := call("POST", "/api/v1/suggestions", out.Token, `{"body":"小区东门的台阶太高，老人上下不方便"}`); w.Code != 400 || !strings.Contains(w.Body.String(), "社区") {
			t.Fatalf("suggestion without home: %d %s", w.Code, w.Body)
		}
		u, err := s.FindUserByPhone(storetest.Admin(), "13700008001")
		if err != nil {
			t.Fatal(err)
		}
		comms, _ := s.FindCommunities(storetest.Admin(), f.st1.ID)
		if err := s.SetHome(accounts.WithActor(storetest.Admin(), u), comms[0].ID); err != nil {
			t.Fatal(err)
		}
		if w := call("POST", "/api/v1/suggestions", out.Token, `{"body":"小区东门的台阶太高，老人上下不方便","place":"东门"}`); w.Code != 201 {
			t.Fatalf("suggestion: %d %s", w.Code, w.Body)
		}
		w = call("GET", "/api/v1/me/export", out.Token, "")
		if w.Code != 200 || !strings.Contains(w.Body.String(), "台阶太高") || !strings.Contains(w.Body.String(), "13700008001") {
			t.Fatalf("export: %d %s", w.Code, w.Body)
		}
		if w := call("DELETE", "/api/v1/me", out.Token, `{"confirm":"yes"}`); w.Code != 400 {
			t.Fatalf("delete unconfirmed: %d", w.Code)
		}
		if w := call("DELETE", "/api/v1/me", f.tokens["admin"], `{"confirm":"注销"}`); w.Code != 409 {
			t.Fatalf("staff self-delete: %d", w.Code)
		}
		if w := call("DELETE", "/api/v1/me", out.Token, `{"confirm":"注销"}`); w.Code != 204 {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		if w := call("GET", "/api/v1/me", out.Token, ""); w.Code != 401 {
			t.Fatalf("token after deletion: %d", w.Code)
		}
	})
}
