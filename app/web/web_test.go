package web

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/events/", "/events/"},
		{"/admin/persons?q=a", "/admin/persons?q=a"},
		{"/admin/persons?q=Schr%C3%B6dinger", "/admin/persons?q=Schr%C3%B6dinger"},
		{"/a/./b", "/a/./b"},
		{"", "/"},
		{"//x", "/"},
		{"//evil.example", "/"},
		{`/\x`, "/"},
		{`/\evil.example`, "/"},
		{`/./\x`, "/"},
		{`/./\evil.example`, "/"},
		{`/.//x`, "/"},
		{"/%2F%2Fx", "/"},
		{"/%5Cx", "/"},
		{"/%2f/x", "/"},
		{`\\x`, "/"},
		{`\x`, "/"},
		{"https://x", "/"},
		{"https://evil.example", "/"},
		{"/%09/x", "/"},
		{"/\t/x", "/"},
		{"javascript:", "/"},
		{"javascript:alert(1)", "/"},
		{"evil", "/"},
		{"/ok\r\nSet-Cookie: x", "/"},
		{"/a\x00b", "/"},
		{"/\xff", "/"},
	}
	for _, tt := range tests {
		got := LocalPath(tt.in, "/")
		if got != tt.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// What the browser is told must stay on the site too, after
		// http.Redirect has cleaned the path.
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest("POST", "/login/", nil), got, http.StatusSeeOther)
		loc := rec.Header().Get("Location")
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, `\`) {
			t.Errorf("LocalPath(%q) redirects to %q, which leaves the site", tt.in, loc)
		}
	}
}

func TestClientIP(t *testing.T) {
	_, loop, _ := net.ParseCIDR("127.0.0.1/32")
	_, ten, _ := net.ParseCIDR("10.0.0.0/8")
	trusted := []*net.IPNet{loop, ten}
	tests := []struct {
		name, remote, xff, want string
		trusted                 []*net.IPNet
	}{
		{"no proxy configured ignores the header", "127.0.0.1:5000", "1.2.3.4", "127.0.0.1", nil},
		{"untrusted peer ignores the header", "8.8.8.8:5000", "1.2.3.4", "8.8.8.8", trusted},
		{"trusted proxy", "127.0.0.1:5000", "1.2.3.4", "1.2.3.4", trusted},
		{"right-most untrusted hop wins over a forged left", "127.0.0.1:5000", "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4", trusted},
		{"garbage falls back to the peer", "127.0.0.1:5000", "not-an-ip", "127.0.0.1", trusted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			r.Header.Set("X-Forwarded-For", tt.xff)
			if got := ClientIP(r, tt.trusted); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWantsJSON(t *testing.T) {
	tests := map[string]bool{
		"application/json":                  true,
		"application/json, text/plain, */*": true,
		"text/html,application/xhtml+xml":   false,
		"":                                  false,
		"*/*":                               false,
	}
	for accept, want := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept", accept)
		if got := WantsJSON(r); got != want {
			t.Errorf("WantsJSON(%q) = %v, want %v", accept, got, want)
		}
	}
}

func TestToastsSurviveLatin1Headers(t *testing.T) {
	w := httptest.NewRecorder()
	SetToasts(w, toastOf("success", "Jürgen ist jetzt Mitglied 🎉"))
	h := w.Header().Get("HX-Trigger")
	for _, r := range h {
		if r >= 0x80 {
			t.Fatalf("HX-Trigger holds non-ASCII %q: %s", r, h)
		}
	}
	var got struct {
		ShowToast struct{ Items []map[string]string } `json:"showToast"`
	}
	if err := json.Unmarshal([]byte(h), &got); err != nil {
		t.Fatal(err)
	}
	if got.ShowToast.Items[0]["text"] != "Jürgen ist jetzt Mitglied 🎉" {
		t.Fatalf("toast text = %q", got.ShowToast.Items[0]["text"])
	}
}
