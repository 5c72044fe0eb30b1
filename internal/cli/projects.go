package cli

import (
	"context"

	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// runImportProjects imports completed past projects (JSON Lines) as closed
// needs attached to their organizations by key, so the platform starts
// with history and track records.
func runImportProjects(ctx context.Context, args []string, env Env) error {
	path, db, skip, err := importArgs("projects", "FILE.jsonl", args, env)
	if err != nil {
		return err
	}
	return importFile(ctx, env, db, path, projectfile.Read,
		func(ctx context.Context, s *store.Store, rows []projectfile.ProjectRow) (*registry.ImportReport, error) {
			return s.ImportProjects(ctx, rows, skip)
		})
}
