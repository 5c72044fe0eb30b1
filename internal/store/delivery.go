package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
)

// Contract, delivery and acceptance: from an awarded need to a rated,
// accepted project. Every write loads the need, asks procurement.Step
// whether this actor may take this step now, and records the change on the
// public timeline and in the audit log in the same transaction.

// SignContract publishes the contract of an awarded need (the street), once
// the objection period is over and every objection is answered. The amount
// equals the award unless an amendment says why, and never exceeds the
// budget. The supplier's administrators are told.
func (s *Store) SignContract(ctx context.Context, needID string, k *procurement.Contract) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActContract, actor, c.now)
		if err != nil {
			return err
		}
		open, err := openObjections(ctx, c, n.ID)
		if err != nil {
			return err
		}
		if open > 0 {
			return errs.E(errs.Conflict, "delivery.objections_open", open)
		}
		a, err := awardOf(ctx, c, n.ID)
		if err != nil {
			return err
		}
		k.NeedID = n.ID
		k.Start, k.End = k.Start.UTC().Truncate(time.Microsecond), k.End.UTC().Truncate(time.Microsecond)
		for i := range k.Milestones {
			k.Milestones[i].Due = k.Milestones[i].Due.UTC().Truncate(time.Microsecond)
		}
		if err := procurement.CheckContract(n, a, k); err != nil {
			return err
		}
		k.SignedBy, k.SignedAt = actor.ID, c.now
		if _, err := c.exec(ctx, `INSERT INTO contracts (need_id, amount_fen, start_at, end_at, amendment, signed_by, signed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, n.ID, k.AmountFen, k.Start, k.End, k.Amendment, k.SignedBy, k.SignedAt); err != nil {
			return err
		}
		for i := range k.Milestones {
			m := &k.Milestones[i]
			m.ID, m.NeedID = newID(), n.ID
			if err := insertMilestone(ctx, c, m); err != nil {
				return err
			}
		}
		from := n.Status
		if err := advanceNeed(ctx, c, n, t.To); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActContract), from, n.Status, k.Amendment); err != nil {
			return err
		}
		if err := notifyAwardedOrg(ctx, c, n, "contract_signed", n.Title); err != nil {
			return err
		}
		return record(ctx, c, "need.contract", n.Resource(), map[string]any{"title": n.Title, "amount_fen": k.AmountFen,
			"award_fen": a.AmountFen, "amendment": k.Amendment, "start": k.Start, "end": k.End, "milestones": len(k.Milestones)})
	})
}

// FindContract returns a need's contract with its milestones. Contracts are
// published: anyone who may see the need may see it.
func (s *Store) FindContract(ctx context.Context, needID string) (*procurement.Contract, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	c := s.read()
	k := &procurement.Contract{}
	err := c.row(ctx, `SELECT need_id, amount_fen, start_at, end_at, amendment, signed_by, signed_at FROM contracts
		WHERE need_id = ?`, needID).Scan(&k.NeedID, &k.AmountFen, &k.Start, &k.End, &k.Amendment, &k.SignedBy, &k.SignedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("contract")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	k.Milestones, err = findMilestones(ctx, c, needID)
	return k, s.translate(err)
}

// FindMilestones returns a need's milestones in contract order.
func (s *Store) FindMilestones(ctx context.Context, needID string) ([]procurement.Milestone, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	ms, err := findMilestones(ctx, s.read(), needID)
	return ms, s.translate(err)
}

// Upload is a file as it arrives. Its bytes are kept by the store
// (documents.content) and never travel in the domain's Document; its type
// is decided from the bytes, whatever the client declared.
type Upload struct {
	Name    string
	Type    string // as declared by the client: informative only
	Content []byte
}

// Limits on files: the size of one file, and how many one progress report,
// one proposal or one need may hold (prepareUploads checks them all alike).
const (
	MaxDocumentBytes = 10 << 20
	MaxDocuments     = 20
)

// ReportProgress is the supplier's report on a milestone, with files: the
// first one starts the work (contracted → in progress). The milestone waits
// for the community's check, and the community's staff are told.
func (s *Store) ReportProgress(ctx context.Context, needID, milestoneID, text string, files []Upload) (*procurement.Report, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Report
	err := s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActReport, actor, c.now)
		if err != nil {
			return err
		}
		m, err := findMilestone(ctx, c, n.ID, milestoneID)
		if err != nil {
			return err
		}
		if m.Status == procurement.MilestoneAccepted {
			return errs.E(errs.Conflict, "delivery.milestone_accepted", m.Title)
		}
		text = strings.TrimSpace(text)
		var l errs.List
		switch k := utf8.RuneCountInString(text); {
		case k == 0:
			l.Add("text", "field.required")
		case k > 5000:
			l.Add("text", "field.too_long", 5000)
		}
		docs, err := prepareUploads(files)
		if err := errs.Merge(l.Err(), err); err != nil {
			return err
		}
		r := &procurement.Report{ID: newID(), NeedID: n.ID, MilestoneID: m.ID, Text: text, By: actor.ID, At: c.now}
		if _, err := c.exec(ctx, `INSERT INTO reports (id, need_id, milestone_id, text, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.ID, r.NeedID, r.MilestoneID, r.Text, r.By, r.At); err != nil {
			return err
		}
		if r.Files, err = insertDocuments(ctx, c, n.ID, ownerReport, r.ID, docs); err != nil {
			return err
		}
		if len(r.Files) == 0 {
			r.Files = nil
		}
		if _, err := c.exec(ctx, `UPDATE milestones SET status = ?, comment = '' WHERE id = ?`,
			procurement.MilestoneReported, m.ID); err != nil {
			return err
		}
		from := n.Status
		if err := advanceNeed(ctx, c, n, t.To); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActReport), from, n.Status, m.Title); err != nil {
			return err
		}
		staff, err := usersWithRole(ctx, c, accounts.CommunityStaff, n.CommunityID)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, staff, n.ID, "milestone_reported", n.Title, m.Title); err != nil {
			return err
		}
		out = r
		return record(ctx, c, "need.report", n.Resource(), map[string]any{"title": n.Title, "milestone": m.ID,
			"milestone_title": m.Title, "report": r.ID, "files": fileHashes(r.Files)})
	})
	return out, err
}

// AcceptMilestone is the community's acceptance of a reported milestone.
func (s *Store) AcceptMilestone(ctx context.Context, needID, milestoneID string) error {
	return s.decideMilestone(ctx, needID, milestoneID, procurement.ActAcceptStone, "")
}

// ReturnMilestone sends a reported milestone back to the supplier with the
// community's comment (required).
func (s *Store) ReturnMilestone(ctx context.Context, needID, milestoneID, comment string) error {
	return s.decideMilestone(ctx, needID, milestoneID, procurement.ActReturnStone, comment)
}

func (s *Store) decideMilestone(ctx context.Context, needID, milestoneID string, action procurement.Action, comment string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		if _, err := procurement.Step(n, action, actor, c.now); err != nil {
			return err
		}
		m, err := findMilestone(ctx, c, n.ID, milestoneID)
		if err != nil {
			return err
		}
		if m.Status != procurement.MilestoneReported {
			return errs.E(errs.Conflict, "delivery.milestone_not_reported", m.Title)
		}
		to, kind := procurement.MilestoneAccepted, "milestone_accepted"
		comment = strings.TrimSpace(comment)
		if action == procurement.ActReturnStone {
			to, kind = procurement.MilestoneReturned, "milestone_returned"
			if err := checkWorkComment(comment, true); err != nil {
				return err
			}
		} else {
			comment = ""
		}
		if _, err := c.exec(ctx, `UPDATE milestones SET status = ?, comment = ? WHERE id = ?`, to, comment, m.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE needs SET updated_at = ? WHERE id = ?`, c.now, n.ID); err != nil {
			return err
		}
		note := m.Title
		if comment != "" {
			note += "：" + comment
		}
		if err := needEvent(ctx, c, n, string(action), n.Status, n.Status, note); err != nil {
			return err
		}
		if err := notifyAwardedOrg(ctx, c, n, kind, n.Title, m.Title); err != nil {
			return err
		}
		return record(ctx, c, "need."+string(action), n.Resource(), map[string]any{"title": n.Title, "milestone": m.ID,
			"milestone_title": m.Title, "comment": comment})
	})
}

// Deliver is the supplier's declaration that the work is done: every
// milestone must be accepted. The community's staff are asked to accept it.
func (s *Store) Deliver(ctx context.Context, needID string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActDeliver, actor, c.now)
		if err != nil {
			return err
		}
		ms, err := findMilestones(ctx, c, n.ID)
		if err != nil {
			return err
		}
		if err := procurement.CheckDeliver(ms); err != nil {
			return err
		}
		from := n.Status
		if err := advanceNeed(ctx, c, n, t.To); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActDeliver), from, n.Status, ""); err != nil {
			return err
		}
		staff, err := usersWithRole(ctx, c, accounts.CommunityStaff, n.CommunityID)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, staff, n.ID, "need_delivered", n.Title); err != nil {
			return err
		}
		return record(ctx, c, "need.deliver", n.Resource(), map[string]any{"title": n.Title, "milestones": len(ms)})
	})
}

// AcceptDelivery is the community's acceptance (验收) of delivered work,
// with an optional comment and the number of people the project reached (0:
// not reported). The supplier is told, and the street, which closes the
// project.
func (s *Store) AcceptDelivery(ctx context.Context, needID, comment string, beneficiaries int) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActAccept, actor, c.now)
		if err != nil {
			return err
		}
		a := &procurement.Acceptance{NeedID: n.ID, Result: "passed", Comment: strings.TrimSpace(comment),
			Beneficiaries: beneficiaries, By: actor.ID, At: c.now}
		if err := checkWorkComment(a.Comment, false); err != nil {
			return err
		}
		if err := procurement.CheckBeneficiaries(a.Beneficiaries); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO acceptances (need_id, result, comment, by_user, at, beneficiaries) VALUES (?, ?, ?, ?, ?, ?)`,
			a.NeedID, a.Result, a.Comment, a.By, a.At, nullInt(a.Beneficiaries)); err != nil {
			return err
		}
		from := n.Status
		if err := advanceNeed(ctx, c, n, t.To); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActAccept), from, n.Status, a.Comment); err != nil {
			return err
		}
		// A need that adopted a solution joins its evidence now (solutions.go).
		if err := linkAdoptedDelivery(ctx, c, n.ID); err != nil {
			return err
		}
		if err := notifyAwardedOrg(ctx, c, n, "need_accepted", n.Title); err != nil {
			return err
		}
		staff, err := usersWithRole(ctx, c, accounts.StreetStaff, n.StreetID)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, staff, n.ID, "need_accepted", n.Title); err != nil {
			return err
		}
		return record(ctx, c, "need.accept", n.Resource(), map[string]any{"title": n.Title, "result": a.Result,
			"comment": a.Comment, "beneficiaries": a.Beneficiaries})
	})
}

// RejectDelivery sends delivered work back (comment required): the need is
// in progress again and its last milestone — the final deliverable — is
// returned with the comment, so the supplier reports on it again, the
// community checks it, and the supplier delivers again.
func (s *Store) RejectDelivery(ctx context.Context, needID, comment string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActRejectWork, actor, c.now)
		if err != nil {
			return err
		}
		comment = strings.TrimSpace(comment)
		if err := checkWorkComment(comment, true); err != nil {
			return err
		}
		ms, err := findMilestones(ctx, c, n.ID)
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			last := ms[len(ms)-1]
			if _, err := c.exec(ctx, `UPDATE milestones SET status = ?, comment = ? WHERE id = ?`,
				procurement.MilestoneReturned, comment, last.ID); err != nil {
				return err
			}
		}
		from := n.Status
		if err := advanceNeed(ctx, c, n, t.To); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActRejectWork), from, n.Status, comment); err != nil {
			return err
		}
		if err := notifyAwardedOrg(ctx, c, n, "delivery_rejected", n.Title); err != nil {
			return err
		}
		return record(ctx, c, "need.reject_delivery", n.Resource(), map[string]any{"title": n.Title, "comment": comment})
	})
}

// FindReports returns a need's progress reports, oldest first, each with its
// files' names, types, sizes and hashes (never their contents).
func (s *Store) FindReports(ctx context.Context, needID string) ([]procurement.Report, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	c := s.read()
	rows, err := c.query(ctx, `SELECT id, need_id, milestone_id, text, by_user, at FROM reports WHERE need_id = ? ORDER BY at, id`, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	var out []procurement.Report
	idx := map[string]int{}
	for rows.Next() {
		var r procurement.Report
		if err := rows.Scan(&r.ID, &r.NeedID, &r.MilestoneID, &r.Text, &r.By, &r.At); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	files, err := needDocuments(ctx, c, needID, "report")
	if err != nil {
		return nil, s.translate(err)
	}
	for _, d := range files {
		if i, ok := idx[d.Owner]; ok {
			out[i].Files = append(out[i].Files, d)
		}
	}
	return out, nil
}

// FindDocument returns a document's description and bytes. Documents of a
// need, a contract or a report are as public as their need; a proposal's
// follow the proposal's sealing (procurement.MayReadProposal: its own
// organization always; once opened the buyer, the community, admins,
// auditors and the declared reviewers of the panel). A document someone
// may not read is not found, exactly like one that does not exist.
func (s *Store) FindDocument(ctx context.Context, id string) (*procurement.Document, []byte, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	d := &procurement.Document{}
	var needID, kind string
	err := c.row(ctx, `SELECT id, need_id, owner_kind, owner_id, name, mime_type, size, sha256, uploaded_at FROM documents
		WHERE id = ?`, id).Scan(&d.ID, &needID, &kind, &d.Owner, &d.Name, &d.Type, &d.Size, &d.SHA256, &d.Uploaded)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("document")
	}
	if err != nil {
		return nil, nil, s.translate(err)
	}
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return nil, nil, s.translate(err)
	}
	if !procurement.CanView(n, actor) {
		return nil, nil, notFound("document")
	}
	if kind == ownerProposal {
		p, err := findProposal(ctx, c, `p.id = ? AND p.need_id = ?`, d.Owner, n.ID)
		if errs.Is(err, errs.NotFound) {
			return nil, nil, notFound("document")
		}
		if err != nil {
			return nil, nil, s.translate(err)
		}
		panel, err := findPanel(ctx, c, n.ID)
		if err != nil {
			return nil, nil, s.translate(err)
		}
		if !procurement.MayReadProposal(n, p, panel, actor, c.now) {
			return nil, nil, notFound("document")
		}
	}
	var content []byte
	if err := c.row(ctx, `SELECT content FROM documents WHERE id = ?`, id).Scan(&content); err != nil {
		return nil, nil, s.translate(err)
	}
	return d, content, nil
}

// RateNeed records the signed-in user's satisfaction with an accepted
// project (1–5 stars, optional comment); rating again replaces the earlier
// rating. The supplier's own people may not rate their own work.
func (s *Store) RateNeed(ctx context.Context, needID string, stars int, comment string) error {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" || actor.Disabled {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		res := n.Resource()
		if res.OrgID != "" && (actor.Holds(accounts.OrgAdmin, res) || actor.Holds(accounts.OrgMember, res)) {
			return errs.E(errs.Forbidden, "delivery.own_project")
		}
		r := &procurement.Rating{NeedID: n.ID, UserID: actor.ID, Stars: stars, Comment: comment, At: c.now}
		if err := procurement.CheckRating(n, r); err != nil {
			return err
		}
		var before int
		if err := c.row(ctx, `SELECT COUNT(*) FROM ratings WHERE need_id = ? AND user_id = ?`, n.ID, actor.ID).Scan(&before); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO ratings (need_id, user_id, stars, comment, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (need_id, user_id) DO UPDATE SET stars = excluded.stars, comment = excluded.comment, at = excluded.at`,
			r.NeedID, r.UserID, r.Stars, r.Comment, r.At); err != nil {
			return err
		}
		return record(ctx, c, "need.rate", res, map[string]any{"title": n.Title, "stars": r.Stars, "again": before > 0})
	})
}

// PublicRating is a rating as the public sees it: the rater's name masked,
// no account id, no phone number.
type PublicRating struct {
	Rater   string // 张**
	Stars   int
	Comment string
	At      time.Time
}

// phoneInText finds a mainland mobile number written into a comment.
var phoneInText = regexp.MustCompile(`1[3-9][0-9]{9}`)

// FindRatings returns a need's ratings, newest first, for the public page.
func (s *Store) FindRatings(ctx context.Context, needID string) ([]PublicRating, error) {
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, `SELECT COALESCE(u.name, ''), r.stars, r.comment, r.at, COALESCE(p.publish_name, ?) FROM ratings r
		LEFT JOIN users u ON u.id = r.user_id LEFT JOIN user_prefs p ON p.user_id = r.user_id
		WHERE r.need_id = ? ORDER BY r.at DESC, r.user_id`, true, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []PublicRating
	for rows.Next() {
		var r PublicRating
		var name string
		var publish bool
		if err := rows.Scan(&name, &r.Stars, &r.Comment, &r.At, &publish); err != nil {
			return nil, s.translate(err)
		}
		r.Rater = accounts.MaskName(phoneInText.ReplaceAllStringFunc(name, accounts.MaskPhone))
		if !publish { // consent withdrawn in the privacy centre
			r.Rater = portal.AnonymousName
		}
		// A resident who typed a phone number into a public comment gets it masked.
		r.Comment = phoneInText.ReplaceAllStringFunc(r.Comment, accounts.MaskPhone)
		out = append(out, r)
	}
	return out, s.translate(rows.Err())
}

// TrackRecord is an organization's completed projects (accepted or closed)
// for its profile page.
type TrackRecord struct {
	OrgID     string
	Completed int     // accepted or closed projects
	Rated     int     // of which rated
	AvgStars  float64 // mean of the rated projects' stars (each project counts once); 0 when none
	Recent    []ProjectRecord
}

// ProjectRecord is one completed project in a track record.
type ProjectRecord struct {
	NeedID     string
	Key        string // source key of an imported project
	Title      string
	Community  string
	Street     string
	AcceptedAt time.Time
	// Stars is the project's satisfaction: the source's average for an
	// imported project that came with one, else the mean of residents'
	// ratings here; 0 when unrated.
	Stars    float64
	Ratings  int  // ratings given on the platform
	Imported bool // Stars is the imported average
}

// TrackRecordRecent is how many recent projects a track record lists.
const TrackRecordRecent = 10

// OrgTrackRecord returns the completed projects of an organization: how
// many, their average rating, and the most recent. It is public.
func (s *Store) OrgTrackRecord(ctx context.Context, orgID string) (TrackRecord, error) {
	c := s.read()
	if _, err := findOrg(ctx, c, `o.id = ?`, orgID); err != nil {
		return TrackRecord{}, s.translate(err)
	}
	rows, err := c.query(ctx, `SELECT n.id, COALESCE(n.source_key, ''), n.title, COALESCE(cm.name, ''), st.name, a.at, n.updated_at,
		a.imported_rating, (SELECT COUNT(*) FROM ratings r WHERE r.need_id = n.id),
		(SELECT COALESCE(SUM(r.stars), 0) FROM ratings r WHERE r.need_id = n.id)
		FROM needs n JOIN streets st ON st.id = n.street_id LEFT JOIN communities cm ON cm.id = n.community_id
		LEFT JOIN acceptances a ON a.need_id = n.id
		WHERE n.awarded_org_id = ? AND n.status IN ('accepted', 'closed')`, orgID)
	if err != nil {
		return TrackRecord{}, s.translate(err)
	}
	defer rows.Close()
	tr := TrackRecord{OrgID: orgID}
	var all []ProjectRecord
	var sum float64
	for rows.Next() {
		var p ProjectRecord
		var accepted sql.NullTime
		var updated time.Time
		var imported sql.NullFloat64
		var starSum int64
		if err := rows.Scan(&p.NeedID, &p.Key, &p.Title, &p.Community, &p.Street, &accepted, &updated, &imported,
			&p.Ratings, &starSum); err != nil {
			return TrackRecord{}, s.translate(err)
		}
		p.AcceptedAt = updated
		if accepted.Valid {
			p.AcceptedAt = accepted.Time
		}
		switch {
		case imported.Valid:
			p.Stars, p.Imported = imported.Float64, true
		case p.Ratings > 0:
			p.Stars = float64(starSum) / float64(p.Ratings)
		}
		if p.Stars > 0 {
			tr.Rated++
			sum += p.Stars
		}
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return TrackRecord{}, s.translate(err)
	}
	tr.Completed = len(all)
	if tr.Rated > 0 {
		tr.AvgStars = sum / float64(tr.Rated)
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].AcceptedAt.Equal(all[j].AcceptedAt) {
			return all[i].AcceptedAt.After(all[j].AcceptedAt)
		}
		return all[i].NeedID < all[j].NeedID
	})
	if len(all) > TrackRecordRecent {
		all = all[:TrackRecordRecent]
	}
	tr.Recent = all
	return tr, nil
}

// --- helpers ---

// loadVisibleNeed loads a need for a write; one the actor may not see is not found.
func loadVisibleNeed(ctx context.Context, c conn, id string, actor *accounts.User) (*procurement.Need, error) {
	n, err := findNeed(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if !procurement.CanView(n, actor) {
		return nil, notFound("need")
	}
	return n, nil
}

// advanceNeed moves a need to status (which may be the one it is in).
func advanceNeed(ctx context.Context, c conn, n *procurement.Need, to procurement.Status) error {
	n.Status, n.UpdatedAt = to, c.now
	_, err := c.exec(ctx, `UPDATE needs SET status = ?, updated_at = ? WHERE id = ?`, n.Status, c.now, n.ID)
	return err
}

// awardOf loads the award a contract is checked against.
func awardOf(ctx context.Context, c conn, needID string) (*procurement.Award, error) {
	a := &procurement.Award{}
	err := c.row(ctx, `SELECT a.need_id, a.proposal_id, a.org_id, o.name, a.amount_fen, a.reason, a.decided_by, a.decided_at
		FROM awards a JOIN organizations o ON o.id = a.org_id WHERE a.need_id = ?`, needID).Scan(&a.NeedID, &a.ProposalID,
		&a.OrgID, &a.OrgName, &a.AmountFen, &a.Reason, &a.DecidedBy, &a.DecidedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Conflict, "delivery.no_award")
	}
	return a, err
}

// notifyAwardedOrg tells the administrators of the awarded organization.
func notifyAwardedOrg(ctx context.Context, c conn, n *procurement.Need, kind string, args ...any) error {
	if n.AwardedOrgID == "" {
		return nil
	}
	ids, err := usersWithRole(ctx, c, accounts.OrgAdmin, n.AwardedOrgID)
	if err != nil {
		return err
	}
	return notify(ctx, c, ids, n.ID, kind, args...)
}

// checkWorkComment checks a community's comment: required (at least 5
// characters) when it sends work back, at most 2000 either way.
func checkWorkComment(comment string, required bool) error {
	switch c := utf8.RuneCountInString(comment); {
	case required && c < 5:
		return errs.Field("comment", "need.return_comment_required")
	case c > 2000:
		return errs.Field("comment", "field.too_long", 2000)
	}
	return nil
}

const milestoneColumns = `id, need_id, position, title, due, amount_fen, status, comment`

func scanMilestone(sc interface{ Scan(...any) error }) (procurement.Milestone, error) {
	var m procurement.Milestone
	err := sc.Scan(&m.ID, &m.NeedID, &m.Position, &m.Title, &m.Due, &m.AmountFen, &m.Status, &m.Comment)
	return m, err
}

func insertMilestone(ctx context.Context, c conn, m *procurement.Milestone) error {
	_, err := c.exec(ctx, `INSERT INTO milestones (`+milestoneColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.NeedID, m.Position, m.Title, m.Due, m.AmountFen, m.Status, m.Comment)
	return err
}

// findMilestone loads one milestone of a need; another need's is not found.
func findMilestone(ctx context.Context, c conn, needID, id string) (procurement.Milestone, error) {
	m, err := scanMilestone(c.row(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE id = ? AND need_id = ?`, id, needID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("milestone")
	}
	return m, err
}

func findMilestones(ctx context.Context, c conn, needID string) ([]procurement.Milestone, error) {
	rows, err := c.query(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE need_id = ? ORDER BY position`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.Milestone
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// preparedUpload is an upload checked and hashed, ready to store.
type preparedUpload struct {
	doc     procurement.Document
	content []byte
}

// prepareUploads checks files against the limits and the allowed types and
// computes each one's SHA-256, reporting every bad file at once.
func prepareUploads(files []Upload) ([]preparedUpload, error) {
	if len(files) > MaxDocuments {
		return nil, errs.Field("file", "document.too_many", MaxDocuments)
	}
	var l errs.List
	out := make([]preparedUpload, 0, len(files))
	for i, f := range files {
		name := cleanDocumentName(f.Name)
		var typ string
		switch {
		case name == "":
			l.Add("file", "document.name_invalid", i+1)
			continue
		case len(f.Content) == 0:
			l.Add("file", "document.empty", name)
			continue
		case len(f.Content) > MaxDocumentBytes:
			l.Add("file", "document.too_large", name, MaxDocumentBytes>>20)
			continue
		}
		if typ = sniffDocument(f.Content); typ == "" {
			l.Add("file", "document.type_not_allowed", name)
			continue
		}
		sum := sha256.Sum256(f.Content)
		out = append(out, preparedUpload{content: f.Content, doc: procurement.Document{Name: name, Type: typ,
			Size: int64(len(f.Content)), SHA256: hex.EncodeToString(sum[:])}})
	}
	return out, l.Err()
}

// cleanDocumentName keeps the last part of a path a browser may send, without
// control characters or bidirectional overrides (which make "x\u202Efdp.exe"
// read as "xexe.pdf"); "" when nothing usable is left or it is too long.
func cleanDocumentName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s))
	if s == "." || s == ".." || utf8.RuneCountInString(s) > 200 {
		return ""
	}
	return s
}

// Office Open XML types accepted (macro-free Word and Excel).
const (
	docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// sniffDocument names the type of an allowed file from its first bytes —
// JPEG, PNG and WebP images, PDF, and macro-free .docx and .xlsx — or ""
// for anything else, whatever its name or declared type says.
func sniffDocument(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return ""
		}
		typ := ""
		for _, f := range zr.File {
			switch strings.ToLower(f.Name) {
			case "word/document.xml":
				typ = docxType
			case "xl/workbook.xml":
				typ = xlsxType
			case "word/vbaproject.bin", "xl/vbaproject.bin":
				return "" // macros
			}
		}
		return typ
	}
	return ""
}
