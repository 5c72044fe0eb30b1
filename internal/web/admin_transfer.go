package web

import (
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/orgfile"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

type importData struct {
	Report   *registry.ImportReport
	FileName string
	Problems []problemView
	// NewStreets are the streets the file names that the platform does not
	// have: the import waits until the admin confirms them (a slip such as
	// 回龙观街到 would otherwise make a ninth street, shown to everyone).
	NewStreets []newStreet
}

// newStreet is a street name of an import file not on the platform, with
// the existing one it is probably a slip for ("" when none is near).
type newStreet struct {
	Name, Closest string
}

type problemView struct {
	Line   int
	Field  string
	Reason string
}

func (a *app) adminImportPage(w http.ResponseWriter, r *http.Request) {
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.Import, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_import.html", http.StatusOK, a.newPage(w, r, "admin.import", &importData{}))
}

// adminImport takes an uploaded file, imports it in one transaction and
// shows the per-row report; nothing is half-imported unless asked.
func (a *app) adminImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Import, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		a.fail(w, r, err)
		return
	}
	d := &importData{}
	p := a.newPage(w, r, "admin.import", d)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		a.formFailed(w, r, "admin_import.html", p, errs.Field("file", "import.no_file"))
		return
	}
	defer file.Close()
	d.FileName = filepath.Base(hdr.Filename)
	format, err := orgfile.FormatFromName(d.FileName)
	if err != nil {
		a.formFailed(w, r, "admin_import.html", p, errs.Field("file", "import.bad_format"))
		return
	}
	rows, err := orgfile.Read(file, format)
	if err != nil {
		e := errs.As(err)
		e.Field = "file"
		a.formFailed(w, r, "admin_import.html", p, e)
		return
	}
	if r.PostFormValue("new_streets") != "1" {
		if d.NewStreets, err = a.newStreets(r, rows); err != nil {
			a.fail(w, r, err)
			return
		}
		if len(d.NewStreets) > 0 {
			a.formFailed(w, r, "admin_import.html", p, errs.Field("file", "import.new_streets_confirm", len(d.NewStreets)))
			return
		}
	}
	rep, err := a.Store.ImportOrganizations(ctx, rows, r.PostFormValue("skip_invalid") == "1", nil)
	if rep == nil {
		a.fail(w, r, err)
		return
	}
	if err != nil && len(rep.Problems) == 0 {
		a.fail(w, r, err)
		return
	}
	d.Report = rep
	for _, pr := range rep.Problems {
		field := pr.Field
		if field != "" && a.Catalog.Has("field."+field) {
			field = a.Catalog.T(p.Lang, "field."+field)
		}
		d.Problems = append(d.Problems, problemView{pr.Line, field, a.Catalog.T(p.Lang, pr.Key, pr.Args...)})
	}
	status := http.StatusOK
	if !rep.Committed {
		status = http.StatusBadRequest
	}
	a.render(w, r, "admin_import.html", status, p)
}

// newStreets lists the street names of rows the platform does not have, in
// file order, each with the existing name it is probably a slip for.
func (a *app) newStreets(r *http.Request, rows []registry.ImportRow) ([]newStreet, error) {
	streets, err := a.Store.FindStreets(r.Context())
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	var names []string
	for _, st := range streets {
		known[st.Name] = true
		names = append(names, st.Name)
	}
	var out []newStreet
	for _, row := range rows {
		name := strings.TrimSpace(row.StreetName)
		if name == "" || known[name] {
			continue
		}
		known[name] = true
		out = append(out, newStreet{Name: name, Closest: places.Closest(name, names)})
	}
	return out, nil
}

// adminExport downloads every organization as XLSX or CSV, without contact
// data (the command line's --contacts is for internal use).
func (a *app) adminExport(w http.ResponseWriter, r *http.Request) {
	// Who may export first: a stranger learns nothing from the format check.
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.Export, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		a.fail(w, r, err)
		return
	}
	format, err := orgfile.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Streamed a batch at a time (a city has 100,000 organizations): the
	// response starts with the first batch, so an error before it is a page;
	// after it the download is cut off, never a complete-looking file.
	var ew *orgfile.Writer
	start := func() error {
		name := "huitian-organizations-" + time.Now().In(a.loc).Format("20060102") + format.Ext()
		w.Header().Set("Content-Type", format.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		ew, err = orgfile.NewWriter(w, format)
		return err
	}
	// The server's write timeout bounds a whole response; a city's export
	// may take longer on a busy machine, so each batch (and the workbook's
	// end) gets its own time to be written.
	rc := http.NewResponseController(w)
	more := func() { _ = rc.SetWriteDeadline(time.Now().Add(exportBatchTime)) }
	err = a.Store.EachOrganization(r.Context(), exportBatch, func(batch []*registry.Organization) error {
		more()
		if ew == nil {
			if err := start(); err != nil {
				return err
			}
		}
		return ew.Write(batch)
	})
	if err == nil && ew == nil {
		err = start() // no organization: the header row alone
	}
	if err == nil {
		more()
		err = ew.Close()
	}
	switch {
	case err == nil:
	case ew == nil:
		a.fail(w, r, err)
	default:
		a.Logger.Error("organization export cut off", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// exportBatch is how many organizations an export holds at a time, and
// exportBatchTime how long writing one may take.
const (
	exportBatch     = 1000
	exportBatchTime = time.Minute
)
