package web

import "testing"

// TestPercentOf: the attendance and occupancy rates round to the nearest
// whole percent: 7 of 16 came is 44%, not 43%.
func TestPercentOf(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{
		{7, 16, 44}, {1, 3, 33}, {2, 3, 67}, {1, 8, 13}, {5, 5, 100}, {0, 9, 0}, {3, 0, 0},
	} {
		if got := percentOf(c.a, c.b); got != c.want {
			t.Errorf("percentOf(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
