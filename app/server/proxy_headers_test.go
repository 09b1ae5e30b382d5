package server_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/web"
)

// deployFile reads a file of deploy/, which the README shows.
func deployFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The README shows the deployment files as they are, so that what is
// tested here is what operators copy.
func TestREADMEShowsTheDeploymentFiles(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"memberdb.service", "Caddyfile", "nginx.conf", "memberdb.cron"} {
		if !strings.Contains(string(readme), deployFile(t, name)) {
			t.Errorf("README.md does not show deploy/%s as it is", name)
		}
	}
	if !strings.Contains(string(readme), "TRUSTED_PROXIES=127.0.0.1/32") {
		t.Error("README.md does not set TRUSTED_PROXIES to the proxies' address")
	}
}

// proxied is the request memberdb gets from a proxy on 127.0.0.1 for a
// client at clientAddr that sent the X-Forwarded-For spoofed (if any).
type proxied func(clientAddr, spoofed string) *http.Request

// nginxProxy applies the proxy_set_header lines of deploy/nginx.conf.
func nginxProxy(t *testing.T) proxied {
	t.Helper()
	conf := deployFile(t, "nginx.conf")
	set := regexp.MustCompile(`(?m)^\s*proxy_set_header\s+(\S+)\s+(\S+);`).FindAllStringSubmatch(conf, -1)
	if len(set) == 0 {
		t.Fatal("deploy/nginx.conf sets no headers")
	}
	return func(clientAddr, spoofed string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "127.0.0.1:41000"
		for _, h := range set {
			name, value := h[1], h[2]
			switch value {
			case "$proxy_add_x_forwarded_for":
				value = clientAddr
				if spoofed != "" {
					value = spoofed + ", " + clientAddr
				}
			case "$remote_addr":
				value = clientAddr
			case "$scheme":
				value = "https"
			case "$host":
				value = "members.example.org"
			default:
				if strings.HasPrefix(value, "$") {
					t.Fatalf("deploy/nginx.conf sets %s to %s, which this test does not know", name, value)
				}
			}
			r.Header.Set(name, value)
		}
		return r
	}
}

// caddyProxy is Caddy's reverse_proxy: it replaces X-Forwarded-For with
// the client's address (clients are not trusted proxies of Caddy's), as
// long as the Caddyfile does not set the header itself.
func caddyProxy(t *testing.T) proxied {
	t.Helper()
	conf := deployFile(t, "Caddyfile")
	if strings.Contains(conf, "header_up") || strings.Contains(conf, "trusted_proxies") {
		t.Fatal("deploy/Caddyfile changes the forwarded headers; this test assumes Caddy's own")
	}
	return func(clientAddr, _ string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "127.0.0.1:41000"
		r.Header.Set("X-Forwarded-For", clientAddr)
		r.Header.Set("X-Forwarded-Proto", "https")
		return r
	}
}

// Behind either example proxy, with TRUSTED_PROXIES as the README sets
// it, memberdb counts the client's real address, whatever the client
// wrote into X-Forwarded-For; a client reaching memberdb directly cannot
// pick its address at all.
func TestProxyExamplesNameTheClient(t *testing.T) {
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DATABASE_URL": "unused", "DEV": "true", "TRUSTED_PROXIES": "127.0.0.1/32"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, proxy := range map[string]proxied{"nginx": nginxProxy(t), "caddy": caddyProxy(t)} {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct{ client, spoofed string }{
				{"203.0.113.9", ""},
				{"203.0.113.9", "10.0.0.1"},
				{"203.0.113.9", "127.0.0.1"},
				{"2001:db8::7", "198.51.100.1, 127.0.0.1"},
			} {
				if got := web.ClientIP(proxy(tt.client, tt.spoofed), cfg.TrustedProxies); got != tt.client {
					t.Errorf("client %s sending X-Forwarded-For %q is seen as %s", tt.client, tt.spoofed, got)
				}
			}
		})
	}
	direct := httptest.NewRequest(http.MethodGet, "/", nil)
	direct.RemoteAddr = "203.0.113.9:50000"
	direct.Header.Set("X-Forwarded-For", "198.51.100.1")
	if got := web.ClientIP(direct, cfg.TrustedProxies); got != "203.0.113.9" {
		t.Errorf("a client without the proxy chose its address: %s", got)
	}
}
