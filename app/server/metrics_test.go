package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// scrape reads app's metrics as Prometheus does.
func scrape(t *testing.T, app *apptest.App) string {
	t.Helper()
	srv := httptest.NewServer(app.Server.Metrics.Handler())
	defer srv.Close()
	r := apptest.Do(t, http.DefaultClient, mustGet(t, srv.URL+"/metrics"))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", r.StatusCode)
	}
	return r.Body
}

func mustGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// value is the value of the sample named by series (name and labels as
// the text format writes them), 0 when absent.
func value(t *testing.T, metrics, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(metrics)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsNamesAndCounters(t *testing.T) {
	app := apptest.Start(t)
	_, err := app.Pool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema, max_participants)
		VALUES ('Gemessen', 'measured', true, '{"type": "object", "properties": {}}', 5)`)
	if err != nil {
		t.Fatal(err)
	}
	before := scrape(t, app)
	const route = `memberdb_http_requests_total{method="POST",route="/events/{id}/registration",status="2xx"}`
	page := app.Get(t, app.Client(), "/events/measured/registration/?token=secret-in-the-query")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("form = %d", page.StatusCode)
	}
	email := "gemessen@example.org"
	if r := app.PostForm(t, app.Client(), "/events/measured/registration/", url.Values{"name": {"Gemessene Person"}, "email": {email}}); r.StatusCode != http.StatusOK {
		t.Fatalf("registration = %d", r.StatusCode)
	}
	link := personalLink.FindString(app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0].Text)
	if r := app.PostForm(t, app.Client(), link, url.Values{"action": {"confirm"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmation = %d", r.StatusCode)
	}
	if r := app.PostForm(t, app.Client(), "/login/", url.Values{"user_or_email": {"niemand"}, "password": {"falsch"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("failed login = %d", r.StatusCode)
	}
	after := scrape(t, app)
	for _, name := range []string{
		"memberdb_http_requests_total", "memberdb_http_request_duration_seconds_bucket",
		"memberdb_mail_outbox", "memberdb_mail_oldest_queued_age_seconds", "memberdb_mail_delivered_total",
		"memberdb_mail_failures_total", "memberdb_logins_total", "memberdb_registration_transitions_total",
		"memberdb_registrations", "memberdb_db_pool_acquired_conns", "memberdb_db_pool_acquires_total",
		"memberdb_go_goroutines", "memberdb_process_resident_memory_bytes",
	} {
		if !regexp.MustCompile(`(?m)^# TYPE `+name+` `).MatchString(after) && !strings.Contains(after, "\n"+name+"{") && !strings.Contains(after, "\n"+name+" ") {
			t.Errorf("no metric %s", name)
		}
	}
	for _, line := range strings.Split(after, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "memberdb_") {
			t.Errorf("a metric without the memberdb_ prefix: %s", line)
		}
	}

	if got := value(t, after, route) - value(t, before, route); got != 1 {
		t.Errorf("%s moved by %v, want 1:\n%s", route, got, grepLines(after, "memberdb_http_requests_total"))
	}
	if strings.Contains(after, "measured") || strings.Contains(after, "secret-in-the-query") {
		t.Error("a raw path or query made it into the metrics")
	}
	for _, series := range []string{
		`memberdb_mail_delivered_total`,
		`memberdb_logins_total{result="failure"}`,
		`memberdb_registration_transitions_total{from="pending",to="confirmed"}`,
	} {
		if value(t, after, series) <= value(t, before, series) {
			t.Errorf("%s did not move", series)
		}
	}
	var eventID int64
	if err := app.Pool.QueryRow(t.Context(), `SELECT id FROM events WHERE shortlink = 'measured'`).Scan(&eventID); err != nil {
		t.Fatal(err)
	}
	if got := value(t, after, `memberdb_registrations{event="`+strconv.FormatInt(eventID, 10)+`",status="confirmed"}`); got != 1 {
		t.Errorf("confirmed registrations of the event = %v, want 1", got)
	}
	if value(t, after, `memberdb_mail_outbox{state="sent"}`) < 1 {
		t.Errorf("the outbox gauge shows no sent mail:\n%s", grepLines(after, "memberdb_mail_outbox"))
	}
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
