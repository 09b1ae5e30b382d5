package mail

import (
	"os"
	"testing"
)

func TestClaimerRoundTrips(t *testing.T) {
	tests := []struct {
		in     string
		want   claimer
		wantOK bool
	}{
		{"web-1/4711/abc", claimer{"web-1", 4711, "abc"}, true},
		{"odd/host/1/n", claimer{"odd/host", 1, "n"}, true},
		{"web-1/0/abc", claimer{}, false},
		{"web-1/-3/abc", claimer{}, false},
		{"web-1/x/abc", claimer{}, false},
		{"/1/abc", claimer{}, false},
		{"web-1/1/", claimer{}, false},
		{"web-1", claimer{}, false},
		{"", claimer{}, false},
	}
	for _, tt := range tests {
		got, ok := parseClaimer(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseClaimer(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
		if ok && got.String() != tt.in {
			t.Errorf("parseClaimer(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestClaimerGone(t *testing.T) {
	me := claimer{host: "web-1", pid: os.Getpid(), nonce: "now"}
	tests := []struct {
		name string
		me   claimer
		c    claimer
		want bool
	}{
		{"this process", me, me, false},
		{"this process id before a restart", me, claimer{"web-1", me.pid, "before"}, true},
		{"a running process of this host", me, claimer{"web-1", os.Getppid(), "x"}, false},
		{"a process of another host", me, claimer{"web-2", me.pid, "before"}, false},
		{"without a host name of its own", claimer{"", me.pid, "now"}, claimer{"", me.pid, "before"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.me.gone(tt.c); got != tt.want {
				t.Errorf("gone(%v) = %v, want %v", tt.c, got, tt.want)
			}
		})
	}
}
