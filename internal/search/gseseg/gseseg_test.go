package gseseg

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/search"
)

// loadOnce shares one dictionary between the tests (it takes seconds).
var loadOnce = sync.OnceValues(func() (*Segmenter, error) {
	t0 := time.Now()
	s, err := New()
	loadTime = time.Since(t0)
	return s, err
})

var loadTime time.Duration

func segmenter(t testing.TB) *Segmenter {
	t.Helper()
	s, err := loadOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCut(t *testing.T) {
	s := segmenter(t)
	t.Logf("dictionary loaded in %v", loadTime)
	for in, want := range map[string][]string{
		"楼里好多老人不会用手机挂号": {"老人", "不会", "手机", "挂号"},
		"业主委员会换届":       {"业主", "换届"},
		"小区停车乱":         {"小区", "停车", "乱"},
	} {
		got := s.Cut(in)
		if strings.Join(got, "") != in {
			t.Errorf("Cut(%q) = %q does not spell the input", in, got)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("Cut(%q) = %q, lacks %q", in, got, w)
			}
		}
	}
}

func TestAnalyzerWithGSE(t *testing.T) {
	a := search.NewAnalyzer(search.Options{Segmenter: segmenter(t)})
	q := a.Query("楼里好多老人不会用手机挂号")
	weights := map[string]float64{}
	for _, tm := range q.Terms {
		weights[tm.Text] = tm.Weight
	}
	if weights["老人"] != 1 || weights["手机"] != 1 || weights["人不"] >= 1 || weights["机挂"] >= 1 {
		t.Errorf("word-internal bigrams should outweigh cross-word ones: %v", q)
	}

	ix, err := search.NewIndex(a, search.DefaultSchema())
	if err != nil {
		t.Fatal(err)
	}
	err = ix.Build([]search.Doc{
		{ID: "digital", Fields: map[string]string{search.FieldTitle: "银发智能手机课堂", search.FieldDescription: "教老年人用智能手机线上挂号"}},
		{ID: "repair", Fields: map[string]string{search.FieldTitle: "便民服务日", search.FieldDescription: "免费维修手机和小家电"}},
		{ID: "meals", Fields: map[string]string{search.FieldTitle: "老年助餐", search.FieldDescription: "为独居老人送餐上门"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if hits := ix.Search(q, search.SearchOptions{}); len(hits) == 0 || hits[0].ID != "digital" {
		t.Errorf("hits %+v, want digital first", hits)
	}
}

// TestConcurrentCut runs under -race: one Segmenter serves many searches.
func TestConcurrentCut(t *testing.T) {
	s := segmenter(t)
	want := strings.Join(s.Cut("社区独居老人定期上门探访"), "/")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				text := fmt.Sprintf("社区独居老人定期上门探访%d", (g+i)%2)
				got := strings.Join(s.Cut(strings.TrimRight(text, "01")), "/")
				if got != want {
					t.Errorf("concurrent Cut = %s, want %s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

var sample = strings.Repeat("扎根回龙观地区的社工机构承接多个社区的社工站运营服务内容涵盖困境老人个案帮扶低保家庭走访暑期儿童托管社区志愿者队伍建设和居民议事会陪伴", 4)

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCut(b *testing.B) {
	s := segmenter(b)
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		s.Cut(sample)
	}
}

// BenchmarkQuery is query analysis with and without word boundaries.
func BenchmarkQuery(b *testing.B) {
	text := "楼里好多老人不会用手机挂号，子女又不在身边，想找人来教教他们"
	for _, seg := range []bool{false, true} {
		o := search.Options{}
		if seg {
			o.Segmenter = segmenter(b)
		}
		a := search.NewAnalyzer(o)
		b.Run(fmt.Sprintf("segmenter=%v", seg), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Query(text)
			}
		})
	}
}
