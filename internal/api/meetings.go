package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// meetingJSON is a joint meeting (联席会) as the caller may see it: minutes
// only for those who may read them ("" otherwise).
type meetingJSON struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	HeldAt       string           `json:"held_at"`
	Place        string           `json:"place"`
	StreetID     string           `json:"street_id"`
	StreetName   string           `json:"street_name"`
	Agenda       []string         `json:"agenda"`
	Departments  []string         `json:"departments"`
	Summary      string           `json:"summary"`
	Minutes      string           `json:"minutes"`
	Published    bool             `json:"published"`
	PublishedAt  *string          `json:"published_at"`
	Resolutions  []resolutionJSON `json:"resolutions"`
	ActionsCount int              `json:"actions_count"`
}

type meetingList struct {
	Items []meetingJSON `json:"items"`
	Total int           `json:"total"`
}

type resolutionJSON struct {
	ID   string `json:"id"`
	Seq  int    `json:"seq"`
	Text string `json:"text"`
}

// actionJSON is an action item (督办事项).
type actionJSON struct {
	ID           string `json:"id"`
	MeetingID    string `json:"meeting_id"`
	MeetingTitle string `json:"meeting_title"`
	ResolutionID string `json:"resolution_id"`
	Title        string `json:"title"`
	OwnerKind    string `json:"owner_kind"`
	OwnerID      string `json:"owner_id"`
	OwnerName    string `json:"owner_name"`
	Due          string `json:"due"`
	Status       string `json:"status"`
	Note         string `json:"note"`
	Overdue      bool   `json:"overdue"`
	UpdatedAt    string `json:"updated_at"`
}

// actionIn is a new action item.
type actionIn struct {
	Title        string `json:"title"`
	OwnerKind    string `json:"owner_kind"`
	OwnerID      string `json:"owner_id"`
	Due          string `json:"due"`
	ResolutionID string `json:"resolution_id"`
}

// actionPatch moves an item or reports progress; an empty status keeps it.
type actionPatch struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (a *API) actionOut(x *coordination.Action) actionJSON {
	return actionJSON{ID: x.ID, MeetingID: x.MeetingID, MeetingTitle: x.MeetingTitle, ResolutionID: x.ResolutionID,
		Title: x.Title, OwnerKind: string(x.OwnerKind), OwnerID: x.OwnerID, OwnerName: x.OwnerName,
		Due: x.Due.In(beijing).Format(time.DateOnly), Status: string(x.Status), Note: x.Note,
		Overdue: x.Overdue(a.store.Now()), UpdatedAt: rfc3339(x.UpdatedAt)}
}

// listMeetings: GET /api/v1/meetings: the published meetings for everyone,
// and the internal ones the caller coordinates or audits; newest first.
// With include=resolutions each carries its resolutions.
func (a *API) listMeetings(w http.ResponseWriter, r *http.Request) error {
	p := readParams(r.URL, "year", "include")
	year := p.int("year", 0, 2000, 2100, "api.year_range")
	include := p.str("include")
	if include != "" && include != "resolutions" {
		p.l.Add("include", "api.include_invalid")
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	ms, err := a.store.FindMeetings(r.Context(), store.MeetingFilter{Year: year})
	if err != nil {
		return err
	}
	out := meetingList{Items: []meetingJSON{}, Total: len(ms)}
	for _, m := range ms {
		j := meetingJSON{ID: m.ID, Title: m.Title, HeldAt: rfc3339(m.HeldAt), Place: m.Place, StreetID: m.StreetID,
			StreetName: m.StreetName, Agenda: nonNilStrings(m.Agenda), Departments: nonNilStrings(m.Departments),
			Summary: m.Summary, Minutes: m.Minutes, Published: m.Published, Resolutions: []resolutionJSON{}}
		if m.Published {
			s := rfc3339(m.PublishedAt)
			j.PublishedAt = &s
		}
		if include == "resolutions" {
			full, err := a.store.FindMeetingByID(r.Context(), m.ID)
			if err != nil {
				return err
			}
			for _, res := range full.Resolutions {
				j.Resolutions = append(j.Resolutions, resolutionJSON{ID: res.ID, Seq: res.Seq, Text: res.Text})
			}
			j.ActionsCount = len(full.Actions)
		}
		out.Items = append(out.Items, j)
	}
	return writeJSON(w, http.StatusOK, out)
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// createMeetingAction: POST /api/v1/meetings/{id}/actions (the meeting's
// coordinators): hand an item to an owner, who is notified.
func (a *API) createMeetingAction(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "meeting")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	var in actionIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	x := &coordination.Action{MeetingID: id, Title: in.Title, OwnerKind: coordination.OwnerKind(in.OwnerKind),
		OwnerID: strings.TrimSpace(in.OwnerID), ResolutionID: strings.TrimSpace(in.ResolutionID)}
	// A due date that is not one goes to the store as none, refused there
	// once it has checked who may add actions to this meeting.
	var perr error
	if due := strings.TrimSpace(in.Due); due != "" {
		if x.Due, err = time.ParseInLocation(time.DateOnly, due, beijing); err != nil {
			x.Due, perr = time.Time{}, errs.Field("due", "date.invalid")
		}
	}
	if err := errs.Unparsed(a.store.AddAction(r.Context(), x), perr); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a.actionOut(x))
}

// updateAction: PATCH /api/v1/actions/{id} (the owner or the meeting's
// coordinators): a status change as the transition table allows, or a
// progress note.
func (a *API) updateAction(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "action")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	var in actionPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	to := coordination.Status(strings.TrimSpace(in.Status))
	if to == "" {
		cur, err := a.store.FindActionByID(r.Context(), id)
		if err != nil {
			return err
		}
		to = cur.Status
	}
	x, err := a.store.UpdateAction(r.Context(), id, to, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.actionOut(x))
}
