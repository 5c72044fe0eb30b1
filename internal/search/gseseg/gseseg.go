// Package gseseg adapts github.com/go-ego/gse, a dictionary-based Chinese word
// segmenter, to search.Segmenter.
//
// Measured on the project's 2-core machine (see the benchmarks): loading the
// embedded simplified-Chinese dictionary takes about 1.5 s and holds about
// 135 MB of heap, so load it once per process and share the Segmenter (it is
// safe for concurrent use). Cutting runs at about 8 MB/s per core, too slow
// to segment every document when the index is rebuilt at start-up, which is
// why the search analyzer uses it for queries by default. The dictionary is
// compiled into the binary (gse embeds its data files, about 38 MB, the
// Japanese one included); nothing is read from disk or the network at run
// time.
package gseseg

import (
	"fmt"

	"github.com/go-ego/gse"
)

// Segmenter cuts runs of simplified Chinese into dictionary words.
type Segmenter struct {
	seg gse.Segmenter
}

// New loads the embedded simplified-Chinese dictionary.
func New() (*Segmenter, error) {
	s := &Segmenter{}
	s.seg.SkipLog = true
	if err := s.seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("gseseg: load embedded dictionary: %w", err)
	}
	return s, nil
}

// Cut returns the words of run in order (shortest-path segmentation over the
// dictionary, without the HMM for unknown words: bigrams cover those).
func (s *Segmenter) Cut(run string) []string {
	return s.seg.Cut(run)
}
