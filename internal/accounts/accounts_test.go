package accounts

import "testing"

// TestNormalizePhone: a phone as people type it, spaces, dashes, +86 or
// full-width digits from a Chinese input method, reads as the 11 digits.
func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"13800000011": "13800000011", "138 0000 0011": "13800000011",
		"+86 138-0000-0011": "13800000011", "１３８００００００１１": "13800000011", "１３８　００００　００１１": "13800000011"} {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "1380000001", "23800000011", "一三八"} {
		if _, err := NormalizePhone(bad); err == nil {
			t.Errorf("NormalizePhone(%q) accepted", bad)
		}
	}
}
