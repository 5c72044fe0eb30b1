package audit

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

func TestChain(t *testing.T) {
	t.Parallel()
	prev := GenesisHash
	var es []*Entry
	for i := 1; i <= 5; i++ {
		e := &Entry{Seq: int64(i), ID: "id" + string(rune('a'+i)), At: time.Unix(int64(i), 0), Action: "x", Data: `{}`}
		e.Seal(prev)
		prev = e.Hash
		es = append(es, e)
	}
	verify := func() *Break {
		v := NewVerifier()
		for _, e := range es {
			if b := v.Check(e); b != nil {
				return b
			}
		}
		return nil
	}
	if b := verify(); b != nil {
		t.Fatalf("intact chain broken: %+v", b)
	}
	es[2].Data = `{"amount":1}`
	if b := verify(); b == nil || b.Seq != 3 || b.Reason != "hash" {
		t.Fatalf("tamper not found at 3: %+v", b)
	}
	es[2].Data = `{}`
	es = append(es[:1], es[2:]...)
	if b := verify(); b == nil || b.Seq != 2 || b.Reason != "gap" {
		t.Fatalf("deletion not found at 2: %+v", b)
	}
}

// TestBySealedBidder: the sealed marker is an entry without an actor id
// under the name SealedBidder; a person who calls themself that is not one.
func TestBySealedBidder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		e    Entry
		want bool
	}{
		{Entry{ActorName: SealedBidder}, true},
		{Entry{ActorID: "u1", ActorName: SealedBidder}, false},
		{Entry{ActorName: Anonymous}, false},
		{Entry{ActorID: "u1", ActorName: "王芳"}, false},
	} {
		if got := c.e.BySealedBidder(); got != c.want {
			t.Errorf("%q (id %q): %v, want %v", c.e.ActorName, c.e.ActorID, got, c.want)
		}
	}
}

// TestBySystemAndAnonymous: like the sealed marker, the platform's and the
// anonymous names mark entries without an actor id only; a resident who
// registers as "system" is shown by that name, not as the platform.
func TestBySystemAndAnonymous(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		e               Entry
		system, anonymo bool
	}{
		{Entry{ActorName: accounts.SystemName}, true, false},
		{Entry{ActorID: "u1", ActorName: accounts.SystemName}, false, false},
		{Entry{ActorName: Anonymous}, false, true},
		{Entry{ActorID: "u1", ActorName: Anonymous}, false, false},
		{Entry{ActorID: "u1", ActorName: "王芳"}, false, false},
	} {
		if got := c.e.BySystem(); got != c.system {
			t.Errorf("BySystem %q (id %q): %v", c.e.ActorName, c.e.ActorID, got)
		}
		if got := c.e.ByAnonymous(); got != c.anonymo {
			t.Errorf("ByAnonymous %q (id %q): %v", c.e.ActorName, c.e.ActorID, got)
		}
	}
}
