package sms

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWebhook: a relay on loopback receives the message as JSON with a
// signature it can check; a refusal, an unreachable relay and a bad
// configuration are errors that never carry the phone or the text.
func TestWebhook(t *testing.T) {
	const secret = "a-shared-secret-of-the-district"
	var mu sync.Mutex
	var got []map[string]string
	status := http.StatusOK
	relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Huitian-Timestamp")
		if !hmac.Equal([]byte(r.Header.Get("X-Huitian-Signature")), []byte(Sign([]byte(secret), ts, body))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m map[string]string
		if err := json.Unmarshal(body, &m); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		m["ts"] = ts
		mu.Lock()
		got = append(got, m)
		s := status
		mu.Unlock()
		w.WriteHeader(s)
	}))
	defer relay.Close()
	w, err := NewWebhook(relay.URL+"/send", secret)
	if err != nil {
		t.Fatal(err)
	}
	w.now = func() time.Time { return time.Unix(1795000000, 0) }
	ctx := context.Background()
	const phone, text = "13800000000", "【回天社区】您的验证码是 123456，5 分钟内有效"
	if err := w.Send(ctx, phone, text); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0]["phone"] != phone || got[0]["text"] != text || got[0]["ts"] != "1795000000" {
		t.Fatalf("relay got %v", got)
	}
	// A relay that does not know the secret refuses: an error.
	wrong, _ := NewWebhook(relay.URL+"/send", "another-secret-entirely")
	if err := wrong.Send(ctx, phone, text); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong secret: %v", err)
	}
	mu.Lock()
	status = http.StatusBadGateway // the provider refused
	mu.Unlock()
	err = w.Send(ctx, phone, text)
	if err == nil || strings.Contains(err.Error(), phone) || strings.Contains(err.Error(), "验证码") {
		t.Fatalf("refused: %v", err)
	}
	relay.Close()
	if err := w.Send(ctx, phone, text); err == nil || strings.Contains(err.Error(), phone) {
		t.Fatalf("relay down: %v", err)
	}
	for _, c := range []struct{ url, secret string }{
		{"ftp://relay/send", secret}, {"relay.local/send", secret}, {"https://relay.local/send", "short"},
	} {
		if _, err := NewWebhook(c.url, c.secret); err == nil {
			t.Errorf("NewWebhook(%q, %q) accepted", c.url, c.secret)
		}
	}
}
