package accounts

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/heavy"
)

// oldHash encodes p the way Huitian did before the OWASP parameters
// (64 MiB, 3 passes, 2 lanes), for tests of the upgrade on sign-in.
func oldHash(p string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(p), salt, 3, 64*1024, 2, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 64*1024, 3, 2,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

func TestPasswordParameters(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct-horse-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("not OWASP's 19 MiB, 2 passes, 1 lane: %s", h)
	}
	if ok, stale := checkPassword(h, "correct-horse-1"); !ok || stale {
		t.Fatalf("current hash: ok %v stale %v", ok, stale)
	}
	if ok, _ := checkPassword(h, "correct-horse-2"); ok {
		t.Fatal("a wrong password matched")
	}
	old := oldHash("correct-horse-1")
	if ok, stale := checkPassword(old, "correct-horse-1"); !ok || !stale {
		t.Fatalf("a hash of the old parameters must verify and be stale: ok %v stale %v", ok, stale)
	}
	if ok, _ := checkPassword(old, "wrong"); ok {
		t.Fatal("old hash matched a wrong password")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5", // 4 GiB: refused, not computed
		"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5"} {
		if ok, _ := checkPassword(bad, "x"); ok {
			t.Fatalf("%q matched", bad)
		}
	}
}

func TestPasswordsBusyOutsideSignIn(t *testing.T) {
	t.Parallel()
	queued := make(chan struct{}, 1)
	p := NewPasswords(heavy.New(heavy.Limits{Concurrent: 1, Queue: 1, MaxWait: time.Hour, Queued: func() { queued <- struct{}{} }}))
	turn, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() { _, err := p.Hash(context.Background(), "new-password-1"); waiting <- err }()
	<-queued
	// A sign-in turned away, and a password change, say so in their own words.
	if _, err := p.Wait(context.Background()); !errs.Is(err, errs.Busy) || errs.As(err).Key != "auth.busy" {
		t.Fatalf("sign-in while busy: %v", err)
	}
	if _, err := p.Hash(context.Background(), "new-password-2"); !errs.Is(err, errs.Busy) || errs.As(err).Key != "password.busy" {
		t.Fatalf("hash while busy: %v", err)
	}
	if _, err := p.Check(context.Background(), dummyHash, "x"); !errs.Is(err, errs.Busy) || errs.As(err).Key != "password.busy" {
		t.Fatalf("check while busy: %v", err)
	}
	turn.Done()
	turn.Done() // twice is harmless
	if err := <-waiting; err != nil {
		t.Fatal(err)
	}
}
