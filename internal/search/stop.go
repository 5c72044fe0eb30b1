package search

// stopWords are function words that say nothing about what a text is about.
// They are dropped as words and as single characters; a two-character entry
// (我们, 一个) and a pair of single-character entries (的了, 是在) are never
// bigrams either. Other bigrams that merely contain one of these characters
// (和谐, 现在, 了解) carry meaning and are kept.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		// single characters
		"的", "了", "和", "是", "在", "也", "都", "就", "而", "及", "与", "或", "着", "过",
		"被", "把", "让", "给", "对", "于", "之", "其", "等", "吗", "呢", "吧", "啊", "呀",
		"哦", "嘛", "啦", "么", "个", "这", "那", "我", "你", "他", "她", "它", "有", "又",
		"很", "还", "再", "将", "并", "则", "即", "从", "向", "跟", "比", "些",
		// words
		"我们", "你们", "他们", "她们", "咱们", "大家", "自己", "这个", "那个", "这些", "那些",
		"一个", "一些", "什么", "怎么", "因为", "所以", "但是", "可是", "然后", "而且", "并且",
		"以及", "或者", "如果", "虽然", "已经", "还是", "就是", "可以", "还有", "这样", "那样",
		"为了", "关于", "通过", "进行", "其中", "之后", "之前", "以后", "以前", "的话",
		"怎么样", "为什么", "是不是", "有没有", "能不能",
		// English function words in mixed text
		"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "is", "are",
	} {
		m[w] = true
	}
	return m
}()

// stopRunes holds the single-character entries of stopWords.
var stopRunes = func() *runeSet {
	s := new(runeSet)
	for w := range stopWords {
		if r := []rune(w); len(r) == 1 {
			s.add(r[0])
		}
	}
	return s
}()
