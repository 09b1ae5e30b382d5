package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "DEV": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:8080" || c.BaseURL.String() != "http://127.0.0.1:8080" || c.Mail.TLS != "starttls" || c.Mail.Port != 587 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.Secure() {
		t.Error("http BASE_URL must not give Secure cookies")
	}
	if got := c.URL("/edit/abc"); got != "http://127.0.0.1:8080/edit/abc" {
		t.Errorf("URL = %q", got)
	}
	if c.MetricsAddr != "" || c.LogFormat != "text" {
		t.Errorf("metrics must be off and logs text by default: MetricsAddr %q, LogFormat %q", c.MetricsAddr, c.LogFormat)
	}
	if !c.MigrateOnStart || c.LinkTTL.Minutes() != 30 || c.PageCacheTTL.Seconds() != 1 {
		t.Errorf("MigrateOnStart %v, LinkTTL %v, PageCacheTTL %v", c.MigrateOnStart, c.LinkTTL, c.PageCacheTTL)
	}
}

func TestEveryProblemIsNamedAtOnce(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"BASE_URL":        "not a url",
		"MAIL_TLS":        "maybe",
		"MAIL_PORT":       "99999",
		"DEV":             "perhaps",
		"TRUSTED_PROXIES": "10.0.0.0/8,nonsense",
		"MAIL_SENDER":     "Evil\r\nBcc: x@example.org",
		"PAGE_CACHE_TTL":  "1h",
		"PPROF_ADDR":      "0.0.0.0:6060",
		"ORG_EMAIL":       "not an address",
		"APPROVE_MAIL":    "neither",
		"METRICS_ADDR":    "9090",
		"LOG_FORMAT":      "xml",
	}))
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{"DATABASE_URL", "BASE_URL", "MAIL_TLS", "MAIL_PORT", "DEV", "TRUSTED_PROXIES", "MAIL_SERVER",
		"MAIL_SENDER", "PAGE_CACHE_TTL", "PPROF_ADDR", "ORG_EMAIL", "APPROVE_MAIL", "METRICS_ADDR", "LOG_FORMAT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	// The problems come in the same order every time, not in a map's.
	for range 20 {
		_, again := FromEnv(env(map[string]string{"ORG_EMAIL": "not an address", "APPROVE_MAIL": "neither", "MAIL_SENDER": "x"}))
		_, first := FromEnv(env(map[string]string{"ORG_EMAIL": "not an address", "APPROVE_MAIL": "neither", "MAIL_SENDER": "x"}))
		if again.Error() != first.Error() {
			t.Fatalf("the problems came in another order:\n%v\n%v", first, again)
		}
	}
}

func TestMailServerRequiredOutsideDevelopment(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y"}))
	if err == nil || !strings.Contains(err.Error(), "MAIL_SERVER") {
		t.Fatalf("want MAIL_SERVER required in production, got %v", err)
	}
	// Commands that deliver no mail (migrate, import-legacy, …) run
	// without one; a wrong setting still stops them.
	if _, err := fromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y"}), false); err != nil {
		t.Fatalf("a command without mail needs %v", err)
	}
	if _, err := fromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "MAIL_TLS": "maybe"}), false); err == nil {
		t.Fatal("a command without mail accepted MAIL_TLS=maybe")
	}
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "MAIL_SERVER": "smtp.example.org",
		"BASE_URL": "https://m.example.org", "TRUSTED_PROXIES": "127.0.0.1/32, 10.0.0.0/8"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Secure() || len(c.TrustedProxies) != 2 {
		t.Fatalf("Secure %v, proxies %v", c.Secure(), c.TrustedProxies)
	}
}

// A deployment that still sets TU_MAIL_PATTERN starts, with a warning.
func TestTUMailPatternOnlyWarns(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "DEV": "true", "TU_MAIL_PATTERN": "^[a-z+$"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "TU_MAIL_PATTERN") {
		t.Errorf("warnings %q, want one naming TU_MAIL_PATTERN", c.Warnings)
	}
}
