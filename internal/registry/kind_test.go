package registry_test

import (
	"testing"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

func TestKindValidation(t *testing.T) {
	t.Parallel()
	o := &registry.Organization{Name: "龙锦苑二区社区绿地认养队", StreetID: "s"}
	if err := o.Validate(); err != nil || o.Kind != registry.KindOrganization {
		t.Fatalf("default kind: %q %v", o.Kind, err)
	}
	o.Kind = registry.KindTeam
	if err := o.Validate(); err != nil || o.Kind != registry.KindTeam {
		t.Fatalf("team: %v", err)
	}
	o.Kind = "club"
	if f := errs.Fields(o.Validate()); len(f) != 1 || f[0].Field != "kind" {
		t.Fatalf("unknown kind: %v", f)
	}
	k := registry.KindOrganization
	registry.Update{Kind: &k}.Apply(o)
	if o.Kind != registry.KindOrganization {
		t.Fatal("Update.Kind not applied")
	}
}
