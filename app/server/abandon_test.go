package server_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// giveUp sends method path over a raw connection and hangs up: after the
// headers, or after 6 of the 100 body bytes it announced (halfBody).
func giveUp(t *testing.T, app *apptest.App, method, path, cookie string, halfBody bool) {
	t.Helper()
	host := strings.TrimPrefix(app.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host)
	if cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", cookie)
	}
	if isUnsafe(method) {
		b.WriteString("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n")
	}
	b.WriteString("\r\n")
	if halfBody {
		b.WriteString("email=")
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
}

func cookieHeader(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// No client that gives up can take the server down or flood its log: every
// route, asked anonymously and by a user with every level, by a client
// that hangs up after the headers and (for unsafe methods) by one that
// sends half its body. Afterwards the server still answers /healthz and
// has logged at most a line for it. New routes are covered by the walk.
func TestRoutesSurviveClientsThatGiveUp(t *testing.T) {
	for _, dev := range []string{"false", "true"} {
		t.Run("dev="+dev, func(t *testing.T) {
			app := apptest.Start(t, apptest.Env("DEV", dev))
			everything, _ := app.ClientWith(t, app.Server.Registry.Levels()...)
			who := map[string]string{"anonymous": "", "every level": cookieHeader(everything, app.URL)}
			for _, rt := range allRoutes(t, app) {
				path := pathOf(t, rt.pattern)
				for name, cookie := range who {
					for _, half := range []bool{false, true} {
						if half && !isUnsafe(rt.method) {
							continue
						}
						before, served := app.LogLines(), app.Served()
						giveUp(t, app, rt.method, path, cookie, half)
						app.WaitServed(t, served+1)
						if grew := app.LogLines() - before; grew > 1 {
							t.Errorf("%s %s (%s, half body %v): the log grew by %d lines", rt.method, rt.pattern, name, half, grew)
						}
					}
				}
			}
			if resp := app.Get(t, app.Client(), "/healthz"); resp.StatusCode != http.StatusOK {
				t.Fatalf("after the walk /healthz = %d", resp.StatusCode)
			}
		})
	}
}

// A client that gives up while a public form waits for its answer floor
// (the crash of the robustness issue) leaves the server answering and its log
// quiet.
func TestFormWhoseClientLeftDuringTheFloor(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/request_edit", "/request_gdpr_data", "/register/", "/events/resend_emails/", "/password_reset/"} {
		before, served := app.LogLines(), app.Served()
		host := strings.TrimPrefix(app.URL, "http://")
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		body := url.Values{"email": {"someone@example.org"}, "user_or_email": {"someone@example.org"},
			"name": {"Some One"}, "membership_type": {"ordentlich"}}.Encode()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
			path, host, len(body), body)
		// The whole request is there; the client leaves before the answer.
		conn.Close()
		app.WaitServed(t, served+1)
		if grew := app.LogLines() - before; grew > 1 {
			t.Errorf("%s: the log grew by %d lines", path, grew)
		}
		if resp := app.Get(t, app.Client(), "/healthz"); resp.StatusCode != http.StatusOK {
			t.Fatalf("after %s /healthz = %d", path, resp.StatusCode)
		}
	}
}

// A client that sends half its body and half-closes still reads the
// answer: it was "200 OK" with nothing saved, now 400.
func TestHalfClosedBodyIsRefused(t *testing.T) {
	app := apptest.Start(t)
	host := strings.TrimPrefix(app.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /request_edit HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=", host)
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	status := make([]byte, 12)
	if _, err := io.ReadFull(conn, status); err != nil {
		t.Fatal(err)
	}
	if got := string(status); got != "HTTP/1.1 400" {
		t.Errorf("answer %q, want 400", got)
	}
}
