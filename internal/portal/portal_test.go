package portal

import (
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

// TestTransitions checks every status × action pair against the table
// written out here by hand.
func TestTransitions(t *testing.T) {
	t.Parallel()
	want := map[Status]map[Action]Status{
		Open:    {ActReply: Replied, ActMerge: Merged, ActConvert: Converted, ActClose: Closed},
		Replied: {ActReply: Replied, ActMerge: Merged, ActConvert: Converted, ActClose: Closed},
	}
	for _, s := range Statuses {
		for _, a := range []Action{ActReply, ActMerge, ActConvert, ActClose, "publish"} {
			to, err := Next(s, a)
			w, ok := want[s][a]
			switch {
			case ok && (err != nil || to != w):
				t.Errorf("%s --%s--> %s, %v; want %s", s, a, to, err, w)
			case !ok && (err == nil || errs.CodeOf(err) != errs.Conflict):
				t.Errorf("%s --%s--> %s allowed; want a conflict", s, a, to)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s      Suggestion
		fields []string
	}{
		{Suggestion{Body: "  路灯坏了很久  ", CommunityID: "c1"}, nil},
		{Suggestion{Body: "灯坏了", CommunityID: "c1"}, []string{"body"}},
		{Suggestion{Body: "灯坏了！！！😀😀", CommunityID: "c1"}, []string{"body"}}, // three words, however it is dressed
		{Suggestion{Body: strings.Repeat("长", MaxBody+1), CommunityID: "c1"}, []string{"body"}},
		{Suggestion{Body: "路灯坏了很久", Place: strings.Repeat("地", MaxPlace+1)}, []string{"place", "community"}},
	} {
		err := c.s.Validate()
		var got []string
		for _, f := range errs.Fields(err) {
			got = append(got, f.Field)
		}
		if strings.Join(got, ",") != strings.Join(c.fields, ",") {
			t.Errorf("%q: fields %v, want %v", c.s.Body, got, c.fields)
		}
	}
}

func TestPseudonym(t *testing.T) {
	t.Parallel()
	name, phone := Pseudonym("0193a0b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b")
	if name != "已注销用户3e4f5a6b" || phone != "deleted:0193a0b2-7c1d-7e8f-9a0b-1c2d3e4f5a6b" {
		t.Fatalf("pseudonym %q %q", name, phone)
	}
}
