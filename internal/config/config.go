// Package config is the server's configuration: a value built by Load from
// defaults and HUITIAN_* environment variables, then overridden by flags in
// cli, and passed down. No package reads the environment on its own.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/procurement"
)

// Config is everything the server needs to know at start.
type Config struct {
	Addr            string        // HUITIAN_ADDR, listen address
	Database        string        // HUITIAN_DATABASE, SQLite path or postgres:// URL
	SecureCookies   bool          // HUITIAN_SECURE_COOKIES, set when served over TLS (behind a proxy)
	SessionIdle     time.Duration // HUITIAN_SESSION_IDLE
	SessionAbsolute time.Duration // HUITIAN_SESSION_ABSOLUTE
	CodeTTL         time.Duration // HUITIAN_CODE_TTL, one-time SMS code lifetime
	// SessionRemember is how long a resident stays signed in on their own
	// phone ("this is my phone"): idle and absolute limit both.
	SessionRemember time.Duration // HUITIAN_SESSION_REMEMBER
	// APITokenIdle: an API token (the resident app's sign-in, an
	// integration's `huitian token create`) unused this long stops working.
	APITokenIdle   time.Duration // HUITIAN_API_TOKEN_IDLE
	MaxBodyBytes   int64         // HUITIAN_MAX_BODY_BYTES, request body bound
	ImportMaxBytes int64         // HUITIAN_IMPORT_MAX_BYTES, upload bound for imports
	LogLevel       string        // HUITIAN_LOG_LEVEL: debug, info, warn, error
	// SMSRelayURL is the district's SMS relay (sms.Webhook): every text
	// message is POSTed there, signed with SMSRelaySecret. Empty: no SMS
	// leaves the server (development, or HUITIAN_DEV_INBOX).
	SMSRelayURL    string // HUITIAN_SMS_RELAY_URL
	SMSRelaySecret string // HUITIAN_SMS_RELAY_SECRET, at least 16 characters
	// DevInbox shows one-time codes on /dev/inbox instead of sending SMS.
	// Only the demo turns it on; production wires a real sender.
	DevInbox bool // HUITIAN_DEV_INBOX
	// TrustProxy takes the client address from X-Forwarded-For (rate limits).
	TrustProxy bool // HUITIAN_TRUST_PROXY
	// DirectThresholdYuan: needs below this budget may be commissioned
	// directly (with a written justification).
	DirectThresholdYuan int64 // HUITIAN_DIRECT_THRESHOLD_YUAN
	// ObjectionDays is the objection period after an award.
	ObjectionDays int // HUITIAN_OBJECTION_DAYS
	// BaseURL is the public address of the site (https://huitian.example.cn),
	// used in open-data links; empty means http:// + Addr.
	BaseURL string // HUITIAN_BASE_URL
	// OCDSPrefix starts every open-contracting id; a real publication
	// registers its own (ocds-xxxxxx) with the Open Contracting Partnership.
	OCDSPrefix string // HUITIAN_OCDS_PREFIX
	// Publisher names who publishes the open data.
	Publisher string // HUITIAN_PUBLISHER
	// Replicas are PostgreSQL hot standbys (comma-separated URLs) that serve
	// visitors' pages, index rebuilds and open-data exports while their
	// replay lag stays under ReplicaMaxLag.
	Replicas      []string      // HUITIAN_DATABASE_REPLICAS
	ReplicaMaxLag time.Duration // HUITIAN_REPLICA_MAX_LAG
	// HeavyWork is how many heavy calls one process runs at once: password
	// hashes (staff sign-ins, password changes) and ranked matching (the
	// directory's search, a need's recommendations, the match API). More
	// wait in line, and a burst beyond it is asked to try again, so pages
	// keep a core. 0: half the cores, at least 1.
	HeavyWork int // HUITIAN_HEAVY_WORK
	// VisitorCache is how long a public page made for a visitor without a
	// session (need board, need page, home, directory, organization page) is served
	// again to other visitors, unless a change is committed first; 0 (or
	// "off") makes every visit its own.
	VisitorCache time.Duration // HUITIAN_VISITOR_CACHE
	// MatchPerMinute is how many calls of the public match API
	// (/api/v1/match/…) one client address may make a minute, over all
	// nodes: plenty for a person typing, little for a scraper. 0 lifts the
	// limit (an evaluation, or a gate of the operator's own in front).
	MatchPerMinute int // HUITIAN_MATCH_PER_MINUTE
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		ReplicaMaxLag:   5 * time.Second,
		SessionIdle:     2 * time.Hour,
		SessionAbsolute: 7 * 24 * time.Hour,
		CodeTTL:         5 * time.Minute,
		SessionRemember: 30 * 24 * time.Hour,
		APITokenIdle:    90 * 24 * time.Hour,
		MaxBodyBytes:    1 << 20,
		ImportMaxBytes:  20 << 20,
		LogLevel:        "info",
		VisitorCache:    time.Second,
		MatchPerMinute:  60,

		DirectThresholdYuan: 50_000,
		ObjectionDays:       5,
		OCDSPrefix:          "ocds-huitian",
		Publisher:           "回天地区社会组织综合党委",
	}
}

// Load returns the defaults overridden by HUITIAN_* variables from getenv.
func Load(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Default()
	var err error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	boolean := func(name string, dst *bool) {
		if v := getenv(name); v != "" && err == nil {
			b, e := strconv.ParseBool(v)
			if e != nil {
				err = fmt.Errorf("%s=%q: want true or false", name, v)
			}
			*dst = b
		}
	}
	duration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" && err == nil {
			d, e := time.ParseDuration(v)
			if e != nil || d <= 0 {
				err = fmt.Errorf("%s=%q: want a duration such as 30m or 2h", name, v)
			}
			*dst = d
		}
	}
	size := func(name string, dst *int64) {
		if v := getenv(name); v != "" && err == nil {
			n, e := strconv.ParseInt(v, 10, 64)
			if e != nil || n <= 0 {
				err = fmt.Errorf("%s=%q: want a positive number of bytes", name, v)
			}
			*dst = n
		}
	}
	integer := func(name string, dst *int64, min, max int64) {
		if v := getenv(name); v != "" && err == nil {
			n, e := strconv.ParseInt(v, 10, 64)
			if e != nil || n < min || n > max {
				err = fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, min, max)
			}
			*dst = n
		}
	}
	objection := int64(c.ObjectionDays)
	integer("HUITIAN_DIRECT_THRESHOLD_YUAN", &c.DirectThresholdYuan, 0, 10_000_000)
	integer("HUITIAN_OBJECTION_DAYS", &objection, 0, 30)
	c.ObjectionDays = int(objection)
	heavyWork := int64(c.HeavyWork)
	integer("HUITIAN_HEAVY_WORK", &heavyWork, 0, 256)
	c.HeavyWork = int(heavyWork)
	matchRate := int64(c.MatchPerMinute)
	integer("HUITIAN_MATCH_PER_MINUTE", &matchRate, 0, 1_000_000)
	c.MatchPerMinute = int(matchRate)
	str("HUITIAN_ADDR", &c.Addr)
	str("HUITIAN_BASE_URL", &c.BaseURL)
	str("HUITIAN_OCDS_PREFIX", &c.OCDSPrefix)
	str("HUITIAN_PUBLISHER", &c.Publisher)
	str("HUITIAN_SMS_RELAY_URL", &c.SMSRelayURL)
	str("HUITIAN_SMS_RELAY_SECRET", &c.SMSRelaySecret)
	if c.SMSRelayURL != "" && len(c.SMSRelaySecret) < 16 && err == nil {
		err = fmt.Errorf("HUITIAN_SMS_RELAY_URL is set: HUITIAN_SMS_RELAY_SECRET needs at least 16 characters")
	}
	str("HUITIAN_DATABASE", &c.Database)
	if v := getenv("HUITIAN_DATABASE_REPLICAS"); v != "" {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				c.Replicas = append(c.Replicas, u)
			}
		}
	}
	duration("HUITIAN_REPLICA_MAX_LAG", &c.ReplicaMaxLag)
	if v := getenv("HUITIAN_VISITOR_CACHE"); v == "0" || v == "off" {
		c.VisitorCache = 0
	} else {
		duration("HUITIAN_VISITOR_CACHE", &c.VisitorCache)
	}
	str("HUITIAN_LOG_LEVEL", &c.LogLevel)
	boolean("HUITIAN_SECURE_COOKIES", &c.SecureCookies)
	boolean("HUITIAN_DEV_INBOX", &c.DevInbox)
	boolean("HUITIAN_TRUST_PROXY", &c.TrustProxy)
	duration("HUITIAN_SESSION_IDLE", &c.SessionIdle)
	duration("HUITIAN_SESSION_ABSOLUTE", &c.SessionAbsolute)
	duration("HUITIAN_CODE_TTL", &c.CodeTTL)
	duration("HUITIAN_SESSION_REMEMBER", &c.SessionRemember)
	duration("HUITIAN_API_TOKEN_IDLE", &c.APITokenIdle)
	size("HUITIAN_MAX_BODY_BYTES", &c.MaxBodyBytes)
	size("HUITIAN_IMPORT_MAX_BYTES", &c.ImportMaxBytes)
	return c, err
}

// Rules returns the procurement rules this configuration sets.
func (c Config) Rules() procurement.Rules {
	r := procurement.DefaultRules()
	r.DirectThresholdFen = c.DirectThresholdYuan * 100
	r.ObjectionDays = c.ObjectionDays
	return r
}

// PublicURL is BaseURL, or the listen address when none is set.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}
