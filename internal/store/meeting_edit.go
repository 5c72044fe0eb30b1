package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
)

// EditMeeting corrects a recorded meeting's title and agenda (the meeting's
// coordinators: its street's staff, or the district's for a district
// meeting). The audit entry keeps what they were and what they became: a
// meeting's record is public once published.
func (s *Store) EditMeeting(ctx context.Context, id, title string, agenda []string) (*coordination.Meeting, error) {
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
		oldTitle, oldAgenda := m.Title, m.Agenda
		m.Title, m.Agenda = title, agenda
		if err := m.Validate(); err != nil {
			return err
		}
		if m.Title == oldTitle && slices.Equal(m.Agenda, oldAgenda) {
			return nil
		}
		b, _ := json.Marshal(nonNil(m.Agenda))
		if _, err := c.exec(ctx, `UPDATE meetings SET title = ?, agenda = ? WHERE id = ?`, m.Title, string(b), m.ID); err != nil {
			return err
		}
		return record(ctx, c, "meeting.edit", m.Resource(), map[string]any{"title_from": oldTitle, "title": m.Title,
			"agenda_from": nonNil(oldAgenda), "agenda": nonNil(m.Agenda)})
	})
	return m, err
}
