package errs

import "testing"

func TestUnparsed(t *testing.T) {
	bad := Field("since", "date.invalid")
	if err := Unparsed(E(Forbidden, "auth.forbidden"), bad); CodeOf(err) != Forbidden {
		t.Errorf("a refusal must win over the reading error: %v", err)
	}
	if err := Unparsed(E(Conflict, "x"), bad); CodeOf(err) != Conflict {
		t.Errorf("a conflict must win: %v", err)
	}
	stored := List{Field("since", "field.required"), Field("note", "text.too_long")}.Err()
	fs := Fields(Unparsed(stored, bad, nil))
	if len(fs) != 2 || fs[0].Key != "date.invalid" || fs[1].Field != "note" {
		t.Errorf("the reading error replaces the store's for its field and keeps the others: %v", fs)
	}
	if err := Unparsed(stored); err != stored {
		t.Errorf("nothing unread: the store's answer as it is, got %v", err)
	}
	if err := Unparsed(nil); err != nil {
		t.Errorf("all read and stored: %v", err)
	}
	if err := Unparsed(nil, bad); CodeOf(err) != Internal {
		t.Errorf("a change accepted with unread input must not look like success: %v", err)
	}
}
