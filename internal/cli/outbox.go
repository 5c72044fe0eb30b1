package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
)

// drainOutbox sends queued text messages through sender every interval,
// until ctx ends. A message is rendered in Chinese from its notification
// kind; failures are retried on later rounds, up to store.MaxOutboxAttempts.
func drainOutbox(ctx context.Context, s *store.Store, sender sms.Sender, cat *i18n.Catalog, log *slog.Logger, every time.Duration, m *nodeMetrics) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, err := sendPending(ctx, s, sender, cat, log)
		m.ran("outbox", err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendPending sends one batch and returns how many went out, and the
// error of reading or marking the outbox (a failed send is retried later).
func sendPending(ctx context.Context, s *store.Store, sender sms.Sender, cat *i18n.Catalog, log *slog.Logger) (int, error) {
	msgs, err := s.PendingOutbox(ctx, "sms", 100)
	if err != nil {
		log.Error("outbox", "err", err)
		return 0, err
	}
	sent := 0
	var markErr error
	for _, m := range msgs {
		key := "notification." + m.Kind
		if !cat.Has(key) {
			key = "notification.unknown"
		}
		text := "【回天社区】" + cat.Sentence(i18n.ZH, key, m.Args)
		err := sender.Send(ctx, m.Phone, text)
		if err != nil {
			// The message id only: never the phone or the text.
			log.Warn("outbox send failed", "message", m.ID, "attempt", m.Attempts+1, "err", err)
		}
		if ok, merr := s.MarkOutbox(ctx, m.ID, err == nil); merr != nil {
			log.Error("outbox mark", "message", m.ID, "err", merr)
			markErr = merr
		} else if ok {
			sent++
		}
	}
	return sent, markErr
}
