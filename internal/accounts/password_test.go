package accounts

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
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
