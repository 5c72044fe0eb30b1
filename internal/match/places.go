package match

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/search"
)

// placeSuffixes are the generic endings of place names, longest first: a
// name is also known without them (新龙城社区 → 新龙城), and a mention of a
// known place swallows the one that follows it (新龙城小区).
var placeSuffixes = []string{"居委会", "村委会", "社区", "街道", "小区", "地区", "镇", "乡", "村"}

// placeOrdinals are the characters of numbered parts of an estate (二区,
// 第一, 东区).
const placeOrdinals = "一二三四五六七八九十东西南北中"

// places knows the street and community names of everything the matcher
// holds, so the text fit of a query can leave out where the need is (place
// is a feature of its own: same community, same street) and a query naming
// only a community can be given its street. Names are only ever added: a
// stale one costs nothing.
type places struct {
	a  *search.Analyzer
	mu sync.RWMutex
	// byFirst lists the known forms of names by first rune, longest first.
	byFirst map[rune][]string
	known   map[string]bool
	// street of a community id or name; a name found in two streets maps
	// to the zero streetRef (ambiguous).
	street map[string]streetRef
}

type streetRef struct{ id, name string }

func newPlaces(a *search.Analyzer) *places {
	return &places{a: a, byFirst: map[rune][]string{}, known: map[string]bool{}, street: map[string]streetRef{}}
}

// add records a street and a community (any may be empty).
func (p *places) add(streetID, streetName, communityID, communityName string) {
	streetName, communityName = strings.TrimSpace(streetName), strings.TrimSpace(communityName)
	p.mu.RLock()
	known := func(n string) bool { return n == "" || p.known[search.Normalize(n)] }
	fresh := !known(streetName) || !known(communityName) ||
		(communityID != "" && streetID != "" && p.street[communityID].id != streetID)
	p.mu.RUnlock()
	if !fresh {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addName(streetName)
	p.addName(communityName)
	if streetID == "" && streetName == "" {
		return
	}
	ref := streetRef{id: streetID, name: streetName}
	if communityID != "" {
		p.street[communityID] = ref
	}
	if communityName != "" {
		if old, ok := p.street[communityName]; ok && old != ref {
			p.street[communityName] = streetRef{}
		} else {
			p.street[communityName] = ref
		}
	}
}

// addName records a name and its shorter forms; p.mu is held.
func (p *places) addName(name string) {
	n := []rune(search.Normalize(name))
	full := true
	for len(n) >= 2 {
		// A shortened form must stay distinctive: three characters at least
		// (霍营 of 霍营街道 is the exception a street name allows), and not a
		// word of the thesaurus.
		s := string(n)
		if (full || len(n) >= 3 || strings.HasSuffix(name, "街道")) && !p.a.Thesaurus().Has(s) && !p.known[s] {
			p.known[s] = true
			r, _ := utf8.DecodeRuneInString(s)
			l := append(p.byFirst[r], s)
			slices.SortStableFunc(l, func(x, y string) int { return len(y) - len(x) })
			p.byFirst[r] = l
		}
		k := placeTail(n, 0, true)
		if k == 0 {
			break
		}
		n, full = n[:len(n)-k], false
	}
}

// placeTail returns how many runes at the end of rs (atEnd) or at its start
// (!atEnd: rs[from:]) are one generic suffix or numbered part (二区, 第一).
func placeTail(rs []rune, from int, atEnd bool) int {
	s := rs[from:]
	has := func(w []rune) bool {
		if len(w) > len(s) {
			return false
		}
		if atEnd {
			return slices.Equal(s[len(s)-len(w):], w)
		}
		return slices.Equal(s[:len(w)], w)
	}
	for _, suf := range placeSuffixes {
		// After a mention, one character (村, 镇) is too often the next
		// word's (新龙城村民 …): only longer suffixes are swallowed there.
		if w := []rune(suf); has(w) && (atEnd || len(w) > 1) {
			return len(w)
		}
	}
	for _, o := range placeOrdinals {
		if has([]rune{o, '区'}) || has([]rune{'第', o}) {
			return 2
		}
	}
	return 0
}

// mask returns text normalized, with every mention of a known place (and
// the generic suffixes or numbered parts right after it) blanked out, and
// whether anything was.
func (p *places) mask(text string) (string, bool) {
	rs := []rune(search.Normalize(text))
	p.mu.RLock()
	defer p.mu.RUnlock()
	masked := false
	for i := 0; i < len(rs); {
		end := i
		for _, name := range p.byFirst[rs[i]] {
			if n := []rune(name); len(n) <= len(rs)-i && slices.Equal(rs[i:i+len(n)], n) {
				end = i + len(n)
				break
			}
		}
		if end == i {
			i++
			continue
		}
		for k := placeTail(rs, end, false); k > 0; k = placeTail(rs, end, false) {
			end += k
		}
		for ; i < end; i++ {
			rs[i] = ' '
		}
		masked = true
	}
	return string(rs), masked
}

// streetOf returns the street of a community given by id or name.
func (p *places) streetOf(community string) (streetRef, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	ref, ok := p.street[community]
	return ref, ok && ref != streetRef{}
}
