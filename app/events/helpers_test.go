package events_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/tokens"
)

// testEvent describes an event to create; zero values are sensible.
type testEvent struct {
	name, description, footer, notify, formality string
	// The English ones; empty: none.
	nameEN, descriptionEN, footerEN string
	shortlink                       string
	max                             *int
	closed, forceTU                 bool
	// allowed is the allowed-addresses pattern with its messages;
	// forceTU sets PeP's TU pattern.
	allowed, allowedDE, allowedEN string
	schema                        string // a file in testdata, or raw JSON
	opensIn, closesIn             *time.Duration
	endsAgo                       *time.Duration
	editingClosed                 bool
}

type created struct {
	id        int64
	shortlink string
}

func (c created) regPath() string      { return fmt.Sprintf("/events/%d/registration/", c.id) }
func (c created) shortRegPath() string { return "/events/" + c.shortlink + "/registration/" }

var seq atomic.Int64

func places(n int) *int { return &n }

func dur(d time.Duration) *time.Duration { return &d }

// unique makes names and addresses no other test uses.
func unique(prefix string) string {
	return fmt.Sprintf("%s%d-%d", prefix, time.Now().UnixNano()%1e6, seq.Add(1))
}

func schemaJSON(t testing.TB, s string) string {
	t.Helper()
	if s == "" {
		return `{"type": "object", "properties": {}}`
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	b, err := os.ReadFile(filepath.Join("testdata", s))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func createEvent(t testing.TB, app *apptest.App, e testEvent) created {
	t.Helper()
	c := created{shortlink: e.shortlink}
	if c.shortlink == "" {
		c.shortlink = unique("ev")
	}
	if e.name == "" {
		e.name = "Event " + c.shortlink
	}
	if e.formality == "" {
		e.formality = "du"
	}
	var notify *string
	if e.notify != "" {
		notify = &e.notify
	}
	now := time.Now()
	at := func(d *time.Duration) *time.Time {
		if d == nil {
			return nil
		}
		t := now.Add(*d)
		return &t
	}
	var starts, ends *time.Time
	if e.endsAgo != nil {
		ends = at(dur(-*e.endsAgo))
		starts = at(dur(-*e.endsAgo - time.Hour))
	}
	var editing *time.Time
	if e.editingClosed {
		editing = at(dur(-time.Minute))
	}
	if e.forceTU {
		e.allowed, e.allowedDE, e.allowedEN = events.TUAddressPattern, events.TUAddressMessageDE, events.TUAddressMessageEN
	}
	const q = `INSERT INTO events (name, description, footer, notify_email, allowed_addresses,
			allowed_addresses_message_de, allowed_addresses_message_en, shortlink, max_participants,
			registration_open, registration_schema, opens_at, closes_at, starts_at, ends_at, editing_closes_at, formality,
			name_en, description_en, footer_en)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`
	err := app.Pool.QueryRow(t.Context(), q, e.name, e.description, e.footer, notify, e.allowed, e.allowedDE, e.allowedEN,
		c.shortlink, e.max, !e.closed, schemaJSON(t, e.schema), at(e.opensIn), at(e.closesIn), starts, ends, editing,
		e.formality, e.nameEN, e.descriptionEN, e.footerEN).Scan(&c.id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// registerVia posts the registration form of path.
func registerVia(t testing.TB, app *apptest.App, c *http.Client, path, name, email string, answers url.Values, headers ...string) apptest.Response {
	t.Helper()
	form := url.Values{"name": {name}, "email": {email}}
	for k, v := range answers {
		form[k] = v
	}
	return app.PostForm(t, c, path, form, headers...)
}

var linkRE = regexp.MustCompile(`/events/registration/([A-Za-z0-9_-]{43})/`)

// lastLink is the personal link in the newest mail queued to email.
func lastLink(t testing.TB, app *apptest.App, email string) string {
	t.Helper()
	var body string
	err := app.Pool.QueryRow(t.Context(), `SELECT body_text FROM mail_outbox WHERE $1 = ANY(to_addrs) OR to_addrs[1] LIKE '%<' || $1 || '>'
		ORDER BY id DESC LIMIT 1`, email).Scan(&body)
	if err != nil {
		t.Fatalf("no mail to %s: %v", email, err)
	}
	m := linkRE.FindString(body)
	if m == "" {
		t.Fatalf("no personal link in mail to %s:\n%s", email, body)
	}
	return m
}

// mailsTo lists kinds of mails queued to email, oldest first.
func mailsTo(t testing.TB, app *apptest.App, email string) []string {
	t.Helper()
	rows, err := app.Pool.Query(t.Context(), `SELECT kind FROM mail_outbox
		WHERE EXISTS (SELECT 1 FROM unnest(to_addrs) a WHERE a = $1 OR a LIKE '%<' || $1 || '>') ORDER BY id`, email)
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

// registration reads a registration of the person with email.
func registrationOf(t testing.TB, app *apptest.App, eventID int64, email string) (id int64, status string) {
	t.Helper()
	err := app.Pool.QueryRow(t.Context(), `SELECT r.id, r.status FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1 AND lower(p.email) = lower($2)`, eventID, email).Scan(&id, &status)
	if err != nil {
		t.Fatalf("registration of %s: %v", email, err)
	}
	return id, status
}

func statusCounts(t testing.TB, app *apptest.App, eventID int64) map[string]int {
	t.Helper()
	rows, err := app.Pool.Query(t.Context(), `SELECT status, count(*)::int FROM registrations WHERE event_id = $1 GROUP BY status`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// addRegistration stores a registration directly (for tests about what
// happens after registering) and returns its id and a personal link.
func addRegistration(t testing.TB, app *apptest.App, eventID int64, name, email, status string, confirmedAgo time.Duration) (int64, string) {
	t.Helper()
	ctx := context.Background()
	var id int64
	var link string
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		var personID int64
		if err := tx.QueryRow(ctx, `INSERT INTO persons (name, email) VALUES ($1, $2) RETURNING id`, name, email).Scan(&personID); err != nil {
			return err
		}
		const q = `INSERT INTO registrations (event_id, person_id, status, data, confirmed_at)
			VALUES ($1, $2, $3, '{}', CASE WHEN $3 IN ('confirmed', 'waitinglist') THEN now() - make_interval(secs => $4) END) RETURNING id`
		if err := tx.QueryRow(ctx, q, eventID, personID, status, confirmedAgo.Seconds()).Scan(&id); err != nil {
			return err
		}
		token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.RegistrationManage, SubjectID: id, TTL: time.Hour})
		link = "/events/registration/" + token + "/"
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, link
}

func post(t testing.TB, app *apptest.App, c *http.Client, path string, kv ...string) apptest.Response {
	t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return app.PostForm(t, c, path, form)
}

func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

var (
	scriptRE = regexp.MustCompile(`(?s)<script.*?</script>`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a person reads on a page or in a fragment: the text
// without tags and scripts, entities decoded, white space collapsed.
func visibleText(body string) string {
	text := tagRE.ReplaceAllString(scriptRE.ReplaceAllString(body, " "), " ")
	return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
}
