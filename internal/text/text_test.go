package text

import "testing"

func TestNarrow(t *testing.T) {
	for in, want := range map[string]string{"８５": "85", "３．５万": "3.5万", "－５": "-5", "１３８００００００１１": "13800000011", "abc": "abc"} {
		if got := Narrow(in); got != want {
			t.Errorf("Narrow(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLen(t *testing.T) {
	for in, want := range map[string]int{"当天没有到场": 6, "😀😀😀😀😀": 0, "。。。。。": 0, "  a b ": 2, "3号楼": 3, "no-show!": 6, "": 0} {
		if got := Len(in); got != want {
			t.Errorf("Len(%q) = %d, want %d", in, got, want)
		}
	}
}
