package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestClientIP(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5555"
	r.Header.Set("X-Forwarded-For", "1.2.3.4, 203.0.113.9")
	if got := ClientIP(r, false); got != "127.0.0.1" {
		t.Fatalf("untrusted: %s", got)
	}
	// The client can prepend anything; only the hop our proxy added counts.
	if got := ClientIP(r, true); got != "203.0.113.9" {
		t.Fatalf("trusted: %s", got)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(2, time.Minute)
	l.now = func() time.Time { return now }
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("k"); ok != want {
			t.Fatalf("attempt %d: %v", i+1, ok)
		}
	}
	if ok, wait := l.Allow("k"); ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("wait %v", wait)
	}
	now = now.Add(61 * time.Second)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("window did not reset")
	}
	l.Reset("k")
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("reset did not forget")
	}
	// A forgiven attempt does not count; forgiving never goes below zero.
	l.Forgive("k")
	l.Forgive("k")
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("k"); ok != want {
			t.Fatalf("after forgiving, attempt %d: %v", i+1, ok)
		}
	}
}
