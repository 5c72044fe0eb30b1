package cli_test

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSMSRelay: `huitian serve` with HUITIAN_SMS_RELAY_URL posts a
// resident's sign-in code to the relay, signed; the code from the relay
// signs the resident in through the API.
func TestSMSRelay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a real process")
	}
	t.Parallel()
	const secret = "district-relay-secret-0001"
	var mu sync.Mutex
	var texts []string
	relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !hmac.Equal([]byte(r.Header.Get("X-Huitian-Signature")), []byte(sms.Sign([]byte(secret), r.Header.Get("X-Huitian-Timestamp"), body))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m struct{ Phone, Text string }
		if err := json.Unmarshal(body, &m); err != nil || m.Phone != "13912345678" {
			http.Error(w, "bad message", http.StatusBadRequest)
			return
		}
		mu.Lock()
		texts = append(texts, m.Text)
		mu.Unlock()
	}))
	defer relay.Close()
	bin := huitianBinary(t)
	_, dsn := storetest.OpenDSN(t, store.SQLite)
	var logs syncBuffer
	n := startNode(t, bin, dsn, &logs, "HUITIAN_SMS_RELAY_URL="+relay.URL+"/send", "HUITIAN_SMS_RELAY_SECRET="+secret)
	defer n.kill()
	post := func(path, body string) (int, string) {
		res, err := http.Post(n.url+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := post("/api/v1/auth/code", `{"phone":"13912345678"}`); code != http.StatusAccepted {
		t.Fatalf("code: %d %s", code, body)
	}
	var code string
	for deadline := time.Now().Add(10 * time.Second); code == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		if len(texts) > 0 {
			code = regexp.MustCompile(`\d{6}`).FindString(texts[0])
		}
		mu.Unlock()
	}
	if code == "" {
		t.Fatalf("the relay got no code: %v\n%s", texts, logs.String())
	}
	status, body := post("/api/v1/auth/verify", `{"phone":"13912345678","code":"`+code+`","client":"app"}`)
	if status != http.StatusOK || !strings.Contains(body, `"token":"ht_`) {
		t.Fatalf("verify with the relayed code: %d %s", status, body)
	}
	if strings.Contains(logs.String(), "13912345678") || strings.Contains(logs.String(), code) {
		t.Fatal("the phone or the code reached the log")
	}
}
