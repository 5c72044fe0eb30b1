package config

import (
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
}
