package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

var setupLink = regexp.MustCompile(`setup_url=(\S+)`)

// A fresh memberdb is set up in the browser: `memberdb serve` on an empty
// database prints the link to its log; the setup page names the
// association and creates the first admin, who is logged in and can log
// in again; the link is dead afterwards.
func TestBrowserFirstRunSetup(t *testing.T) {
	fr := startFirstRun(t, map[string]string{"ORG_NAME": "Konfigurierter Verein", "MAIL_SENDER": "memberdb <noreply@example.org>"})
	base, link := fr.base, fr.link
	if !strings.HasPrefix(link, base+"/setup/") {
		t.Fatalf("link %s", link)
	}

	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		b := apptest.NewBrowser(t, size[0], size[1])
		for _, lang := range []string{"de", "en"} {
			b.Language(t, base, lang)
			b.Do(t, "open the setup link in "+lang,
				chromedp.Navigate(link), chromedp.WaitVisible(`[data-testid="setup-form"]`))
			b.FitsWidth(t)
			b.Screenshot(t, fmt.Sprintf("setup-%s-%d", lang, size[0]))
		}
	}

	b := apptest.NewBrowser(t, 360, 740)
	b.Language(t, base, "de")
	fill := func(password, confirm string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(link), chromedp.WaitVisible(`#org_name`),
			chromedp.SendKeys(`#org_name`, "Verein B"), chromedp.SendKeys(`#contact_address`, "vorstand@verein-b.example"),
			chromedp.SendKeys(`#name`, "Berta Beispiel"), chromedp.SendKeys(`#email`, "berta@verein-b.example"),
			chromedp.SendKeys(`#username`, "berta"), chromedp.SendKeys(`#password`, password), chromedp.SendKeys(`#confirm`, confirm),
			chromedp.Click(`[data-testid="setup-submit"]`),
		}
	}
	b.Do(t, "send the form with passwords that differ", fill("ein langes Passwort", "ein anderes Passwort")...)
	b.WaitTrue(t, "the mismatch is named", `document.readyState === "complete" && !!document.querySelector('[data-testid="confirm-error"]')`)
	// The answer to a form is checked here: its load may be reported
	// only after the next page has begun.
	b.Accessible(t)
	b.Screenshot(t, "setup-error-de-360")
	b.Do(t, "set up", fill("ein langes Passwort", "ein langes Passwort")...)
	b.WaitTrue(t, "the new admin is logged in on the admin index", `location.pathname === "/admin/" &&
		document.querySelector('[data-testid="nav-user"]').textContent.includes("Berta Beispiel")`)
	if brand := apptest.Eval[string](t, b, `document.querySelector('[data-testid="brand"]').textContent.trim()`); brand != "Verein B" {
		t.Errorf("the navigation names %q, want the association's name from the setup", brand)
	}
	if !apptest.Eval[bool](t, b, `!!document.querySelector('a[href="/admin/site"]') && !!document.querySelector('a[href="/admin/users"]')`) {
		t.Error("the first admin does not see every part of the console")
	}
	b.Do(t, "open the link again", chromedp.Navigate(link), chromedp.WaitVisible(`[data-testid="error"]`))
	if text := apptest.Eval[string](t, b, `document.body.textContent`); !strings.Contains(text, "abgelaufen oder wurde schon benutzt") {
		t.Error("the used link does not say why it is refused")
	}
	b.Screenshot(t, "setup-used-de-360")

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login/", url.Values{"user_or_email": {"berta"}, "password": {"ein langes Passwort"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("logging in as the new admin = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = c.PostForm(link, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("posting the used link = %d, want 410", resp.StatusCode)
	}

	// Another instance started now finds a user and prints no link.
	t.Setenv("LISTEN_ADDR", freeAddr(t))
	again := serveInProcess(t)
	apptest.Eventually(t, 30*time.Second, "the second instance to serve", func() bool { return strings.Contains(again.String(), "msg=serving") })
	if setupLink.MatchString(again.String()) {
		t.Errorf("an instance started after the setup printed a link:\n%s", again.String())
	}
}

// firstRun is `memberdb serve` started on a fresh database, as a new
// association's would be.
type firstRun struct {
	base, dbURL, link string
	smtp              *mailtest.Server
}

// startFirstRun serves a fresh database with env on top of the test's
// settings, and waits for the setup link in the log.
func startFirstRun(t *testing.T, env map[string]string) firstRun {
	t.Helper()
	fr := firstRun{smtp: mailtest.Start(t), dbURL: dbtest.NewDatabase(t, "firstrun")}
	addr := freeAddr(t)
	fr.base = "http://" + addr
	t.Chdir(t.TempDir()) // no .env of the developer's
	settings := map[string]string{
		"DATABASE_URL": fr.dbURL, "BASE_URL": fr.base, "LISTEN_ADDR": addr,
		"MAIL_SERVER": fr.smtp.Host, "MAIL_PORT": strconv.Itoa(fr.smtp.Port), "MAIL_TLS": "none", "DEV": "false",
	}
	maps.Copy(settings, env)
	for k, v := range settings {
		t.Setenv(k, v)
	}
	logs := serveInProcess(t)
	fr.link = apptest.EventuallyValue(t, 30*time.Second, "the setup link in the log", func() (string, bool) {
		m := setupLink.FindStringSubmatch(logs.String())
		if m == nil {
			return "", false
		}
		return m[1], true
	})
	return fr
}

// serveInProcess runs `memberdb serve` with the environment's settings
// until t ends and returns its log.
func serveInProcess(t *testing.T) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, &env{stdout: logs, stderr: logs, logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve ended with %d:\n%s", code, logs.String())
		}
	})
	return logs
}
