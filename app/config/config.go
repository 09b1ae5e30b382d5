// Package config reads memberdb's configuration from the environment (and an
// optional .env file) once at start-up and validates it as a whole.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Config is everything memberdb reads from its environment.
type Config struct {
	DatabaseURL    string
	BaseURL        *url.URL
	ListenAddr     string
	Dev            bool
	MigrateOnStart bool

	// The association, shown in the footer and in every mail.
	OrgName      string
	OrgEmail     string
	OrgWebsite   string
	OrgSignature string
	// OrgAddress is the postal address, one line per line; the legal
	// pages show it until their texts are written.
	OrgAddress string

	Mail Mail

	// TrustedProxies may set X-Forwarded-For.
	TrustedProxies []*net.IPNet
	// CORSOrigins may read the event JSON cross-origin; without
	// CORS_ORIGINS (CORSOriginsSet false) the website set in the browser
	// may too.
	CORSOrigins    []string
	CORSOriginsSet bool

	// ApproveMail receives new membership applications.
	ApproveMail string
	// ApproveMailSet: APPROVE_MAIL was given. Else the board's mails go
	// to the contact address, which the browser settings may change.
	ApproveMailSet bool
	// Warnings name settings that are set but no longer used; the
	// commands log them.
	Warnings []string
	// LinkTTL is how long a mailed link for editing one's data stays valid.
	LinkTTL time.Duration
	// PageCacheTTL is how long anonymous visitors may be served a public
	// page rendered for someone else (web.PageCache); 0 turns it off.
	PageCacheTTL time.Duration
	// PprofAddr, when set, serves Go's profiler there (loopback only).
	PprofAddr string
	// Retain is how long personal data is kept before the purge.
	Retain Retention
	// MetricsAddr, when set, serves Prometheus metrics at /metrics there.
	MetricsAddr string
	// LogFormat is text (the default) or json.
	LogFormat string
	// SEPA is what fee collection by direct debit needs.
	SEPA SEPA
}

// Mail holds the SMTP settings of the mail worker.
type Mail struct {
	Server   string
	Port     int
	Username string
	Password string
	Sender   string
	// SenderSet: MAIL_SENDER was given. Without it mails go from the
	// association as set in the browser (its name and contact address).
	SenderSet bool
	TLS       string // starttls | tls | none
}

// Secure reports whether cookies must be marked Secure.
func (c *Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// URL returns the absolute external URL of path, for links in mails.
func (c *Config) URL(path string) string {
	return strings.TrimRight(c.BaseURL.String(), "/") + path
}

// Load reads the environment, after loading envFile if it exists, and returns
// every problem at once so an operator can fix them in one go.
func Load(envFile string) (*Config, error) {
	if err := LoadDotEnv(envFile); err != nil {
		return nil, err
	}
	return FromEnv(os.Getenv)
}

// LoadWithoutSMTP is Load for the commands that deliver no mail
// (migrations, the import, roles, users, backups, purges, fee runs): they
// need no MAIL_SERVER; what they queue goes out from serve or mail-worker.
func LoadWithoutSMTP(envFile string) (*Config, error) {
	if err := LoadDotEnv(envFile); err != nil {
		return nil, err
	}
	return fromEnv(os.Getenv, false)
}

// FromEnv builds a Config from a lookup function, so tests need not touch the
// DefaultOrgName is the association's name when ORG_NAME is not set.
const DefaultOrgName = "PeP et al. e.V."

// process environment.
func FromEnv(getenv func(string) string) (*Config, error) { return fromEnv(getenv, true) }

func fromEnv(getenv func(string) string, delivers bool) (*Config, error) {
	var problems []string
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	boolean := func(key string, def bool) bool {
		v := get(key, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s=%q is not true or false", key, v))
		}
		return b
	}

	c := &Config{
		DatabaseURL:    get("DATABASE_URL", ""),
		ListenAddr:     get("LISTEN_ADDR", "127.0.0.1:8080"),
		Dev:            boolean("DEV", false),
		MigrateOnStart: boolean("MIGRATE_ON_START", true),
		OrgName:        get("ORG_NAME", DefaultOrgName),
		OrgEmail:       get("ORG_EMAIL", "vorstand@pep-dortmund.org"),
		OrgWebsite:     get("ORG_WEBSITE", "https://pep-dortmund.org"),
		ApproveMail:    get("APPROVE_MAIL", ""),
		Mail: Mail{
			Server:   get("MAIL_SERVER", ""),
			Username: get("MAIL_USERNAME", ""),
			Password: getenv("MAIL_PASSWORD"),
			Sender:   get("MAIL_SENDER", ""),
			TLS:      strings.ToLower(get("MAIL_TLS", "starttls")),
		},
	}
	c.OrgSignature = get("ORG_SIGNATURE", c.OrgName)
	// An environment variable holds one line: "\n" separates the
	// address's lines.
	c.OrgAddress = strings.TrimSpace(strings.ReplaceAll(get("ORG_ADDRESS", ""), `\n`, "\n"))
	c.ApproveMailSet = c.ApproveMail != ""
	if c.ApproveMail == "" {
		c.ApproveMail = c.OrgEmail
	}
	c.Mail.SenderSet = c.Mail.Sender != ""
	if c.Mail.Sender == "" {
		c.Mail.Sender = fmt.Sprintf("%s <%s>", c.OrgName, c.OrgEmail)
	}

	if c.DatabaseURL == "" {
		problems = append(problems, "DATABASE_URL is required (make run starts a private database when it is unset)")
	}
	base, err := url.Parse(get("BASE_URL", "http://127.0.0.1:8080"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		problems = append(problems, "BASE_URL must be an absolute http(s) URL, e.g. https://members.example.org")
	}
	c.BaseURL = base
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		problems = append(problems, fmt.Sprintf("LISTEN_ADDR=%q is not host:port", c.ListenAddr))
	}
	port, err := strconv.Atoi(get("MAIL_PORT", "587"))
	if err != nil || port < 1 || port > 65535 {
		problems = append(problems, "MAIL_PORT must be a port number")
	}
	c.Mail.Port = port
	switch c.Mail.TLS {
	case "starttls", "tls", "none":
	default:
		problems = append(problems, fmt.Sprintf("MAIL_TLS=%q must be starttls, tls or none", c.Mail.TLS))
	}
	// Each event has its own allowed-addresses pattern now; an old
	// deployment's setting must not stop it from starting.
	if get("TU_MAIL_PATTERN", "") != "" {
		c.Warnings = append(c.Warnings, "TU_MAIL_PATTERN is no longer used: each event has its own allowed addresses (admin event form)")
	}
	if delivers && !c.Dev && c.Mail.Server == "" {
		problems = append(problems, "MAIL_SERVER is required outside development mode (DEV=true keeps mail in the dev mailbox)")
	}
	for key, addr := range map[string]string{"MAIL_SENDER": c.Mail.Sender, "ORG_EMAIL": c.OrgEmail, "APPROVE_MAIL": c.ApproveMail} {
		if _, err := mail.ParseAddress(addr); err != nil {
			problems = append(problems, fmt.Sprintf("%s=%q is not a mail address", key, addr))
		}
	}
	for _, cidr := range splitList(get("TRUSTED_PROXIES", "")) {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			problems = append(problems, fmt.Sprintf("TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8", cidr))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	c.CORSOrigins = splitList(get("CORS_ORIGINS", c.OrgWebsite))
	c.CORSOriginsSet = get("CORS_ORIGINS", "") != ""
	ttl, err := time.ParseDuration(get("LINK_TTL", "30m"))
	if err != nil || ttl <= 0 {
		problems = append(problems, "LINK_TTL must be a duration such as 30m")
	}
	c.LinkTTL = ttl
	cacheTTL, err := time.ParseDuration(get("PAGE_CACHE_TTL", "1s"))
	if err != nil || cacheTTL < 0 || cacheTTL > time.Minute {
		problems = append(problems, "PAGE_CACHE_TTL must be a duration from 0s (off) to 1m, such as 1s")
	}
	c.PageCacheTTL = cacheTTL
	if c.PprofAddr = get("PPROF_ADDR", ""); c.PprofAddr != "" && !loopback(c.PprofAddr) {
		problems = append(problems, fmt.Sprintf("PPROF_ADDR=%q must be a loopback host:port such as 127.0.0.1:6060: the profiler is not for the network", c.PprofAddr))
	}

	c.Retain = readRetention(get, &problems)
	if c.MetricsAddr = get("METRICS_ADDR", ""); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			problems = append(problems, fmt.Sprintf("METRICS_ADDR=%q is not host:port, such as 127.0.0.1:9090", c.MetricsAddr))
		}
	}
	switch c.LogFormat = strings.ToLower(get("LOG_FORMAT", "text")); c.LogFormat {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("LOG_FORMAT=%q must be text or json", c.LogFormat))
	}
	c.SEPA = readSEPA(get, &problems)

	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("configuration is invalid:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return c, nil
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// LoadDotEnv reads envFile into the environment if it exists; variables
// already set win.
func LoadDotEnv(envFile string) error {
	if err := godotenv.Load(envFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("config: reading %s: %w", envFile, err)
	}
	return nil
}
