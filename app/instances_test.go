package main

import (
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
	"github.com/pepalumni/memberdb/migrations"
)

// instanceEnv is the configuration of an instance of a deployment on
// database dbURL behind the address base, mailing to smtp.
func instanceEnv(dbURL, base string, smtp *mailtest.Server) map[string]string {
	return map[string]string{
		"DATABASE_URL":    dbURL,
		"BASE_URL":        base,
		"MAIL_SERVER":     smtp.Host,
		"MAIL_PORT":       strconv.Itoa(smtp.Port),
		"MAIL_TLS":        "none",
		"MAIL_SENDER":     "PeP et al. e.V. <noreply@example.org>",
		"TRUSTED_PROXIES": "127.0.0.1/32",
		"LOG_FORMAT":      "json",
	}
}

// Three instances started at once on an empty database take turns with
// the migrations: all become ready, and together they applied each
// migration once.
func TestThreeInstancesMigrateAnEmptyDatabaseTogether(t *testing.T) {
	dbURL := dbtest.NewDatabase(t, "memberdb_three")
	smtp := mailtest.Start(t)
	var all []*instance
	for range 3 {
		all = append(all, startInstance(t, instanceEnv(dbURL, "http://127.0.0.1:1", smtp)))
	}
	for _, in := range all {
		in.waitReady(t, 60*time.Second)
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for _, in := range all {
		for _, rec := range in.jsonLines(t) {
			if rec["level"] == "ERROR" {
				t.Errorf("instance at %s logged an error: %v", in.URL, rec)
			}
			if rec["msg"] == "applied migrations" {
				applied += int(rec["count"].(float64))
			}
		}
	}
	if applied != len(files) {
		t.Errorf("the instances applied %d migrations together, want each of the %d once", applied, len(files))
	}
}

// roundRobin is a reverse proxy in front of the instances, taking turns;
// like nginx's proxy_next_upstream it tries the next instance when one
// cannot be reached.
func roundRobin(t *testing.T, backends ...*instance) *httptest.Server {
	var next atomic.Int64
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		targets[i], _ = url.Parse(b.URL)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[next.Add(1)%int64(len(targets))])
			r.SetXForwarded()
			// The client's address as a test sets it, as a proxy's would be.
			if ip := r.In.Header.Get("X-Test-Client"); ip != "" {
				r.Out.Header.Set("X-Forwarded-For", ip)
			}
			r.Out.Host = r.In.Host
		},
		Transport: transport,
		// A killed instance refuses connections; the client tries again.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv
}

// post sends form to path through the proxy as the client ip, again when
// the instance it reached went away (a 502 from the proxy, as nginx
// answers). It returns the final status.
func post(t *testing.T, base, path, ip string, form url.Values) int {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	// Thirty clients share the proxy's turns: one of them can be sent to
	// the killed instance many times in a row (ten in a row failed a CI
	// run), so it tries until that is beyond chance.
	for range 40 {
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Error(err)
			return 0
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Client", ip)
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusBadGateway {
			continue
		}
		return resp.StatusCode
	}
	return 0
}

var personalLink = regexp.MustCompile(`/events/registration/[A-Za-z0-9_-]{43}/`)
var messageID = regexp.MustCompile(`^<?memberdb\.(\d+)\.\d+@`)

// Two instances behind a round-robin proxy take a burst of registrations
// and confirmations; one is killed in the middle. Afterwards the event is
// not overbooked, every person is registered exactly once, and every mail
// of the outbox reached the mail server (a mail sent twice only under one
// Message-ID).
func TestRegistrationBurstSurvivesAKilledInstance(t *testing.T) {
	dbURL := dbtest.NewDatabase(t, "memberdb_burst")
	smtp := mailtest.Start(t)
	pool, err := db.Open(ctxTimeout(t), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	envA := instanceEnv(dbURL, "http://127.0.0.1:1", smtp)
	metricsAddr := freeAddr(t)
	envA["METRICS_ADDR"] = metricsAddr
	a := startInstance(t, envA)
	a.waitReady(t, 60*time.Second)
	b := startInstance(t, instanceEnv(dbURL, "http://127.0.0.1:1", smtp))
	b.waitReady(t, 60*time.Second)
	proxy := roundRobin(t, a, b)

	const places, people = 10, 30
	var eventID int64
	if err := pool.QueryRow(ctxTimeout(t), `INSERT INTO events (name, shortlink, registration_open, registration_schema, max_participants)
		VALUES ('Andrang', 'andrang', true, '{"type": "object", "properties": {}}', $1) RETURNING id`, places).Scan(&eventID); err != nil {
		t.Fatal(err)
	}
	email := func(i int) string { return fmt.Sprintf("person.%d@example.org", i) }
	ip := func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }

	// The registrations, B killed (as by kill -9) when half have gone
	// through and its mail worker is sending: a slow mail server keeps
	// mails in sending long enough.
	smtp.Delay(100 * time.Millisecond)
	var wg sync.WaitGroup
	var answered atomic.Int64
	killed := make(chan struct{})
	var bClaims int
	go func() {
		defer close(killed)
		bPID := "/" + strconv.Itoa(b.cmd.Process.Pid) + "/"
		// Once half have gone through, B is killed as soon as its worker
		// holds claims; the mails go on after the last answer, so the
		// wait for that goes on a while after it too (a fast machine
		// answered everyone before B's worker had claimed anything).
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if answered.Load() >= people/2 {
				err := pool.QueryRow(ctxTimeout(t), `SELECT count(*) FROM mail_outbox WHERE status = 'sending' AND strpos(claimed_by, $1) > 0`, bPID).Scan(&bClaims)
				if err != nil || bClaims > 0 {
					break
				}
			}
			time.Sleep(time.Millisecond) // polling the burst's progress
		}
		b.kill()
	}()
	for i := range people {
		wg.Go(func() {
			status := post(t, proxy.URL, "/events/andrang/registration/", ip(i),
				url.Values{"name": {fmt.Sprintf("Person %d", i)}, "email": {email(i)}})
			answered.Add(1)
			if status != http.StatusSeeOther && status != http.StatusOK {
				t.Errorf("registration of %s answered %d", email(i), status)
			}
		})
	}
	wg.Wait()
	<-killed
	if bClaims == 0 {
		t.Error("instance B was killed holding no mail claims; the test shows nothing about their recovery")
	}
	smtp.Delay(0)

	// Everyone confirms with the link of their first mail.
	for i := range people {
		msgs := smtp.WaitTo(t, email(i), 1, 60*time.Second)
		link := personalLink.FindString(msgs[0].Text)
		if link == "" {
			t.Fatalf("no personal link in the mail to %s:\n%s", email(i), msgs[0].Text)
		}
		wg.Go(func() {
			if status := post(t, proxy.URL, link, ip(i), url.Values{"action": {"confirm"}}); status != http.StatusSeeOther {
				t.Errorf("confirmation of %s answered %d", email(i), status)
			}
		})
	}
	wg.Wait()

	rows, _ := pool.Query(ctxTimeout(t), `
		SELECT p.email, r.status FROM registrations r JOIN persons p ON p.id = r.person_id WHERE r.event_id = $1`, eventID)
	type reg struct {
		Email, Status string
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reg])
	if err != nil {
		t.Fatal(err)
	}
	perPerson, perStatus := map[string]int{}, map[string]int{}
	for _, r := range regs {
		perPerson[r.Email]++
		perStatus[r.Status]++
	}
	for i := range people {
		if perPerson[email(i)] != 1 {
			t.Errorf("%s has %d registrations, want 1", email(i), perPerson[email(i)])
		}
	}
	if perStatus["confirmed"] != places || perStatus["waitinglist"] != people-places {
		t.Errorf("registrations by status %v, want %d confirmed and %d waiting", perStatus, places, people-places)
	}

	// Every mail of the outbox arrives; the killed instance's claims are
	// taken over by the other one.
	var total int
	apptest.Eventually(t, 90*time.Second, "every mail of the outbox to be sent", func() bool {
		var unsent int
		if err := pool.QueryRow(ctxTimeout(t), `SELECT count(*) FILTER (WHERE status <> 'sent'), count(*) FROM mail_outbox`).Scan(&unsent, &total); err != nil {
			t.Fatal(err)
		}
		return unsent == 0
	})
	ids := map[string]int{}
	for _, m := range smtp.Messages() {
		id := m.Header.Get("Message-Id")
		if !messageID.MatchString(id) {
			t.Errorf("a mail without memberdb's Message-ID: %q", id)
		}
		ids[id]++
	}
	if len(ids) != total {
		t.Errorf("%d distinct mails arrived, want the outbox's %d", len(ids), total)
	}
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	scraped, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `memberdb_http_requests_total{method="POST",route="/events/{id}/registration",status="2xx"}`; !strings.Contains(string(scraped), want) {
		t.Errorf("instance A's metrics at METRICS_ADDR have no %s", want)
	}
	// LOG_FORMAT=json: every line JSON, every request's line with its id.
	requests := 0
	for _, rec := range a.jsonLines(t) {
		if rec["level"] == "ERROR" {
			t.Errorf("instance A logged an error: %v", rec)
		}
		if rec["msg"] == "request" {
			requests++
			if id, _ := rec["request_id"].(string); id == "" {
				t.Errorf("access log line without request id: %v", rec)
			}
		}
	}
	if requests == 0 {
		t.Error("instance A logged no requests")
	}
}
