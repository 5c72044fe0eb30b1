package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
)

const meetingSelect = `SELECT m.id, m.title, m.held_at, m.place, COALESCE(m.street_id, ''), COALESCE(s.name, ''),
	m.agenda, m.departments, m.minutes, m.summary, m.published_at, m.created_at
	FROM meetings m LEFT JOIN streets s ON s.id = m.street_id`

func scanMeeting(sc interface{ Scan(...any) error }) (*coordination.Meeting, error) {
	m := &coordination.Meeting{}
	var agenda, deps string
	var pub sql.NullTime
	if err := sc.Scan(&m.ID, &m.Title, &m.HeldAt, &m.Place, &m.StreetID, &m.StreetName, &agenda, &deps,
		&m.Minutes, &m.Summary, &pub, &m.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(agenda), &m.Agenda); err != nil {
		return nil, errs.Wrap(err, "meeting agenda")
	}
	if err := json.Unmarshal([]byte(deps), &m.Departments); err != nil {
		return nil, errs.Wrap(err, "meeting departments")
	}
	m.HeldAt, m.CreatedAt = m.HeldAt.UTC(), m.CreatedAt.UTC()
	if pub.Valid {
		m.Published, m.PublishedAt = true, pub.Time.UTC()
	}
	return m, nil
}

// ownerName is the display name of an action item's owner, by kind.
const ownerName = `COALESCE(CASE a.owner_kind
		WHEN 'user' THEN (SELECT name FROM users WHERE id = a.owner_id)
		WHEN 'street' THEN (SELECT name FROM streets WHERE id = a.owner_id)
		WHEN 'community' THEN (SELECT name FROM communities WHERE id = a.owner_id)
		WHEN 'organization' THEN (SELECT name FROM organizations WHERE id = a.owner_id) END, '')`

var actionSelect = `SELECT a.id, a.meeting_id, m.title, COALESCE(m.street_id, ''), COALESCE(a.resolution_id, ''), a.title,
	a.owner_kind, a.owner_id, ` + ownerName + `, COALESCE(a.owner_street_id, ''), a.due, a.status, a.note,
	a.created_at, a.updated_at
	FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id`

func scanAction(sc interface{ Scan(...any) error }) (*coordination.Action, error) {
	a := &coordination.Action{}
	err := sc.Scan(&a.ID, &a.MeetingID, &a.MeetingTitle, &a.MeetingStreetID, &a.ResolutionID, &a.Title,
		&a.OwnerKind, &a.OwnerID, &a.OwnerName, &a.OwnerStreetID, &a.Due, &a.Status, &a.Note, &a.CreatedAt, &a.UpdatedAt)
	a.Due, a.CreatedAt, a.UpdatedAt = a.Due.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// CreateMeeting records a joint meeting with its parties and resolutions
// (the district's coordinators, or a street's staff for their street).
func (s *Store) CreateMeeting(ctx context.Context, m *coordination.Meeting) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, m.Resource()); err != nil {
		return err
	}
	if err := errs.Merge(m.Validate(), m.CheckDate(s.Now())); err != nil {
		return err
	}
	var texts []string
	for _, r := range m.Resolutions {
		t, err := coordination.ValidateResolution(r.Text)
		if err != nil {
			return err
		}
		texts = append(texts, t)
	}
	return s.tx(ctx, func(c conn) error {
		if m.StreetID != "" {
			st, err := findStreet(ctx, c, `id = ?`, m.StreetID)
			if err != nil {
				return fieldErr("street", err)
			}
			m.StreetName = st.Name
		}
		agenda, _ := json.Marshal(nonNil(m.Agenda))
		deps, _ := json.Marshal(nonNil(m.Departments))
		m.ID, m.CreatedAt = newID(), c.now
		var pub any
		if m.Published {
			m.PublishedAt, pub = c.now, c.now
		}
		actor := accounts.ActorFrom(ctx)
		if _, err := c.exec(ctx, `INSERT INTO meetings (id, title, held_at, place, street_id, agenda, departments, minutes,
			summary, published_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Title, m.HeldAt.UTC(), m.Place, nullStr(m.StreetID), string(agenda), string(deps), m.Minutes,
			m.Summary, pub, coordActorID(actor), c.now); err != nil {
			return err
		}
		seen := map[coordination.Party]bool{}
		for i, p := range m.Parties {
			if p.ID == "" && p.Kind == coordination.OwnerOrganization {
				// An organization typed by name on the form.
				if err := c.row(ctx, `SELECT id FROM organizations WHERE name = ?`, p.Name).Scan(&p.ID); errors.Is(err, sql.ErrNoRows) {
					return errs.Field("parties", "meeting.party_unknown", p.Name)
				} else if err != nil {
					return err
				}
				m.Parties[i].ID = p.ID
			}
			name, _, err := partyName(ctx, c, p.Kind, p.ID)
			if err != nil {
				return fieldErr("parties", err)
			}
			m.Parties[i].Name = name
			key := coordination.Party{Kind: p.Kind, ID: p.ID}
			if seen[key] {
				continue
			}
			seen[key] = true
			if _, err := c.exec(ctx, `INSERT INTO meeting_parties (meeting_id, kind, ref_id) VALUES (?, ?, ?)`,
				m.ID, p.Kind, p.ID); err != nil {
				return err
			}
		}
		m.Resolutions = nil
		for _, t := range texts {
			r, err := addResolution(ctx, c, m.ID, t)
			if err != nil {
				return err
			}
			m.Resolutions = append(m.Resolutions, r)
		}
		return record(ctx, c, "meeting.create", m.Resource(), map[string]any{"title": m.Title,
			"resolutions": len(texts), "published": m.Published})
	})
}

func coordActorID(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

func coordActorName(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.Name
}

// partyName resolves a street, community or organization (or a user, for
// an owner) to its name and street.
func partyName(ctx context.Context, c conn, kind coordination.OwnerKind, id string) (name, streetID string, err error) {
	var q string
	switch kind {
	case coordination.OwnerStreet:
		q = `SELECT name, id FROM streets WHERE id = ?`
	case coordination.OwnerCommunity:
		q = `SELECT name, street_id FROM communities WHERE id = ?`
	case coordination.OwnerOrganization:
		q = `SELECT name, street_id FROM organizations WHERE id = ?`
	case coordination.OwnerUser:
		q = `SELECT name, '' FROM users WHERE id = ? AND NOT disabled`
	default:
		return "", "", errs.E(errs.NotFound, "notfound."+string(kind))
	}
	err = c.row(ctx, q, id).Scan(&name, &streetID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.E(errs.NotFound, "notfound."+string(kind))
	}
	return name, streetID, err
}

func addResolution(ctx context.Context, c conn, meetingID, text string) (*coordination.Resolution, error) {
	r := &coordination.Resolution{ID: newID(), Text: text}
	if err := c.row(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_resolutions WHERE meeting_id = ?`, meetingID).
		Scan(&r.Seq); err != nil {
		return nil, err
	}
	_, err := c.exec(ctx, `INSERT INTO meeting_resolutions (id, meeting_id, seq, text, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, meetingID, r.Seq, r.Text, c.now)
	return r, err
}

// MeetingUpdate changes a meeting's record; nil fields stay.
type MeetingUpdate struct {
	Minutes   *string
	Summary   *string
	Published *bool
}

// UpdateMeeting writes the minutes or the public summary, or publishes or
// withdraws the summary (the meeting's coordinators).
func (s *Store) UpdateMeeting(ctx context.Context, id string, u MeetingUpdate) (*coordination.Meeting, error) {
	var m *coordination.Meeting
	err := s.tx(ctx, func(c conn) error {
		var err error
		if m, err = scanMeeting(c.row(ctx, meetingSelect+` WHERE m.id = ?`, id)); errors.Is(err, sql.ErrNoRows) {
			return notFound("meeting")
		} else if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, m.Resource()); err != nil {
			return err
		}
		data := map[string]any{}
		if u.Minutes != nil {
			m.Minutes, data["minutes"] = *u.Minutes, "changed"
		}
		if u.Summary != nil {
			m.Summary, data["summary"] = *u.Summary, "changed"
		}
		wasPublished := m.Published
		if u.Published != nil {
			m.Published, data["published"] = *u.Published, *u.Published
		}
		if err := errs.Merge(m.Validate(), m.CheckDate(c.now)); err != nil {
			return err
		}
		var pub any
		switch {
		case m.Published && wasPublished:
			pub = m.PublishedAt
		case m.Published:
			m.PublishedAt, pub = c.now, c.now
		default:
			m.PublishedAt = time.Time{}
		}
		if _, err := c.exec(ctx, `UPDATE meetings SET minutes = ?, summary = ?, published_at = ? WHERE id = ?`,
			m.Minutes, m.Summary, pub, m.ID); err != nil {
			return err
		}
		action := "meeting.update"
		if m.Published != wasPublished {
			action = map[bool]string{true: "meeting.publish", false: "meeting.unpublish"}[m.Published]
		}
		return record(ctx, c, action, m.Resource(), data)
	})
	return m, err
}

// AddResolution adds a resolution to a meeting (its coordinators).
func (s *Store) AddResolution(ctx context.Context, meetingID, text string) (*coordination.Resolution, error) {
	text, err := coordination.ValidateResolution(text)
	if err != nil {
		return nil, err
	}
	var r *coordination.Resolution
	err = s.tx(ctx, func(c conn) error {
		m, err := scanMeeting(c.row(ctx, meetingSelect+` WHERE m.id = ?`, meetingID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("meeting")
		} else if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, m.Resource()); err != nil {
			return err
		}
		if r, err = addResolution(ctx, c, m.ID, text); err != nil {
			return err
		}
		return record(ctx, c, "meeting.resolution", m.Resource(), map[string]any{"seq": r.Seq, "text": r.Text})
	})
	return r, err
}

// MeetingFilter selects meetings; zero fields do not filter.
type MeetingFilter struct {
	StreetID      string // convened by this street
	District      bool   // convened by the district
	PublishedOnly bool
	Year          int // held in this year (Beijing time)
}

// FindMeetings lists the meetings the actor may see, newest first: the
// published ones for everyone, and all those whose minutes the actor may
// read.
func (s *Store) FindMeetings(ctx context.Context, f MeetingFilter) ([]*coordination.Meeting, error) {
	q, args := meetingSelect+` WHERE 1 = 1`, []any{}
	if f.StreetID != "" {
		q += ` AND m.street_id = ?`
		args = append(args, f.StreetID)
	}
	if f.District {
		q += ` AND m.street_id IS NULL`
	}
	if f.PublishedOnly {
		q += ` AND m.published_at IS NOT NULL`
	}
	if f.Year > 0 {
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, meetingZone)
		q += ` AND m.held_at >= ? AND m.held_at < ?`
		args = append(args, from.UTC(), from.AddDate(1, 0, 0).UTC())
	}
	rows, err := s.read().query(ctx, q+` ORDER BY m.held_at DESC, m.id`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	actor := accounts.ActorFrom(ctx)
	var out []*coordination.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if !accounts.Allowed(actor, accounts.ViewPrivate, m.Resource()) {
			if !m.Published {
				continue
			}
			m.Minutes, m.Summary = "", coordination.MaskPhones(m.Summary)
		}
		out = append(out, m)
	}
	return out, s.translate(rows.Err())
}

// meetingZone is Beijing time, for calendar boundaries (fixed: China keeps no
// daylight saving time).
var meetingZone = time.FixedZone("CST", 8*3600)

// FindMeetingByID returns a meeting with its parties, resolutions and (for
// those who may read the minutes) its action items. An unpublished meeting
// is not found for the public; a published one shows them only its summary
// and resolutions.
func (s *Store) FindMeetingByID(ctx context.Context, id string) (*coordination.Meeting, error) {
	c := s.read()
	m, err := scanMeeting(c.row(ctx, meetingSelect+` WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("meeting")
	} else if err != nil {
		return nil, s.translate(err)
	}
	private := accounts.Allowed(accounts.ActorFrom(ctx), accounts.ViewPrivate, m.Resource())
	if !private && !m.Published {
		return nil, notFound("meeting")
	}
	if !private {
		m.Minutes, m.Summary = "", coordination.MaskPhones(m.Summary)
	}
	rows, err := c.query(ctx, `SELECT p.kind, p.ref_id, COALESCE(CASE p.kind
		WHEN 'street' THEN (SELECT name FROM streets WHERE id = p.ref_id)
		WHEN 'community' THEN (SELECT name FROM communities WHERE id = p.ref_id)
		WHEN 'organization' THEN (SELECT name FROM organizations WHERE id = p.ref_id) END, '')
		FROM meeting_parties p WHERE p.meeting_id = ?`, id)
	if err != nil {
		return nil, s.translate(err)
	}
	for rows.Next() {
		var p coordination.Party
		if err := rows.Scan(&p.Kind, &p.ID, &p.Name); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		m.Parties = append(m.Parties, p)
	}
	rows.Close()
	order := map[coordination.OwnerKind]int{coordination.OwnerStreet: 0, coordination.OwnerCommunity: 1, coordination.OwnerOrganization: 2}
	sort.SliceStable(m.Parties, func(i, j int) bool {
		if m.Parties[i].Kind != m.Parties[j].Kind {
			return order[m.Parties[i].Kind] < order[m.Parties[j].Kind]
		}
		return m.Parties[i].Name < m.Parties[j].Name
	})
	rows, err = c.query(ctx, `SELECT id, seq, text FROM meeting_resolutions WHERE meeting_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, s.translate(err)
	}
	for rows.Next() {
		r := &coordination.Resolution{}
		if err := rows.Scan(&r.ID, &r.Seq, &r.Text); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		if !private {
			r.Text = coordination.MaskPhones(r.Text)
		}
		m.Resolutions = append(m.Resolutions, r)
	}
	rows.Close()
	if private {
		if m.Actions, err = s.queryActions(ctx, c, ` WHERE a.meeting_id = ? ORDER BY a.due, a.id`, id); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Store) queryActions(ctx context.Context, c conn, where string, args ...any) ([]*coordination.Action, error) {
	rows, err := c.query(ctx, actionSelect+where, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*coordination.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, a)
	}
	return out, s.translate(rows.Err())
}

// AddAction hands an action item to an owner (the meeting's coordinators)
// and notifies the owner: the user, or the owning body's staff.
func (s *Store) AddAction(ctx context.Context, a *coordination.Action) error {
	a.Status = coordination.Open
	return s.tx(ctx, func(c conn) error {
		m, err := scanMeeting(c.row(ctx, meetingSelect+` WHERE m.id = ?`, a.MeetingID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("meeting")
		} else if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, m.Resource()); err != nil {
			return err
		}
		if err := errs.Merge(a.Validate(), a.CheckDue(m.HeldAt)); err != nil {
			return err
		}
		a.MeetingTitle, a.MeetingStreetID = m.Title, m.StreetID
		if a.ResolutionID != "" {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM meeting_resolutions WHERE id = ? AND meeting_id = ?`,
				a.ResolutionID, m.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fieldErrKey("resolution", "invalid.reference_resolution")
			}
		}
		if a.OwnerName, a.OwnerStreetID, err = partyName(ctx, c, a.OwnerKind, a.OwnerID); err != nil {
			if a.OwnerKind == coordination.OwnerUser {
				return errs.Field("owner", "invalid.reference_staff")
			}
			return fieldErr("owner", err)
		}
		if a.OwnerKind == coordination.OwnerUser {
			ok, err := staffMayOwn(ctx, c, m, a.OwnerID)
			if err != nil {
				return err
			}
			if !ok {
				// The same answer as for an unknown number: a meeting's
				// form never tells whether a phone belongs to a resident.
				return errs.Field("owner", "invalid.reference_staff")
			}
		} else if !m.MayOwn(a.OwnerKind, a.OwnerID, a.OwnerStreetID) {
			return errs.Field("owner", "item.owner_out_of_scope")
		}
		a.ID, a.CreatedAt, a.UpdatedAt = newID(), c.now, c.now
		if _, err := c.exec(ctx, `INSERT INTO meeting_actions (id, meeting_id, resolution_id, title, owner_kind, owner_id,
			owner_street_id, due, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)`,
			a.ID, a.MeetingID, nullStr(a.ResolutionID), a.Title, a.OwnerKind, a.OwnerID, nullStr(a.OwnerStreetID),
			a.Due.UTC(), a.Status, c.now, c.now); err != nil {
			return err
		}
		if err := addUpdate(ctx, c, a.ID, "", coordination.Open, ""); err != nil {
			return err
		}
		owners, err := actionOwners(ctx, c, a)
		if err != nil {
			return err
		}
		if err := notifyAt(ctx, c, owners, "/actions/"+a.ID, "action_assigned", a.Title, m.Title,
			a.Due.In(meetingZone).Format("2006-01-02")); err != nil {
			return err
		}
		return record(ctx, c, "action.create", m.Resource(), map[string]any{"action": a.ID, "title": a.Title,
			"owner_kind": a.OwnerKind, "owner": a.OwnerName, "due": a.Due.In(meetingZone).Format("2006-01-02")})
	})
}

// staffMayOwn reports whether a person may own an item of m: a staff
// member (never someone who is only a resident) whose role the meeting's
// reach covers (coordination.Meeting.MayOwn on the street, community or
// organization of the role; the district's coordinators and foundation
// staff anywhere).
func staffMayOwn(ctx context.Context, c conn, m *coordination.Meeting, userID string) (bool, error) {
	rows, err := c.query(ctx, `SELECT g.role, g.scope_id, COALESCE(st.id, cm.street_id, o.street_id, '')
		FROM grants g
		LEFT JOIN streets st ON g.role = 'street_staff' AND st.id = g.scope_id
		LEFT JOIN communities cm ON g.role = 'community_staff' AND cm.id = g.scope_id
		LEFT JOIN organizations o ON g.role IN ('org_admin', 'org_member') AND o.id = g.scope_id
		WHERE g.user_id = ?`, userID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	ok := false
	for rows.Next() {
		var role, scope, street string
		if err := rows.Scan(&role, &scope, &street); err != nil {
			return false, err
		}
		switch accounts.Role(role) {
		case accounts.PlatformAdmin, accounts.FoundationStaff:
			ok = true
		case accounts.StreetStaff:
			ok = ok || m.MayOwn(coordination.OwnerStreet, scope, street)
		case accounts.CommunityStaff:
			ok = ok || m.MayOwn(coordination.OwnerCommunity, scope, street)
		case accounts.OrgAdmin, accounts.OrgMember:
			ok = ok || m.MayOwn(coordination.OwnerOrganization, scope, street)
		}
	}
	return ok, rows.Err()
}

func addUpdate(ctx context.Context, c conn, actionID string, from, to coordination.Status, note string) error {
	actor := accounts.ActorFrom(ctx)
	_, err := c.exec(ctx, `INSERT INTO meeting_action_updates (id, action_id, at, actor_id, actor_name, from_status,
		to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID(), actionID, c.now, coordActorID(actor), coordActorName(actor),
		string(from), string(to), note)
	return err
}

// actionOwners lists the users who own an item: the user, or the staff of
// the owning street or community, or the organization's admins.
func actionOwners(ctx context.Context, c conn, a *coordination.Action) ([]string, error) {
	switch a.OwnerKind {
	case coordination.OwnerUser:
		return []string{a.OwnerID}, nil
	case coordination.OwnerStreet:
		return usersWithRole(ctx, c, accounts.StreetStaff, a.OwnerID)
	case coordination.OwnerCommunity:
		return usersWithRole(ctx, c, accounts.CommunityStaff, a.OwnerID)
	case coordination.OwnerOrganization:
		return usersWithRole(ctx, c, accounts.OrgAdmin, a.OwnerID)
	}
	return nil, nil
}

// whoOn says on which side of an item the actor stands: its coordinator
// (may update the meeting) first, else its owner; "" when neither.
func whoOn(actor *accounts.User, a *coordination.Action) coordination.Who {
	switch {
	case accounts.Allowed(actor, accounts.Update, a.MeetingResource()):
		return coordination.ByCoordinator
	case accounts.Allowed(actor, accounts.Update, a.Resource()):
		return coordination.ByOwner
	}
	return ""
}

// ActionSide reports on which side of an item the actor stands (for pages
// deciding which buttons to show): coordinator, owner or "".
func ActionSide(actor *accounts.User, a *coordination.Action) coordination.Who {
	return whoOn(actor, a)
}

// UpdateAction moves an item to status to (or keeps it, with a progress
// note) by its owner or its meeting's coordinators, as coordination's
// transition table allows; the history keeps every step.
func (s *Store) UpdateAction(ctx context.Context, id string, to coordination.Status, note string) (*coordination.Action, error) {
	note, err := coordination.ValidateNote(note)
	if err != nil {
		return nil, err
	}
	if !coordination.ValidStatus(to) {
		return nil, fieldErrKey("status", "item.status_invalid")
	}
	var a *coordination.Action
	err = s.tx(ctx, func(c conn) error {
		list, err := s.queryActions(ctx, c, ` WHERE a.id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return notFound("action")
		}
		a = list[0]
		actor := accounts.ActorFrom(ctx)
		who := whoOn(actor, a)
		if who == "" {
			if actor == nil {
				return errs.E(errs.Unauthorized, "auth.required")
			}
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		from := a.Status
		if !coordination.CanMove(from, to, who) {
			return errs.Field("status", "item.transition", string(from), string(to))
		}
		if from == to && note == "" {
			return fieldErrKey("note", "item.note_required")
		}
		a.Status, a.UpdatedAt = to, c.now
		if note != "" {
			a.Note = note
		}
		if _, err := c.exec(ctx, `UPDATE meeting_actions SET status = ?, note = ?, updated_at = ? WHERE id = ?`,
			a.Status, a.Note, c.now, a.ID); err != nil {
			return err
		}
		if err := addUpdate(ctx, c, a.ID, from, to, note); err != nil {
			return err
		}
		return record(ctx, c, "action.update", a.Resource(), map[string]any{"meeting": a.MeetingID,
			"from": from, "to": to, "note": note, "side": who})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FindActionByID returns an item with its history, to its owner, its
// meeting's coordinators and those who may read the meeting's minutes, and
// (read only) the staff of the street its owner lies in.
func (s *Store) FindActionByID(ctx context.Context, id string) (*coordination.Action, error) {
	c := s.read()
	list, err := s.queryActions(ctx, c, ` WHERE a.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound("action")
	}
	a := list[0]
	actor := accounts.ActorFrom(ctx)
	if !accounts.Allowed(actor, accounts.View, a.Resource()) && !supervises(actor, a) {
		if actor == nil {
			return nil, errs.E(errs.Unauthorized, "auth.required")
		}
		return nil, notFound("action")
	}
	rows, err := c.query(ctx, `SELECT id, action_id, at, actor_id, actor_name, from_status, to_status, note
		FROM meeting_action_updates WHERE action_id = ? ORDER BY at, id`, id)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		u := &coordination.Update{}
		if err := rows.Scan(&u.ID, &u.ActionID, &u.At, &u.ActorID, &u.ActorName, &u.From, &u.To, &u.Note); err != nil {
			return nil, s.translate(err)
		}
		u.At = u.At.UTC()
		a.Updates = append(a.Updates, u)
	}
	return a, s.translate(rows.Err())
}

// ActionFilter selects action items; zero fields do not filter.
type ActionFilter struct {
	// Mine keeps the items the actor owns (as the user, or as staff of the
	// owning street, community or organization); otherwise the items the
	// actor supervises (supervises: of the meetings whose minutes the actor
	// reads, or owned in the actor's street).
	Mine       bool
	MeetingID  string
	Status     coordination.Status
	LiveOnly   bool // open or in progress
	OverdueNow bool // live and past due at the store's clock
}

// FindActions lists action items by due date, as the filter and the
// actor's rights select them.
func (s *Store) FindActions(ctx context.Context, f ActionFilter) ([]*coordination.Action, error) {
	c := s.read()
	where, args := ` WHERE 1 = 1`, []any{}
	if f.MeetingID != "" {
		where += ` AND a.meeting_id = ?`
		args = append(args, f.MeetingID)
	}
	if f.Status != "" {
		where += ` AND a.status = ?`
		args = append(args, f.Status)
	}
	if f.LiveOnly || f.OverdueNow {
		where += ` AND a.status IN ('open', 'in_progress')`
	}
	all, err := s.queryActions(ctx, c, where+` ORDER BY a.due, a.id`, args...)
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(ctx)
	var out []*coordination.Action
	for _, a := range all {
		if f.OverdueNow && !a.Overdue(c.now) {
			continue
		}
		ok := false
		if f.Mine {
			ok = ownsAction(actor, a)
		} else {
			ok = supervises(actor, a)
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// supervises reports whether the actor oversees the item: it reads its
// meeting's minutes (the district's coordinators, the convening street's
// staff), or the item's owner lies in the actor's street. A street's items
// are those two together, as the dashboard's overdue count reads them
// (dashOthers).
func supervises(u *accounts.User, a *coordination.Action) bool {
	return accounts.Allowed(u, accounts.ViewPrivate, a.MeetingResource()) ||
		(a.OwnerStreetID != "" && accounts.Allowed(u, accounts.ViewPrivate, a.StreetResource()))
}

// ownsAction reports whether the actor is the item's owner: the user
// itself, or staff of the owning street, community or organization.
func ownsAction(u *accounts.User, a *coordination.Action) bool {
	if u == nil || u.Disabled {
		return false
	}
	res := a.Resource()
	switch a.OwnerKind {
	case coordination.OwnerUser:
		return u.ID == a.OwnerID
	case coordination.OwnerStreet:
		return u.Holds(accounts.StreetStaff, res)
	case coordination.OwnerCommunity:
		return u.Holds(accounts.CommunityStaff, res)
	case coordination.OwnerOrganization:
		return u.Holds(accounts.OrgAdmin, res) || u.Holds(accounts.OrgMember, res)
	}
	return false
}
