package registry

// ImportRow is one organization read from a file, with places by name.
type ImportRow struct {
	Line          int // 1-based row or line number in the source file
	Org           Organization
	StreetName    string
	CommunityName string
	// Problems found while reading the row (bad enum, bad number) before
	// the organization itself is validated.
	Problems []Problem
}

// Problem is one reason a row cannot be imported.
type Problem struct {
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Key    string `json:"-"` // message catalog key
	Args   []any  `json:"-"`
	Reason string `json:"reason"` // filled by the caller from Key in the user's language
}

// ImportReport says what an import did (or, on error, would have done).
type ImportReport struct {
	Rows               int
	Created            int
	Updated            int
	Skipped            int
	CreatedStreets     []string
	CreatedCommunities []string
	Problems           []Problem
	Committed          bool
}
