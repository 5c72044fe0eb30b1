package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/projectfile"
)

// runImportProjects imports completed past projects (JSON Lines) as closed
// needs attached to their organizations by key, so the platform starts
// with history and track records.
func runImportProjects(ctx context.Context, args []string, env Env) error {
	fs := flags("import projects", env)
	db := dbFlag(fs)
	skip := fs.Bool("skip-invalid", false, "跳过有问题的行，导入其余 / import the good rows, skip the bad")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("用法 / usage: huitian import projects FILE.jsonl [--skip-invalid]")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := projectfile.Read(f)
	if err != nil {
		return err
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.ImportProjects(system(ctx), rows, *skip)
	if rep != nil {
		printReport(env, rep, filepath.Base(pos[0]))
	}
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 && errs.Is(err, errs.Invalid) {
			return exitError(1) // the report above already says why
		}
		return err
	}
	return nil
}
