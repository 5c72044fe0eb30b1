// Package search is Huitian's text search core: an analyzer for Chinese and
// mixed text, a governance thesaurus, and an in-memory inverted index with
// BM25F scoring and MaxScore top-k pruning. It knows nothing of SQL or HTTP;
// the match package ranks organizations and projects on top of it, and the
// database stays the source of truth (the index is rebuilt from it and
// updated on every committed change).
//
// Analysis. Text is normalized rune by rune (full width → half width, case,
// about 950 common traditional characters → simplified; one rune in, one rune
// out, so offsets survive for highlighting). Runs of Chinese characters yield
// every character bigram (two-character words, and the two-character queries
// 养老, 电梯, match exactly), every single character (one-character queries),
// and the thesaurus terms of three or more characters found in them as whole
// words; letter/digit runs are words (wifi, 5g, 2024). Stop words (的, 了,
// 我们 …) are dropped as characters and words; bigrams that merely contain one
// are kept. A query is analyzed the same way, then: a Segmenter (gse, see
// gseseg) lowers bigrams that straddle two words (人不 in 老人/不会) and turns
// one-character words into unigram terms; every thesaurus group that the
// query touches adds its other terms at SynonymWeight.
//
// Index. Documents live in immutable segments (postings as delta-varint
// ordinals with per-field frequencies, skip entries every 128 postings, a
// score bound per 128-posting block, and per-term length-normalization
// frontiers for upper bounds); deletions are copy-on-write bitsets; a
// snapshot pointer makes reads lock-free (see Index). Scores are BM25F:
// per-field weights and length normalization, saturation after the fields
// are summed. Retrieval is Block-Max MaxScore (see blockmax.go): terms sorted
// by upper bound, windows of ordinals passed over when their block bounds
// cannot reach the k-th score, within a window the terms of most postings per
// unit of bound left out of the candidates (partitionByCost), with optional
// facet filters (a selective facet drives the iteration) and an Accept
// callback; a large query searches the segments in parallel, sharing the
// k-th score. Field normalizations are tabulated by length per snapshot.
// Results are exact — the tests compare them with a brute-force scorer.
package search
