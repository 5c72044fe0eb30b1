package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	env := map[string]string{"HUITIAN_ADDR": ":9000", "HUITIAN_SESSION_IDLE": "30m", "HUITIAN_SECURE_COOKIES": "true"}
	c, err := Load(func(k string) string { return env[k] })
	if err != nil || c.Addr != ":9000" || c.SessionIdle != 30*time.Minute || !c.SecureCookies || c.SessionAbsolute != 7*24*time.Hour {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := Load(func(k string) string { return map[string]string{"HUITIAN_SESSION_IDLE": "soon"}[k] }); err == nil {
		t.Fatal("bad duration accepted")
	}
	if c.HeavyWork != 0 {
		t.Fatalf("heavy work defaults to 0 (half the cores): %d", c.HeavyWork)
	}
	if c, err := Load(func(k string) string { return map[string]string{"HUITIAN_HEAVY_WORK": "3"}[k] }); err != nil || c.HeavyWork != 3 {
		t.Fatalf("HUITIAN_HEAVY_WORK=3: %d %v", c.HeavyWork, err)
	}
	if _, err := Load(func(k string) string { return map[string]string{"HUITIAN_HEAVY_WORK": "-1"}[k] }); err == nil {
		t.Fatal("negative heavy work accepted")
	}
	if c.MatchPerMinute != 60 {
		t.Fatalf("the public match API defaults to 60 a minute: %d", c.MatchPerMinute)
	}
	if c, err := Load(func(k string) string { return map[string]string{"HUITIAN_MATCH_PER_MINUTE": "0"}[k] }); err != nil || c.MatchPerMinute != 0 {
		t.Fatalf("HUITIAN_MATCH_PER_MINUTE=0 (no limit): %d %v", c.MatchPerMinute, err)
	}
	if _, err := Load(func(k string) string { return map[string]string{"HUITIAN_MATCH_PER_MINUTE": "-5"}[k] }); err == nil {
		t.Fatal("a negative match rate accepted")
	}
}

// TestDeployEnvExample: every variable the operators' example environment
// file sets is one Load reads, and its values load without error.
func TestDeployEnvExample(t *testing.T) {
	b, err := os.ReadFile("../../deploy/huitian.env.example")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("not NAME=value: %q", line)
		}
		set[k] = v
	}
	read := map[string]bool{}
	if _, err := Load(func(k string) string { read[k] = true; return set[k] }); err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	for k := range set {
		if !read[k] {
			t.Errorf("%s is set in deploy/huitian.env.example but no setting reads it", k)
		}
	}
}

// TestSMSRelaySecret: a relay without a secret long enough does not load.
func TestSMSRelaySecret(t *testing.T) {
	env := map[string]string{"HUITIAN_SMS_RELAY_URL": "https://relay.local/send", "HUITIAN_SMS_RELAY_SECRET": "short"}
	if _, err := Load(func(k string) string { return env[k] }); err == nil {
		t.Fatal("a short relay secret loaded")
	}
	env["HUITIAN_SMS_RELAY_SECRET"] = "district-relay-secret-0001"
	c, err := Load(func(k string) string { return env[k] })
	if err != nil || c.SMSRelayURL != "https://relay.local/send" {
		t.Fatalf("%+v %v", c.SMSRelayURL, err)
	}
}
