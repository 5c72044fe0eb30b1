package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
	"github.com/huitian/huitian/internal/web"
)

// oldParamsHash encodes p with the argon2id parameters Huitian used before
// OWASP's (64 MiB, 3 passes, 2 lanes).
func oldParamsHash(p string) string {
	salt := []byte("huitian-old-salt")
	key := argon2.IDKey([]byte(p), salt, 3, 64*1024, 2, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=65536,t=3,p=2$%s$%s", b64.EncodeToString(salt), b64.EncodeToString(key))
}

// TestSignInBurst: with the one hashing slot taken and the line full, a
// burst of sign-ins is told to come back (503, Retry-After, the Chinese
// message) without counting as failed attempts, while pages answer; once
// the slot frees, the waiting sign-in completes and its old-parameter hash
// is rewritten with the current ones.
func TestSignInBurst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		admin, err := s.FindUserByPhone(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		old := oldParamsHash(password)
		if ok, err := s.RehashPassword(ctx, admin.ID, admin.PasswordHash, old); err != nil || !ok {
			t.Fatalf("setting an old hash: %v %v", ok, err)
		}

		queued := make(chan struct{}, 10)
		work := heavy.New(heavy.Limits{Concurrent: 1, Queue: 1, MaxWait: time.Minute,
			Queued: func() { queued <- struct{}{} }})
		pw := accounts.NewPasswords(work)
		cfg := config.Default()
		log := slog.New(slog.NewTextHandler(f.logs, nil))
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		sessions := server.NewSessions(s, cfg, log)
		pages, err := web.New(web.Deps{Config: cfg, Store: s, Catalog: cat, Sessions: sessions, Logger: log,
			Sender: f.inbox, Passwords: pw})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(server.Deps{Config: cfg, Store: s, Logger: log, Web: pages,
			API: http.NotFoundHandler(), Sessions: sessions}))
		t.Cleanup(srv.Close)
		browser := func() *browser { g := *f; g.srv = srv; return g.browser(t) }

		// Every hashing slot busy (a long sign-in elsewhere).
		turn, err := pw.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// One sign-in waits in line.
		first := browser()
		first.csrf()
		firstDone := make(chan int, 1)
		go func() {
			code, _, _ := first.post("/login/password", url.Values{"phone": {f.admin}, "password": {password}})
			firstDone <- code
		}()
		<-queued

		// The burst beyond the line: more than the five tries a phone has.
		var wg sync.WaitGroup
		for i := range 7 {
			wg.Go(func() {
				b := browser()
				code, body, h := b.post("/login/password", url.Values{"phone": {f.staff}, "password": {password}})
				if code != http.StatusServiceUnavailable || !strings.Contains(body, "登录人数较多，请稍后再试") {
					t.Errorf("burst sign-in %d: %d %s", i, code, body)
				}
				if h.Get("Retry-After") != strconv.Itoa(int(pw.RetryAfter().Seconds())) {
					t.Errorf("burst sign-in %d: Retry-After %q", i, h.Get("Retry-After"))
				}
				// Turned away, it signed nobody in.
				if code, _, _ := b.get("/me"); code != http.StatusSeeOther {
					t.Errorf("burst sign-in %d: /me answers %d", i, code)
				}
			})
		}
		// Pages answer meanwhile.
		for _, p := range []string{"/needs", "/organizations", "/organizations/" + f.org.ID} {
			wg.Go(func() {
				if code, _, _ := browser().get(p); code != http.StatusOK {
					t.Errorf("%s during the burst: %d", p, code)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			turn.Done()
			return
		}
		if st := work.Stats(); st.RefusedFull != 7 || st.Waiting != 1 || st.Running != 1 {
			t.Fatalf("stats during the burst: %+v", st)
		}
		select {
		case code := <-firstDone:
			t.Fatalf("the sign-in in line answered %d before its turn", code)
		default:
		}

		turn.Done()
		if code := <-firstDone; code != http.StatusSeeOther {
			t.Fatalf("the sign-in in line: %d", code)
		}
		if code, _, _ := first.get("/me"); code != http.StatusOK {
			t.Fatalf("signed in, /me: %d", code)
		}
		// Its hash now has the current parameters, and still verifies.
		got, err := s.FindUserByPhone(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || !accounts.CheckPassword(got.PasswordHash, password) {
			t.Fatalf("after sign-in the hash is %q", got.PasswordHash)
		}
		if code, _, _ := browser().post("/login/password", url.Values{"phone": {f.admin}, "password": {password}}); code != http.StatusSeeOther {
			t.Fatalf("sign-in with the upgraded hash: %d", code)
		}
		// The seven refusals were not counted as tries of that phone.
		if code, body, _ := browser().post("/login/password", url.Values{"phone": {f.staff}, "password": {password}}); code != http.StatusSeeOther {
			t.Fatalf("sign-in after the burst: %d %s", code, body)
		}
	})
}
