// Package sms sends text messages (one-time sign-in codes, later
// notifications) through a Sender. Production plugs in a gateway; the demo
// and development use Inbox, which keeps messages in memory for a local
// developer page and never logs them.
package sms

import (
	"context"
	"sync"
	"time"
)

// Sender delivers one text message to one mobile phone.
type Sender interface {
	Send(ctx context.Context, phone, text string) error
}

// Message is one message kept by Inbox.
type Message struct {
	Phone string
	Text  string
	At    time.Time
}

// Inbox is the development Sender: it keeps the latest messages in memory.
type Inbox struct {
	mu   sync.Mutex
	max  int
	msgs []Message
}

// NewInbox keeps at most max messages.
func NewInbox(max int) *Inbox { return &Inbox{max: max} }

// Send stores the message.
func (b *Inbox) Send(_ context.Context, phone, text string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, Message{Phone: phone, Text: text, At: time.Now().UTC()})
	if len(b.msgs) > b.max {
		b.msgs = b.msgs[len(b.msgs)-b.max:]
	}
	return nil
}

// Messages returns the kept messages, newest first.
func (b *Inbox) Messages() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Message, len(b.msgs))
	for i, m := range b.msgs {
		out[len(b.msgs)-1-i] = m
	}
	return out
}

// Last returns the newest message to phone ("" when none), for tests.
func (b *Inbox) Last(phone string) string {
	for _, m := range b.Messages() {
		if m.Phone == phone {
			return m.Text
		}
	}
	return ""
}
