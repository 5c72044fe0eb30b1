package ocds

import (
	"slices"
	"time"
)

// Publisher identifies who publishes a package.
type Publisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// Package is an OCDS release package.
type Package struct {
	URI               string    `json:"uri"`
	Version           string    `json:"version"`
	Extensions        []string  `json:"extensions,omitempty"`
	PublishedDate     time.Time `json:"publishedDate"`
	Publisher         Publisher `json:"publisher"`
	License           string    `json:"license,omitempty"`
	PublicationPolicy string    `json:"publicationPolicy,omitempty"`
	Releases          []Release `json:"releases"`
}

// RecordsPackage is an OCDS record package (RecordPackage builds one).
type RecordsPackage struct {
	URI               string    `json:"uri"`
	Version           string    `json:"version"`
	Extensions        []string  `json:"extensions,omitempty"`
	PublishedDate     time.Time `json:"publishedDate"`
	Publisher         Publisher `json:"publisher"`
	License           string    `json:"license,omitempty"`
	PublicationPolicy string    `json:"publicationPolicy,omitempty"`
	Records           []Record  `json:"records"`
}

// Record is one process: all its releases, embedded, and the compiled release.
type Record struct {
	OCID            string         `json:"ocid"`
	Releases        []Release      `json:"releases"`
	CompiledRelease map[string]any `json:"compiledRelease"`
}

// ReleasePackage wraps releases in a package, oldest first. Its URI is
// BaseURL + "/api/v1/ocds/releases/<ocid>" when every release is of one
// process, else BaseURL + "/api/v1/ocds/releases"; a caller serving a
// filtered or paged list sets URI to the address it answered. A zero
// publishedDate means the latest release's date (the last change of the
// contents). OCDS wants at least one release in a package.
func ReleasePackage(releases []Release, cfg Config, publishedDate time.Time) Package {
	rs := sortReleases(releases)
	if rs == nil {
		rs = []Release{}
	}
	uri := cfg.base() + "/api/v1/ocds/releases"
	if len(rs) > 0 {
		one := true
		for _, r := range rs {
			one = one && r.OCID == rs[0].OCID
		}
		if one {
			uri += "/" + rs[0].OCID
		}
	}
	return Package{URI: uri, Version: Version, Extensions: []string{cfg.extensionURL()},
		PublishedDate: packageDate(rs, publishedDate, cfg), Publisher: publisher(cfg), License: cfg.License,
		PublicationPolicy: cfg.PublicationPolicy, Releases: rs}
}

// RecordPackage returns the record of one process: the releases of ocid
// (others are ignored), embedded oldest first, and their compiled release.
// Its URI is BaseURL + "/api/v1/ocds/records/<ocid>".
func RecordPackage(ocid string, releases []Release, cfg Config, publishedDate time.Time) (RecordsPackage, error) {
	var rs []Release
	for _, r := range releases {
		if r.OCID == ocid {
			rs = append(rs, r)
		}
	}
	rs = sortReleases(rs)
	compiled, err := Compile(rs)
	if err != nil {
		return RecordsPackage{}, err
	}
	return RecordsPackage{URI: cfg.base() + "/api/v1/ocds/records/" + ocid, Version: Version,
		Extensions: []string{cfg.extensionURL()}, PublishedDate: packageDate(rs, publishedDate, cfg),
		Publisher: publisher(cfg), License: cfg.License, PublicationPolicy: cfg.PublicationPolicy,
		Records: []Record{{OCID: ocid, Releases: rs, CompiledRelease: compiled}}}, nil
}

func sortReleases(releases []Release) []Release {
	rs := slices.Clone(releases)
	slices.SortStableFunc(rs, func(x, y Release) int { return x.Date.Compare(y.Date) })
	return rs
}

func packageDate(rs []Release, published time.Time, cfg Config) time.Time {
	if published.IsZero() && len(rs) > 0 {
		published = rs[len(rs)-1].Date
	}
	return published.In(cfg.location())
}

func publisher(cfg Config) Publisher {
	return Publisher{Name: cfg.PublisherName, URI: cfg.PublisherURI}
}
