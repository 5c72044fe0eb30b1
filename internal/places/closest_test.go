package places

import "testing"

func TestClosest(t *testing.T) {
	t.Parallel()
	streets := []string{"回龙观街道", "龙泽园街道", "霍营街道", "天通苑北街道", "东小口镇"}
	for _, c := range []struct{ name, want string }{
		{"回龙观街到", "回龙观街道"},
		{"回龙观", "回龙观街道"},
		{"天通苑北", "天通苑北街道"},
		{"天通苑南街道", "天通苑北街道"},
		{"沙河镇", ""},
		{"霍营", "霍营街道"},
		{"北", ""},
		{"", ""},
	} {
		if got := Closest(c.name, streets); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
