package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
)

// The resident portal (issue #10): preferences, the home community,
// community notices and resident-raised needs (居民提需求).

func requireActor(ctx context.Context) (*accounts.User, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil || u.ID == "" {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	return u, nil
}

func findPrefs(ctx context.Context, c conn, userID string) (portal.Prefs, error) {
	p := portal.DefaultPrefs()
	err := c.row(ctx, `SELECT elderly_mode, publish_name FROM user_prefs WHERE user_id = ?`, userID).Scan(&p.ElderlyMode, &p.PublishName)
	if errors.Is(err, sql.ErrNoRows) {
		return portal.DefaultPrefs(), nil
	}
	return p, err
}

// FindPrefs returns the signed-in person's portal preferences.
func (s *Store) FindPrefs(ctx context.Context) (portal.Prefs, error) {
	u, err := requireActor(ctx)
	if err != nil {
		return portal.Prefs{}, err
	}
	p, err := findPrefs(ctx, s.read(), u.ID)
	return p, s.translate(err)
}

// SetPrefs saves the signed-in person's preferences. A change of consent
// to publish their name is audited (PIPL: consent and its withdrawal are
// on record).
func (s *Store) SetPrefs(ctx context.Context, p portal.Prefs) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		old, err := findPrefs(ctx, c, u.ID)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO user_prefs (user_id, elderly_mode, publish_name, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET elderly_mode = excluded.elderly_mode, publish_name = excluded.publish_name,
			updated_at = excluded.updated_at`, u.ID, p.ElderlyMode, p.PublishName, c.now); err != nil {
			return err
		}
		if old.PublishName != p.PublishName {
			// Points notices already up carry the masked name: it goes (or comes back) now.
			name := portal.AnonymousName
			if p.PublishName {
				name = accounts.MaskName(u.Name)
			}
			if _, err := c.exec(ctx, `UPDATE points_awards SET recipient_name = ? WHERE recipient = ?`, name,
				points.AccountID(points.Resident, u.ID)); err != nil {
				return err
			}
			return record(ctx, c, "user.consent", userResource(u), map[string]any{"publish_name": p.PublishName})
		}
		return nil
	})
}

// FindHomeCommunity returns the community the signed-in resident
// confirmed, NotFound when they have not yet.
func (s *Store) FindHomeCommunity(ctx context.Context) (*places.Community, error) {
	id, err := s.FindHome(ctx)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, notFound("community")
	}
	cm, err := findCommunity(ctx, s.read(), id)
	return cm, s.translate(err)
}

// SetHome records the community the signed-in resident lives in (they
// confirm it once; changing it later is a correction, audited too).
func (s *Store) SetHome(ctx context.Context, communityID string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		cm, err := findCommunity(ctx, c, communityID)
		if err != nil {
			return fieldErr("community", err)
		}
		if _, err := c.exec(ctx, `INSERT INTO resident_homes (user_id, community_id, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET community_id = excluded.community_id, updated_at = excluded.updated_at`,
			u.ID, cm.ID, c.now); err != nil {
			return err
		}
		return record(ctx, c, "resident.home", userResource(u), map[string]any{"community_id": cm.ID, "community": cm.Name})
	})
}

// FindNotices returns a community's latest notices (public).
func (s *Store) FindNotices(ctx context.Context, communityID string, limit int) ([]*portal.Notice, error) {
	rows, err := s.read().query(ctx, `SELECT id, community_id, title, body, created_by, created_at FROM community_notices
		WHERE community_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, communityID, limit)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*portal.Notice
	for rows.Next() {
		n := &portal.Notice{}
		if err := rows.Scan(&n.ID, &n.CommunityID, &n.Title, &n.Body, &n.CreatedBy, &n.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	return out, s.translate(rows.Err())
}

// CreateNotice posts a notice to a community (its staff).
func (s *Store) CreateNotice(ctx context.Context, n *portal.Notice) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if err := n.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		cm, err := findCommunity(ctx, c, n.CommunityID)
		if err != nil {
			return fieldErr("community", err)
		}
		res := n.Resource()
		res.StreetID = cm.StreetID
		if err := accounts.Can(u, accounts.Create, res); err != nil {
			return err
		}
		n.ID, n.CreatedBy, n.CreatedAt = newID(), u.ID, c.now
		if _, err := c.exec(ctx, `INSERT INTO community_notices (id, community_id, title, body, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, n.ID, n.CommunityID, n.Title, n.Body, n.CreatedBy, n.CreatedAt); err != nil {
			return err
		}
		res.ID = n.ID
		return record(ctx, c, "notice.create", res, map[string]any{"title": n.Title})
	})
}

// suggestionSelect reads a suggestion with its community, author name and
// support count; the last column says whether reader ? supported it.
const suggestionSelect = `SELECT g.id, g.community_id, cm.name, cm.street_id, g.user_id, u.name, g.body, g.place,
	g.photo_type, g.status, g.reply, g.replied_by, COALESCE(g.merged_into, ''), COALESCE(g.need_id, ''), g.assisted_by,
	g.created_at, g.updated_at,
	(SELECT COUNT(*) FROM suggestion_supports p WHERE p.suggestion_id = g.id),
	(SELECT COUNT(*) FROM suggestion_supports p WHERE p.suggestion_id = g.id AND p.user_id = ?),
	COALESCE((SELECT f.publish_name FROM user_prefs f WHERE f.user_id = g.user_id), ?)
	FROM suggestions g JOIN communities cm ON cm.id = g.community_id JOIN users u ON u.id = g.user_id`

func scanSuggestion(sc interface{ Scan(...any) error }) (*portal.Suggestion, error) {
	g := &portal.Suggestion{}
	var photoType string
	var mine int
	err := sc.Scan(&g.ID, &g.CommunityID, &g.CommunityName, &g.StreetID, &g.UserID, &g.UserName, &g.Body, &g.Place,
		&photoType, &g.Status, &g.Reply, &g.RepliedBy, &g.MergedInto, &g.NeedID, &g.AssistedBy, &g.CreatedAt, &g.UpdatedAt,
		&g.Supports, &mine, &g.PublishName)
	g.HasPhoto, g.Supported = photoType != "", mine > 0
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return g, err
}

// shape masks what the reader may not see: the author's name unless the
// reader is the author or holds ViewPrivate (the community's staff).
func shapeSuggestion(actor *accounts.User, g *portal.Suggestion) {
	g.Mine = actor != nil && actor.ID == g.UserID
	if !accounts.Allowed(actor, accounts.ViewPrivate, g.Resource()) {
		g.UserName = accounts.MaskName(g.UserName)
		if !g.PublishName {
			g.UserName = portal.AnonymousName
		}
		g.AssistedBy = ""
	}
}

func findSuggestion(ctx context.Context, c conn, id, readerID string) (*portal.Suggestion, error) {
	g, err := scanSuggestion(c.row(ctx, suggestionSelect+` WHERE g.id = ?`, readerID, true, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("suggestion")
	}
	return g, err
}

// FindSuggestionByID returns one suggestion: public (masked author) to
// anyone, in full to its author and the community's staff.
func (s *Store) FindSuggestionByID(ctx context.Context, id string) (*portal.Suggestion, error) {
	actor := accounts.ActorFrom(ctx)
	g, err := findSuggestion(ctx, s.read(), id, userID(actor))
	if err != nil {
		return nil, s.translate(err)
	}
	shapeSuggestion(actor, g)
	return g, nil
}

// FindSuggestions lists suggestions: the reader's own (Mine), or a
// community's (public, masked authors; the inbox for its staff), most
// supported first within the open ones.
func (s *Store) FindSuggestions(ctx context.Context, f portal.Filter) ([]*portal.Suggestion, int, error) {
	actor := accounts.ActorFrom(ctx)
	where, args := "1=1", []any{}
	switch {
	case f.Mine:
		if actor == nil {
			return nil, 0, errs.E(errs.Unauthorized, "auth.required")
		}
		where += ` AND g.user_id = ?`
		args = append(args, actor.ID)
	case f.CommunityID != "":
		where += ` AND g.community_id = ?`
		args = append(args, f.CommunityID)
	default:
		return nil, 0, errs.Field("community", "portal.home_needed")
	}
	if f.Status != "" {
		where += ` AND g.status = ?`
		args = append(args, f.Status)
	}
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM suggestions g WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(f.Page, f.PerPage, 100)
	rows, err := c.query(ctx, suggestionSelect+` WHERE `+where+` ORDER BY CASE g.status WHEN 'open' THEN 0 WHEN 'replied' THEN 1 ELSE 2 END,
		(SELECT COUNT(*) FROM suggestion_supports p WHERE p.suggestion_id = g.id) DESC, g.created_at DESC, g.id LIMIT ? OFFSET ?`,
		append(append([]any{userID(actor), true}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*portal.Suggestion
	for rows.Next() {
		g, err := scanSuggestion(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		shapeSuggestion(actor, g)
		out = append(out, g)
	}
	return out, total, s.translate(rows.Err())
}

// CreateSuggestion records a need a resident raises with their own
// community, with an optional photo, and tells the community's staff.
func (s *Store) CreateSuggestion(ctx context.Context, g *portal.Suggestion, photo []byte, photoType string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if len(photo) > 0 && !portal.PhotoTypes[photoType] {
		return errs.Field("photo", "suggestion.photo_type")
	}
	if len(photo) > portal.MaxPhotoBytes {
		return errs.Field("photo", "suggestion.photo_large", portal.MaxPhotoBytes>>20)
	}
	if len(photo) == 0 {
		photoType = ""
	}
	return s.tx(ctx, func(c conn) error {
		var home string
		if err := c.row(ctx, `SELECT community_id FROM resident_homes WHERE user_id = ?`, u.ID).Scan(&home); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		g.CommunityID, g.UserID = home, u.ID
		if err := g.Validate(); err != nil {
			return err
		}
		cm, err := findCommunity(ctx, c, home)
		if err != nil {
			return err
		}
		g.StreetID, g.CommunityName = cm.StreetID, cm.Name
		if err := accounts.Can(u, accounts.Create, g.Resource()); err != nil {
			return err
		}
		g.ID, g.Status, g.CreatedAt, g.UpdatedAt = newID(), portal.Open, c.now, c.now
		var ph any
		if len(photo) > 0 {
			ph = photo
		}
		if _, err := c.exec(ctx, `INSERT INTO suggestions (id, community_id, user_id, body, place, photo, photo_type, status,
			assisted_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.CommunityID, g.UserID, g.Body,
			g.Place, ph, photoType, g.Status, g.AssistedBy, c.now, c.now); err != nil {
			return err
		}
		g.HasPhoto = len(photo) > 0
		staff, err := communityStaff(ctx, c, cm.ID)
		if err != nil {
			return err
		}
		if err := notifyAt(ctx, c, staff, "/portal/suggestions/"+g.ID, "suggestion_new", cm.Name, excerpt(g.Body, 30)); err != nil {
			return err
		}
		return record(ctx, c, "suggestion.create", g.Resource(), map[string]any{"photo": g.HasPhoto, "assisted_by": g.AssistedBy})
	})
}

// communityStaff returns the ids of a community's staff.
func communityStaff(ctx context.Context, c conn, communityID string) ([]string, error) {
	rows, err := c.query(ctx, `SELECT user_id FROM grants WHERE role = 'community_staff' AND scope_id = ? ORDER BY user_id`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// SuggestionPhoto returns a suggestion's photo to its author and the
// community's staff (a photo may show people or a home).
func (s *Store) SuggestionPhoto(ctx context.Context, id string) ([]byte, string, error) {
	g, err := s.FindSuggestionByID(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, g.Resource()); err != nil {
		return nil, "", err
	}
	var b []byte
	var typ string
	err = s.read().row(ctx, `SELECT photo, photo_type FROM suggestions WHERE id = ?`, id).Scan(&b, &typ)
	if err != nil {
		return nil, "", s.translate(err)
	}
	if typ == "" {
		return nil, "", notFound("photo")
	}
	return b, typ, nil
}

// SupportSuggestion says "我也遇到": a resident of the same community adds
// their weight to someone else's suggestion, once.
func (s *Store) SupportSuggestion(ctx context.Context, id string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		g, err := findSuggestion(ctx, c, id, u.ID)
		if err != nil {
			return err
		}
		if err := accounts.Can(u, accounts.Create, accounts.Resource{Kind: accounts.KindSuggestion, OwnerID: u.ID}); err != nil {
			return err
		}
		var home string
		if err := c.row(ctx, `SELECT community_id FROM resident_homes WHERE user_id = ?`, u.ID).Scan(&home); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case home != g.CommunityID:
			return errs.E(errs.Forbidden, "suggestion.other_community")
		case g.UserID == u.ID:
			return errs.E(errs.Conflict, "suggestion.own")
		case g.Status == portal.Merged || g.Status == portal.Closed:
			return errs.E(errs.Conflict, "suggestion.step_not_allowed")
		}
		res, err := c.exec(ctx, `INSERT INTO suggestion_supports (suggestion_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (suggestion_id, user_id) DO NOTHING`, g.ID, u.ID, c.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // said already: once is enough
		}
		return record(ctx, c, "suggestion.support", g.Resource(), nil)
	})
}

// SuggestionStep is what staff send with an action: the reply text, the
// suggestion to merge into, or the draft need's title and budget.
type SuggestionStep struct {
	Action    portal.Action
	Note      string // the reply (required for reply; told to the resident on every step)
	Into      string // merge: the suggestion that absorbs this one
	Title     string // convert: the draft need's title
	BudgetFen int64  // convert: its budget
	Category  string // convert: optional category code
}

// StepSuggestion is the community inbox's one write: reply, merge, turn
// into a draft need (the procurement flow) or close. The author (and on a
// merge, everyone who said "我也遇到") is notified.
func (s *Store) StepSuggestion(ctx context.Context, id string, st SuggestionStep, r procurement.Rules) (*portal.Suggestion, error) {
	u, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *portal.Suggestion
	err = s.tx(ctx, func(c conn) error {
		g, err := findSuggestion(ctx, c, id, u.ID)
		if err != nil {
			return err
		}
		if err := accounts.Can(u, accounts.Update, g.Resource()); err != nil {
			return err
		}
		to, err := portal.Next(g.Status, st.Action)
		if err != nil {
			return err
		}
		if err := checkNote(st); err != nil {
			return err
		}
		data := map[string]any{"action": st.Action, "from": g.Status, "to": to}
		kind, args := "suggestion_replied", []any{excerpt(g.Body, 20), st.Note}
		switch st.Action {
		case portal.ActMerge:
			into, err := findSuggestion(ctx, c, st.Into, u.ID)
			if err != nil {
				return fieldErr("into", err)
			}
			if into.ID == g.ID || into.CommunityID != g.CommunityID || into.Status == portal.Merged || into.Status == portal.Closed {
				return errs.Field("into", "suggestion.merge_target")
			}
			// The author and supporters of the merged one now support the target.
			if _, err := c.exec(ctx, `INSERT INTO suggestion_supports (suggestion_id, user_id, created_at)
				SELECT ?, user_id, ? FROM suggestion_supports WHERE suggestion_id = ? AND user_id <> ?
				ON CONFLICT (suggestion_id, user_id) DO NOTHING`, into.ID, c.now, g.ID, into.UserID); err != nil {
				return err
			}
			if g.UserID != into.UserID {
				if _, err := c.exec(ctx, `INSERT INTO suggestion_supports (suggestion_id, user_id, created_at) VALUES (?, ?, ?)
					ON CONFLICT (suggestion_id, user_id) DO NOTHING`, into.ID, g.UserID, c.now); err != nil {
					return err
				}
			}
			g.MergedInto = into.ID
			data["into"] = into.ID
			kind = "suggestion_merged"
		case portal.ActConvert:
			n := &procurement.Need{Title: st.Title, Description: needText(g, st.Note), CommunityID: g.CommunityID,
				BudgetFen: st.BudgetFen, Category: st.Category, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria()}
			if err := s.createNeed(ctx, c, n, r, "suggestion:"+g.ID); err != nil {
				return err
			}
			g.NeedID = n.ID
			data["need_id"] = n.ID
			kind = "suggestion_converted"
		case portal.ActClose:
			kind = "suggestion_closed"
		}
		if st.Note != "" || st.Action == portal.ActReply {
			g.Reply, g.RepliedBy = st.Note, u.Name
		}
		if _, err := c.exec(ctx, `UPDATE suggestions SET status = ?, reply = ?, replied_by = ?, merged_into = ?, need_id = ?, updated_at = ?
			WHERE id = ?`, to, g.Reply, g.RepliedBy, nullStr(g.MergedInto), nullStr(g.NeedID), c.now, g.ID); err != nil {
			return err
		}
		g.Status = to
		if err := notifyAt(ctx, c, []string{g.UserID}, "/portal/suggestions/"+g.ID, kind, args...); err != nil {
			return err
		}
		if err := record(ctx, c, "suggestion."+string(st.Action), g.Resource(), data); err != nil {
			return err
		}
		out = g
		return nil
	})
	return out, err
}

func checkNote(st SuggestionStep) error {
	n := len([]rune(st.Note))
	switch {
	case st.Action == portal.ActReply && n < 2:
		return errs.Field("note", "suggestion.reply_required")
	case n > portal.MaxReply:
		return errs.Field("note", "suggestion.reply_long", portal.MaxReply)
	}
	return nil
}

// needText is the draft need's description: what the resident wrote (no
// name: a need is public once published) and staff's note.
func needText(g *portal.Suggestion, note string) string {
	t := "居民反映：" + g.Body
	if g.Place != "" {
		t += "\n地点：" + g.Place
	}
	if g.Supports > 0 {
		t += fmt.Sprintf("\n另有 %d 位居民表示也遇到。", g.Supports)
	}
	if note != "" {
		t += "\n社区说明：" + note
	}
	return t
}

// publishesName reports whether a user consents to their (masked) name on
// public pages (the default until they withdraw it in the privacy centre).
func publishesName(ctx context.Context, c conn, userID string) (bool, error) {
	p, err := findPrefs(ctx, c, userID)
	return p.PublishName, err
}
