package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// Attachments: the files of a need (its tender documents, public with the
// need and published in OCDS as biddingDocuments) and of a proposal (sealed
// with the proposal). Both follow the rules of a progress report's files
// (prepareUploads: the same types, sizes and count) and live in the
// documents table; only the owner kind differs.

// Owner kinds of the documents table.
const (
	ownerNeed     = "need"
	ownerProposal = "proposal"
	ownerReport   = "report"
)

// AttachToNeed adds files to a need: whoever may edit it now
// (procurement.Step with ActEdit — the drafters on a draft, the street on a
// published need before its deadline). A need holds at most MaxDocuments
// attachments. Attaching to a published need that already has proposals
// changes the tender under the bidders' feet, so it is treated like an
// edit: the deadline moves back by the rules' extension and every bidder is
// asked to re-confirm. The timeline says how many files were attached; the
// audit log names them with their hashes.
func (s *Store) AttachToNeed(ctx context.Context, needID string, files []Upload) ([]procurement.Document, error) {
	actor := accounts.ActorFrom(ctx)
	var out []procurement.Document
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockNeed(ctx, &c, needID); err != nil {
			return err
		}
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		if _, err := procurement.Step(n, procurement.ActEdit, actor, c.now); err != nil {
			return err
		}
		if len(files) == 0 {
			return errs.Field("file", "attachment.none")
		}
		docs, err := prepareUploads(files)
		if err != nil {
			return err
		}
		var have int
		if err := c.row(ctx, `SELECT COUNT(*) FROM documents WHERE need_id = ? AND owner_kind = 'need'`, n.ID).Scan(&have); err != nil {
			return err
		}
		if have+len(docs) > MaxDocuments {
			return errs.Field("file", "attachment.too_many", MaxDocuments, MaxDocuments-have)
		}
		if out, err = insertDocuments(ctx, c, n.ID, ownerNeed, n.ID, docs); err != nil {
			return err
		}
		from := n.Status
		extended := false
		if n.Status == procurement.Published && n.Proposals > 0 {
			if err := reopenForBidders(ctx, c, n); err != nil {
				return err
			}
			extended = true
		} else if _, err := c.exec(ctx, `UPDATE needs SET updated_at = ? WHERE id = ?`, c.now, n.ID); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, "attach", from, n.Status, strconv.Itoa(len(out))); err != nil {
			return err
		}
		if extended {
			if err := needEvent(ctx, c, n, string(procurement.ActEdit), n.Status, n.Status, "deadline_extended"); err != nil {
				return err
			}
		}
		return record(ctx, c, "need.attach", n.Resource(), map[string]any{"title": n.Title, "files": fileHashes(out),
			"deadline": n.Deadline, "deadline_extended": extended})
	})
	return out, err
}

// reopenForBidders is what editing a published need with proposals does
// (see UpdateNeed): the deadline moves back by the rules' extension, the
// Q&A cut-off with it, and every live proposal is asked to re-confirm.
func reopenForBidders(ctx context.Context, c conn, n *procurement.Need) error {
	r := procurement.DefaultRules() // the extension and the Q&A margin are not configurable
	n.Deadline = procurement.ExtendForEdit(n.Deadline, n.Deadline, r)
	n.QACutoff = procurement.DefaultQACutoff(n.Deadline, r, c.now)
	n.UpdatedAt = c.now
	if _, err := c.exec(ctx, `UPDATE needs SET deadline = ?, qa_cutoff = ?, updated_at = ? WHERE id = ?`,
		nullTime(n.Deadline), nullTime(n.QACutoff), c.now, n.ID); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `UPDATE proposals SET needs_reconfirm = ? WHERE need_id = ? AND status = 'submitted'`,
		true, n.ID); err != nil {
		return err
	}
	return notifyBidders(ctx, c, n, "need_changed", n.Title)
}

// RemoveNeedAttachment deletes one of a need's attachments while the need
// is a draft, by whoever may edit the draft. Once published, a tender
// document stays: it was public, and its hash is on record.
func (s *Store) RemoveNeedAttachment(ctx context.Context, docID string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		var needID, name, sum string
		err := c.row(ctx, `SELECT need_id, name, sha256 FROM documents WHERE id = ? AND owner_kind = 'need'`, docID).
			Scan(&needID, &name, &sum)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("document")
		}
		if err != nil {
			return err
		}
		if err := s.lockNeed(ctx, &c, needID); err != nil {
			return err
		}
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if errs.Is(err, errs.NotFound) {
			return notFound("document")
		}
		if err != nil {
			return err
		}
		if _, err := procurement.Step(n, procurement.ActEdit, actor, c.now); err != nil {
			return err
		}
		if n.Status != procurement.Draft {
			return errs.E(errs.Conflict, "attachment.remove_draft_only")
		}
		if _, err := c.exec(ctx, `DELETE FROM documents WHERE id = ?`, docID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE needs SET updated_at = ? WHERE id = ?`, c.now, n.ID); err != nil {
			return err
		}
		// The timeline says a file went, not which: a draft's files were
		// never public, and this line will be once the need is.
		if err := needEvent(ctx, c, n, "detach", n.Status, n.Status, ""); err != nil {
			return err
		}
		return record(ctx, c, "need.detach", n.Resource(), map[string]any{"title": n.Title, "document": docID,
			"name": name, "sha256": sum})
	})
}

// FindNeedAttachments returns a need's attachments, oldest first: names,
// types, sizes and hashes (never the bytes: FindDocument). They are as
// public as the need — anyone once it is published, only those who may see
// the draft before.
func (s *Store) FindNeedAttachments(ctx context.Context, needID string) ([]procurement.Document, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	docs, err := needDocuments(ctx, s.read(), needID, "need")
	return docs, s.translate(err)
}

// insertDocuments stores checked uploads for one owner and returns their
// descriptions in upload order.
func insertDocuments(ctx context.Context, c conn, needID, kind, ownerID string, docs []preparedUpload) ([]procurement.Document, error) {
	by := ""
	if actor := accounts.ActorFrom(ctx); actor != nil {
		by = actor.ID
	}
	out := make([]procurement.Document, 0, len(docs))
	for _, d := range docs {
		d.doc.ID, d.doc.Owner, d.doc.Uploaded = newID(), ownerID, c.now
		if _, err := c.exec(ctx, `INSERT INTO documents (id, need_id, owner_kind, owner_id, name, mime_type, size, sha256,
			content, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.doc.ID, needID, kind, ownerID,
			d.doc.Name, d.doc.Type, d.doc.Size, d.doc.SHA256, d.content, by, c.now); err != nil {
			return nil, err
		}
		out = append(out, d.doc)
	}
	return out, nil
}

// findDocuments describes the documents matching where, oldest first.
func findDocuments(ctx context.Context, c conn, where string, args ...any) ([]procurement.Document, error) {
	rows, err := c.query(ctx, `SELECT id, owner_id, name, mime_type, size, sha256, uploaded_at FROM documents
		WHERE `+where+` ORDER BY uploaded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.Document
	for rows.Next() {
		var d procurement.Document
		if err := rows.Scan(&d.ID, &d.Owner, &d.Name, &d.Type, &d.Size, &d.SHA256, &d.Uploaded); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// needDocuments describes a need's documents of one owner kind (need,
// proposal, report, contract). Under ReadOnce the need's documents of
// every kind are read once.
func needDocuments(ctx context.Context, c conn, needID, kind string) ([]procurement.Document, error) {
	type doc struct {
		kind string
		procurement.Document
	}
	all, err := once(ctx, c, "documents:"+needID, func() ([]doc, error) {
		var out []doc
		err := c.each(ctx, `SELECT owner_kind, id, owner_id, name, mime_type, size, sha256, uploaded_at FROM documents
			WHERE need_id = ? ORDER BY uploaded_at, id`, []any{needID}, func(sc scanner) error {
			var d doc
			if err := sc.Scan(&d.kind, &d.ID, &d.Owner, &d.Name, &d.Type, &d.Size, &d.SHA256, &d.Uploaded); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
		return out, err
	}, func(ds []doc) []doc { return ds })
	var out []procurement.Document
	for _, d := range all {
		if d.kind == kind {
			out = append(out, d.Document)
		}
	}
	return out, err
}

// proposalFiles loads the files of every proposal of a need, by proposal id.
func proposalFiles(ctx context.Context, c conn, needID string) (map[string][]procurement.Document, error) {
	docs, err := needDocuments(ctx, c, needID, "proposal")
	if err != nil {
		return nil, err
	}
	out := map[string][]procurement.Document{}
	for _, d := range docs {
		out[d.Owner] = append(out[d.Owner], d)
	}
	return out, nil
}

// withFiles fills a proposal's files.
func withFiles(ctx context.Context, c conn, p *procurement.Proposal) (*procurement.Proposal, error) {
	files, err := findDocuments(ctx, c, `owner_kind = 'proposal' AND owner_id = ?`, p.ID)
	if err != nil {
		return nil, err
	}
	p.Files = files
	return p, nil
}

// fileHashes lists files for an audit entry: names, sizes and hashes.
func fileHashes(docs []procurement.Document) []map[string]any {
	out := make([]map[string]any, 0, len(docs))
	for _, d := range docs {
		out = append(out, map[string]any{"name": d.Name, "sha256": d.SHA256, "size": d.Size})
	}
	return out
}
