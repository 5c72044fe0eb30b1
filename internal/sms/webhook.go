package sms

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Webhook hands each message to an SMS relay over HTTPS: the district's
// own small service that speaks its provider's API (Aliyun, Tencent Cloud,
// a carrier's gateway, each with its own templates and signatures), so
// Huitian binds to no provider. A message is one POST of JSON
//
//	{"phone":"13800000000","text":"【回天社区】您的验证码是 123456，5 分钟内有效"}
//
// with the headers X-Huitian-Timestamp (Unix seconds) and
// X-Huitian-Signature ("sha256=" and the hex HMAC-SHA256, keyed by the
// shared secret, of the timestamp, a dot and the body). The relay checks
// the signature and that the timestamp is recent, and answers 2xx once
// the provider accepted the message; any other answer is a failure (the
// outbox tries again later, a sign-in code asks the resident to retry).
type Webhook struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// MinSecret is the shortest shared secret a Webhook accepts.
const MinSecret = 16

// NewWebhook checks the relay's address and the secret.
func NewWebhook(rawURL, secret string) (*Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("sms relay URL %q: want an http(s) URL", rawURL)
	}
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("sms relay secret: want at least %d characters", MinSecret)
	}
	return &Webhook{url: rawURL, secret: []byte(secret), client: &http.Client{Timeout: 10 * time.Second}, now: time.Now}, nil
}

// Send posts one message to the relay. Errors never carry the phone or
// the text (they reach the logs).
func (w *Webhook) Send(ctx context.Context, phone, text string) error {
	body, err := json.Marshal(struct {
		Phone string `json:"phone"`
		Text  string `json:"text"`
	}{phone, text})
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-Huitian-Timestamp", ts)
	req.Header.Set("X-Huitian-Signature", Sign(w.secret, ts, body))
	res, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the operator's, but keep the message short
		}
		return fmt.Errorf("sms relay: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("sms relay answered %d", res.StatusCode)
	}
	return nil
}

// Sign is the X-Huitian-Signature of a body sent at timestamp ts: what a
// relay computes to check a message came from Huitian.
func Sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
