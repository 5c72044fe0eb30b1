package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/orgfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

func runImport(ctx context.Context, args []string, env Env) error {
	path, db, skip, err := importArgs("organizations", "FILE", args, env)
	if err != nil {
		return err
	}
	format, err := orgfile.FormatFromName(path)
	if err != nil {
		return err
	}
	read := func(r io.Reader) ([]registry.ImportRow, error) { return orgfile.Read(r, format) }
	return importFile(ctx, env, db, path, read,
		func(ctx context.Context, s *store.Store, rows []registry.ImportRow) (*registry.ImportReport, error) {
			var progress func(int)
			if tty, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(tty.Fd())) && len(rows) >= 50 {
				bar := progressbar.NewOptions(len(rows), progressbar.OptionSetWriter(tty), progressbar.OptionSetDescription("导入 / importing"),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))
				progress = func(n int) { _ = bar.Set(n) }
				defer bar.Finish()
			}
			return s.ImportOrganizations(ctx, rows, skip, progress)
		})
}

// importArgs parses "huitian import WHAT FILE [--skip-invalid]".
func importArgs(what, file string, args []string, env Env) (path, db string, skip bool, err error) {
	fs := flags("import "+what, env)
	dsn := dbFlag(fs)
	skipInvalid := fs.Bool("skip-invalid", false, "跳过有问题的行，导入其余 / import the good rows, skip the bad")
	pos, err := parse(fs, args)
	if err != nil {
		return "", "", false, err
	}
	if len(pos) != 1 {
		return "", "", false, fmt.Errorf("用法 / usage: huitian import %s %s [--skip-invalid]", what, file)
	}
	return pos[0], *dsn, *skipInvalid, nil
}

// importFile reads the rows of the file at path, has save import them into
// the store and prints the report; a refusal the report explains exits 1.
func importFile[R any](ctx context.Context, env Env, db, path string, read func(io.Reader) ([]R, error),
	save func(context.Context, *store.Store, []R) (*registry.ImportReport, error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := read(f)
	if err != nil {
		return err
	}
	s, err := openCurrent(ctx, db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := save(system(ctx), s, rows)
	if rep != nil {
		printReport(env, rep, filepath.Base(path))
	}
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 && errs.Is(err, errs.Invalid) {
			return exitError(1) // the report above already says why
		}
		return err
	}
	return nil
}

func printReport(env Env, rep *registry.ImportReport, name string) {
	cat, err := i18n.Load()
	if err != nil {
		return
	}
	out := env.Stdout
	for _, p := range rep.Problems {
		field := p.Field
		if field != "" && cat.Has("field."+field) {
			field = cat.T(i18n.ZH, "field."+field)
		}
		fmt.Fprintf(out, "%s 第 %d 行 / line %d  %s: %s\n", name, p.Line, p.Line, field, cat.T(i18n.ZH, p.Key, p.Args...))
	}
	if len(rep.CreatedStreets) > 0 {
		fmt.Fprintf(out, "新建街道 / new streets (%d): %v\n", len(rep.CreatedStreets), rep.CreatedStreets)
	}
	if len(rep.CreatedCommunities) > 0 {
		fmt.Fprintf(out, "新建社区 / new communities (%d): %v\n", len(rep.CreatedCommunities), rep.CreatedCommunities)
	}
	if rep.Committed {
		fmt.Fprintf(out, "导入完成 / imported: %d 行, 新增 %d, 更新 %d, 跳过 %d\n", rep.Rows, rep.Created, rep.Updated, rep.Skipped)
	} else {
		fmt.Fprintf(out, "未导入任何数据 / nothing imported: %d 处问题 / problems in %d rows (use --skip-invalid to import the rest)\n",
			len(rep.Problems), rep.Skipped)
	}
}

func runExport(ctx context.Context, args []string, env Env) error {
	fs := flags("export organizations", env)
	db := dbFlag(fs)
	contacts := fs.Bool("contacts", false, "包含联系人和电话（仅内部使用）/ include contact person and phone (internal use)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法 / usage: huitian export organizations FILE")
	}
	format, err := orgfile.FormatFromName(pos[0])
	if err != nil {
		return err
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	tmp := pos[0] + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	// A batch at a time (a city has 100,000 organizations).
	n := 0
	ew, err := orgfile.NewWriter(f, format, orgfile.WriteOptions{IncludeContact: *contacts})
	if err == nil {
		err = s.EachOrganization(system(ctx), 1000, func(batch []*registry.Organization) error {
			n += len(batch)
			return ew.Write(batch)
		})
		if cerr := ew.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已导出 %d 个组织 / exported %d organizations to %s\n", n, n, pos[0])
	return nil
}
