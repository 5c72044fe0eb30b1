package api

import (
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/procurement"
)

// OCDSPerPage is how many contracting processes one page of the release
// feed covers (each with all its releases).
const OCDSPerPage = 20

// ocdsConfig fills what the publisher left empty from ocds.DefaultConfig
// and links documents to this API.
func ocdsConfig(c ocds.Config) ocds.Config {
	def := ocds.DefaultConfig()
	if c.Prefix == "" {
		c.Prefix = def.Prefix
	}
	if c.BaseURL == "" {
		c.BaseURL = def.BaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.PublisherName == "" {
		c.PublisherName = def.PublisherName
	}
	if c.DocumentURL == nil {
		base := c.BaseURL
		c.DocumentURL = func(d procurement.Document) string { return base + Prefix + "/documents/" + d.ID }
	}
	return c
}

// feedPackage is a release package with the paging links of OCDS's API
// guidance (links.next, links.prev): the release package schema allows
// properties beside its own.
type feedPackage struct {
	ocds.Package
	Links *feedLinks `json:"links,omitempty"`
}

type feedLinks struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// ocdsFeed: GET /api/v1/ocds/releases?since=RFC3339&page=N — one release
// package per page. Pages cover OCDSPerPage processes in a stable order
// (oldest need first), each with all its public releases dated at or after
// since; inside a page releases are oldest first, newest last. The
// package's uri is this page's address; links.next and links.prev point
// at the neighbouring pages. An OCDS package must hold at least one release,
// so a page without any — nothing released since since, or past the last
// page — is 404 not_found rather than an invalid package.
func (a *API) ocdsFeed(w http.ResponseWriter, r *http.Request) error {
	p := readParams(r.URL, "since", "page", "after")
	page := p.int("page", 1, 1, maxPage, "api.page_range")
	var since time.Time
	if s := p.str("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			p.l.Add("since", "api.time_invalid")
		}
		since = t.UTC()
	}
	after := p.str("after")
	switch {
	case p.str("since") == "" && after != "":
		p.l.Add("after", "ocds.since_page")
	case p.str("since") != "" && page > 1:
		// A page number would mean building every earlier page's processes.
		p.l.Add("page", "ocds.since_page")
	case len(after) > 64:
		p.l.Add("after", "api.page_range")
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	if !since.IsZero() {
		return a.ocdsFeedSince(w, r, since, after)
	}
	ctx := r.Context()
	ids, total, err := a.store.FindOCDSNeedIDs(ctx, page, OCDSPerPage)
	if err != nil {
		return err
	}
	var releases []ocds.Release
	for _, id := range ids {
		proc, err := a.store.OCDSProcess(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue // changed since it was listed
		}
		if err != nil {
			return err
		}
		releases = append(releases, ocds.Releases(proc, a.ocds)...)
	}
	if len(releases) == 0 {
		return errs.E(errs.NotFound, "ocds.page_empty")
	}
	pkg := feedPackage{Package: ocds.ReleasePackage(releases, a.ocds, time.Time{})}
	pkg.URI = a.feedURL(since, page)
	links := &feedLinks{}
	if page*OCDSPerPage < total {
		links.Next = a.feedURL(since, page+1)
	}
	if page > 1 {
		links.Prev = a.feedURL(since, page-1)
	}
	if *links != (feedLinks{}) {
		pkg.Links = links
	}
	return writeJSON(w, http.StatusOK, pkg)
}

// ocdsFeedSince is a page of the feed since a date: the processes after the
// need id after (links.next carries the last one), read from the changes'
// indexes rather than by testing every need (store.FindOCDSProcessesSince).
// It has no links.prev: a client walks forward from the first page.
func (a *API) ocdsFeedSince(w http.ResponseWriter, r *http.Request, since time.Time, after string) error {
	procs, next, err := a.store.FindOCDSProcessesSince(r.Context(), since, after, OCDSPerPage)
	if err != nil {
		return err
	}
	var releases []ocds.Release
	for _, proc := range procs {
		for _, rel := range ocds.Releases(proc, a.ocds) {
			if !rel.Date.Before(since) {
				releases = append(releases, rel)
			}
		}
	}
	if len(releases) == 0 {
		return errs.E(errs.NotFound, "ocds.page_empty")
	}
	pkg := feedPackage{Package: ocds.ReleasePackage(releases, a.ocds, time.Time{})}
	pkg.URI = a.feedSinceURL(since, after)
	if next != "" {
		pkg.Links = &feedLinks{Next: a.feedSinceURL(since, next)}
	}
	return writeJSON(w, http.StatusOK, pkg)
}

// feedSinceURL is the address of the page of the feed since a date that
// begins after the need id after (the first page when after is empty).
func (a *API) feedSinceURL(since time.Time, after string) string {
	q := url.Values{}
	q.Set("since", since.Format(time.RFC3339Nano))
	if after != "" {
		q.Set("after", after)
	}
	return a.ocds.BaseURL + Prefix + "/ocds/releases?" + q.Encode()
}

// feedURL is the address of one page of the feed.
func (a *API) feedURL(since time.Time, page int) string {
	q := url.Values{}
	if !since.IsZero() {
		q.Set("since", since.Format(time.RFC3339Nano))
	}
	q.Set("page", strconv.Itoa(page))
	return a.ocds.BaseURL + Prefix + "/ocds/releases?" + q.Encode()
}

// processReleases loads the releases of the process named by the ocid in
// the path; an ocid of another publisher, or of a need with no public
// release, is not found.
func (a *API) processReleases(r *http.Request) (string, []ocds.Release, error) {
	ocid := r.PathValue("ocid")
	needID, ok := strings.CutPrefix(ocid, a.ocds.Prefix+"-")
	if !ok || !cleanID(needID) {
		return "", nil, errs.E(errs.NotFound, "notfound.ocds_process")
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return "", nil, err
	}
	proc, err := a.store.OCDSProcess(r.Context(), needID)
	if errs.Is(err, errs.NotFound) {
		return "", nil, errs.E(errs.NotFound, "notfound.ocds_process")
	}
	if err != nil {
		return "", nil, err
	}
	rs := ocds.Releases(proc, a.ocds)
	if len(rs) == 0 {
		return "", nil, errs.E(errs.NotFound, "notfound.ocds_process")
	}
	return ocid, rs, nil
}

// ocdsReleases: GET /api/v1/ocds/releases/{ocid} — a release package of
// every release of one process, oldest first.
func (a *API) ocdsReleases(w http.ResponseWriter, r *http.Request) error {
	_, rs, err := a.processReleases(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ocds.ReleasePackage(rs, a.ocds, time.Time{}))
}

// ocdsRecord: GET /api/v1/ocds/records/{ocid} — a record package: the
// process's releases and its compiled release.
func (a *API) ocdsRecord(w http.ResponseWriter, r *http.Request) error {
	ocid, rs, err := a.processReleases(r)
	if err != nil {
		return err
	}
	pkg, err := ocds.RecordPackage(ocid, rs, a.ocds, time.Time{})
	if err != nil {
		return errs.Wrap(err, "compile record %s", ocid)
	}
	return writeJSON(w, http.StatusOK, pkg)
}

// extensionTypes are the media types of the extension's files.
var extensionTypes = map[string]string{".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	".md": "text/markdown; charset=utf-8"}

// ocdsExtension: GET /api/v1/ocds/extension/{file} and
// /api/v1/ocds/extension/codelists/{file} — the local extension
// (extension.json, release-schema.json, README.md, codelists/*.csv) at the
// address every package names in its extensions.
func (a *API) ocdsExtension(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	name := "extension/" + strings.TrimPrefix(r.URL.Path, Prefix+"/ocds/extension/")
	typ, ok := extensionTypes[path.Ext(name)]
	if !ok || !fs.ValidPath(name) {
		return errs.E(errs.NotFound, "notfound.ocds_file")
	}
	b, err := fs.ReadFile(ocds.ExtensionFiles, name)
	if err != nil {
		return errs.E(errs.NotFound, "notfound.ocds_file")
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
	return nil
}
