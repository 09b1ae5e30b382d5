package legacy_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

func TestImportFixtureIntoEmptyDatabase(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			from := fx.from(t)
			pool, _ := legacytest.Target(t)
			empty := snapshot(t, pool)

			dry := importLegacy(t, pool, from, legacy.Options{DryRun: true, Declared: declared})
			if got := snapshot(t, pool); got != empty {
				t.Fatalf("the dry run changed the database:\nbefore\n%s\nafter\n%s", empty, got)
			}
			rep := importLegacy(t, pool, from, legacy.Options{Declared: declared})
			if !reflect.DeepEqual(rep.Counts, wantCounts) {
				t.Errorf("counts = %+v\nwant %+v", rep.Counts, wantCounts)
			}
			if !reflect.DeepEqual(dry.Counts, rep.Counts) || !reflect.DeepEqual(dry.Problems, rep.Problems) {
				t.Errorf("the dry run reported\n%+v\n%+v\nthe import\n%+v\n%+v", dry.Counts, dry.Problems, rep.Counts, rep.Problems)
			}
			if rep.Revision != legacy.Head {
				t.Errorf("revision = %q", rep.Revision)
			}
			checkProblems(t, rep)
			checkTables(t, pool)
			checkPersons(t, pool)
			checkEvents(t, pool)
			checkRegistrations(t, pool)
			checkUsers(t, pool)
			checkAsStored(t, pool, from)

			imported := snapshot(t, pool)
			_, err := legacy.Import(context.Background(), pool, from, legacy.Options{Declared: declared})
			var notEmpty *legacy.NotEmptyError
			if !errors.As(err, &notEmpty) || *notEmpty != (legacy.NotEmptyError{Persons: 40, Events: 5, Registrations: 60, Users: 4}) {
				t.Fatalf("second import: err = %v, want it refused for data already there", err)
			}
			if !strings.Contains(err.Error(), "already holds data (40 persons, 5 events, 60 registrations, 4 users)") {
				t.Errorf("refusal reads %q", err)
			}
			if got := snapshot(t, pool); got != imported {
				t.Fatalf("the refused import changed the database")
			}
			checkSequences(t, pool)
		})
	}
}

// checkProblems: a clean fixture only yields notes about the relations to
// the university (named differently in memberdb) and the access levels
// memberdb does not use.
func checkProblems(t *testing.T, rep *legacy.Report) {
	t.Helper()
	var got, want []string
	for _, p := range rep.Problems {
		got = append(got, p.Table+" "+p.ID)
	}
	for _, id := range []string{"1", "2", "3", "4"} {
		want = append(want, "tu_status "+id)
	}
	for _, l := range []string{"access_level_admin", "event_admin", "event_registration_admin", "get_persons",
		"person_admin", "role_admin", "user_admin"} {
		want = append(want, "access_level "+l)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems = %v\nwant %v\n%+v", got, want, rep.Problems)
	}
}

func checkTables(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for table, want := range map[string]int{
		"persons": 40, "events": 5, "registrations": 60, "users": 4, "roles": 3, "access_levels": 12,
		"role_access_levels": 18, "user_roles": 3, "tu_status": 5,
		"audit_log WHERE actor = 'import-legacy'": 40 + 5 + 60 + 4 + 3,
	} {
		if got := queryInt(t, pool, "SELECT count(*) FROM "+table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	rows, _ := pool.Query(context.Background(), `SELECT name FROM access_levels WHERE in_use ORDER BY name`)
	inUse, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(declared))
	if !slices.Equal(inUse, want) {
		t.Errorf("access levels in use = %v, want the declared %v", inUse, want)
	}
}

func checkPersons(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for _, tt := range []struct {
		where string
		want  int
	}{
		{"membership_status = 'confirmed'", 15},
		{"membership_status = 'pending'", 4},
		{"membership_status = 'email_unverified'", 3},
		{"membership_status = 'email_unverified' AND email_valid", 0},
		{"membership_status = 'denied'", 2},
		{"membership_status = 'canceled'", 2},
		{"membership_status IS NULL", 14},
		{"membership_status IS NULL AND email_valid", 0},
		{"membership_status = 'confirmed' AND membership_type IS NULL", 2},
		{"membership_status = 'confirmed' AND membership_type IS NULL AND joining_date IS NULL", 1},
		{"membership_type = 'ordentlich'", 17},
		{"membership_type = 'ausserordentlich'", 7},
		{"membership_type IS NULL", 16},
		{"tu_status_id IS NOT NULL", 20},
		{"date_of_birth IS NOT NULL", 18},
		{"joining_date IS NOT NULL", 16},
		{"NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = persons.id)", 2},
		{"name LIKE '%ß%' OR name LIKE '%ı%' OR name LIKE '%ễ%'", 10},
		{"email = 'Tobias.Brueckner@Example.COM'", 1},
	} {
		if got := queryInt(t, pool, "SELECT count(*) FROM persons WHERE "+tt.where); got != tt.want {
			t.Errorf("persons where %s: %d, want %d", tt.where, got, tt.want)
		}
	}
	// Spot check 1.
	var p struct {
		Name, Email, Status, Type, TU string
		Valid                         bool
		Born                          time.Time
		Joined                        *time.Time
	}
	err := pool.QueryRow(context.Background(), `
		SELECT p.name, p.email, p.membership_status, p.membership_type, t.name, p.email_valid, p.date_of_birth, p.joining_date
		FROM persons p JOIN tu_status t ON t.id = p.tu_status_id WHERE p.id = 16`).
		Scan(&p.Name, &p.Email, &p.Status, &p.Type, &p.TU, &p.Valid, &p.Born, &p.Joined)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Siobhán O'Brien" || p.Email != "siobhan.obrien@tu-dortmund.de" || p.Status != "pending" ||
		p.Type != "ausserordentlich" || p.TU != "Doktorandin/Doktorand" || !p.Valid ||
		p.Born.Format(time.DateOnly) != "1994-03-17" || p.Joined != nil {
		t.Errorf("person 16 = %+v", p)
	}
}

func checkEvents(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	type event struct {
		ID               int64
		Name             string
		Shortlink        *string
		MaxParticipants  *int
		RegistrationOpen bool
		AllowedAddresses string
		NotifyEmail      *string
		HasFooter        bool
	}
	rows, _ := pool.Query(context.Background(), `SELECT id, name, shortlink, max_participants, registration_open,
		allowed_addresses, notify_email, footer <> '' AS has_footer FROM events ORDER BY id`)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[event])
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	want := []event{
		{1, "Absolventenfeier 2024", str("absolventenfeier"), num(3), true, "", nil, true},
		{2, "Toolbox Workshop 2024", str("toolbox"), nil, true, "", nil, false},
		{3, "Sommerakademie 2023", nil, num(6), false, "", nil, true},
		{4, "Stammtisch im Oktober", nil, nil, true, "", nil, false},
		{5, "Exkursion zum Beschleuniger DELTA", nil, num(10), true, events.TUAddressPattern, str("exkursion@pep-dortmund.org"), true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events =\n%+v\nwant\n%+v", got, want)
	}
	// The old system knew no English: visitors read the German.
	if n := queryInt(t, pool, `SELECT count(*) FROM events WHERE name_en <> '' OR description_en <> '' OR footer_en <> ''`); n != 0 {
		t.Errorf("%d imported events have English texts", n)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM events WHERE id = 1 AND strpos(description, '$\alpha_s(M_Z) \approx 0.118$') > 0`); n != 1 {
		t.Error("event 1's description lost its math")
	}
	if s := queryString(t, pool, `SELECT registration_schema::text FROM events WHERE id = 4`); s != "{}" {
		t.Errorf("event 4's schema = %s, want {}", s)
	}
	if s := queryString(t, pool, `SELECT registration_schema->'properties'->'languages'->'properties'->'cpp'->>'label' FROM events WHERE id = 2`); s != "C++" {
		t.Errorf("event 2's nested schema lost: %q", s)
	}
}

func checkRegistrations(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	want := map[int64]map[string]int{
		1: {"confirmed": 3, "waitinglist": 2, "pending": 2, "canceled": 1},
		2: {"confirmed": 18, "pending": 4, "canceled": 2},
		3: {"confirmed": 6, "waitinglist": 2, "pending": 1, "canceled": 1},
		4: {"confirmed": 6, "pending": 2},
		5: {"confirmed": 7, "pending": 2, "canceled": 1},
	}
	got := map[int64]map[string]int{}
	rows, _ := pool.Query(context.Background(), `SELECT event_id, status, count(*) FROM registrations GROUP BY 1, 2`)
	var (
		event  int64
		status string
		n      int
	)
	_, err := pgx.ForEachRow(rows, []any{&event, &status, &n}, func() error {
		if got[event] == nil {
			got[event] = map[string]int{}
		}
		got[event][status] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("registrations by event and status = %v, want %v", got, want)
	}
	for _, tt := range []struct {
		where string
		want  int
	}{
		{"status IN ('confirmed', 'waitinglist') AND confirmed_at IS NULL", 0},
		{"status = 'pending' AND confirmed_at IS NOT NULL", 0},
		{"status = 'canceled' AND confirmed_at IS NULL", 1},
		{"id = 32 AND status = 'canceled' AND confirmed_at IS NULL", 1},
		{"id = 9 AND event_id = 2 AND status = 'confirmed' AND confirmed_at = '2024-08-01 10:00:00+00'", 1},
		{"id = 3 AND event_id = 1 AND status = 'confirmed' AND confirmed_at = '2024-10-02 08:03:17.009876+00'", 1},
	} {
		if got := queryInt(t, pool, "SELECT count(*) FROM registrations WHERE "+tt.where); got != tt.want {
			t.Errorf("registrations where %s: %d, want %d", tt.where, got, tt.want)
		}
	}
	// Spot check 2: the graduation ceremony has no free place.
	free := queryInt(t, pool, `SELECT e.max_participants - count(r.id) FROM events e
		LEFT JOIN registrations r ON r.event_id = e.id AND r.status = 'confirmed' WHERE e.shortlink = 'absolventenfeier' GROUP BY e.id`)
	if free != 0 {
		t.Errorf("absolventenfeier has %d free places, want 0", free)
	}
	// Spot checks 3 and 4 and the further checks, on the stored JSON.
	for _, tt := range []struct {
		id                    int64
		path, wantText, wantT string
	}{
		{9, "{languages,python}", "true", "boolean"},
		{9, "{languages,cpp}", "false", "boolean"},
		{9, "{languages,other}", "Julia, Rust", "string"},
		{9, "{toolbox_interests,git}", "true", "boolean"},
		{9, "{os}", "ArchLinux", "string"},
		{3, "{title}", `Messung von $\alpha_s$`, "string"},
		{3, "{guests}", "4", "number"},
		{3, "{allow_contact}", "false", "boolean"},
		{3, "{submit}", "true", "boolean"},
		{51, "{contribution}", "5.5", "number"},
		{51, "{semester}", "7", "number"},
		{51, "{matrikel}", "214365", "string"},
		// Floats keep their spelling: the app's DecimalEncoder wrote 7.0.
		{60, "{contribution}", "7.0", "number"},
		{52, "{contribution}", "0.0", "number"},
		{34, "{name}", "Max von der Höh", "string"},
		{34, "{comments}", "Ich bringe meine Gitarre mit.\r\nUnd Noten.", "string"},
	} {
		var text, typ string
		err := pool.QueryRow(context.Background(), `SELECT data #>> $2, jsonb_typeof(data #> $2) FROM registrations WHERE id = $1`,
			tt.id, tt.path).Scan(&text, &typ)
		if err != nil || text != tt.wantText || typ != tt.wantT {
			t.Errorf("registration %d data%s = %q (%s), %v; want %q (%s)", tt.id, tt.path, text, typ, err, tt.wantText, tt.wantT)
		}
	}
	if s := queryString(t, pool, `SELECT p.name FROM registrations r JOIN persons p ON p.id = r.person_id WHERE r.id = 34`); s != "Maximilian von der Höh" {
		t.Errorf("registration 34's person = %q", s)
	}
}

func checkUsers(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	type user struct {
		ID       int64
		Username string
		PersonID int64
		Hash     string
		Levels   []string
	}
	rows, _ := pool.Query(context.Background(), `
		SELECT u.id, u.username, u.person_id, u.password_hash AS hash,
		       coalesce(array_agg(ral.access_level ORDER BY ral.access_level) FILTER (WHERE ral.access_level IS NOT NULL), '{}') AS levels
		FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id
		LEFT JOIN role_access_levels ral ON ral.role = ur.role
		GROUP BY u.id ORDER BY u.id`)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[user])
	if err != nil {
		t.Fatal(err)
	}
	wantPrefixes := []string{"pbkdf2:sha256:260000$Xq7LrV2mXc9TbN4s$", "scrypt:32768:8:1$kP3dZ8wQy1RfH6tB$",
		"pbkdf2:sha256:260000$mN5cV0bG7hJ2kL9p$", "scrypt:32768:8:1$Tz4Ws8Ue1Ia6Oq3Y$"}
	wantUsers := []struct {
		name   string
		person int64
		levels int
	}{{"admin", 1, 12}, {"vorstand", 2, 3}, {"orga", 3, 3}, {"ehemalig", 25, 0}}
	if len(got) != 4 {
		t.Fatalf("users = %+v", got)
	}
	for i, w := range wantUsers {
		u := got[i]
		if u.ID != int64(i+1) || u.Username != w.name || u.PersonID != w.person || len(u.Levels) != w.levels ||
			!strings.HasPrefix(u.Hash, wantPrefixes[i]) {
			t.Errorf("user %d = %+v, want %+v", i+1, u, w)
		}
	}
	// Spot check 5.
	if !slices.Equal(got[2].Levels, []string{"get_participants", "view_registration", "write_email"}) {
		t.Errorf("orga's levels = %v", got[2].Levels)
	}
	if s := queryString(t, pool, `SELECT string_agg(role, ',') FROM user_roles WHERE user_id = 3`); s != "organiser" {
		t.Errorf("orga's roles = %s", s)
	}
}

// checkAsStored compares every answer with the old database's JSON text by
// value, and every form by its text.
func checkAsStored(t *testing.T, pool *pgxpool.Pool, from string) {
	t.Helper()
	ctx := context.Background()
	src, err := legacy.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	d, err := src.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Registrations {
		stored := queryString(t, pool, `SELECT data::text FROM registrations WHERE id = $1`, r.ID)
		if !sameJSON(t, r.Data, stored) {
			t.Errorf("registration %d: stored %s\nold %s", r.ID, stored, r.Data)
		}
		var at *time.Time
		if err := pool.QueryRow(ctx, `SELECT confirmed_at FROM registrations WHERE id = $1`, r.ID).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if (at == nil) != (r.ConfirmedAt == nil) || (at != nil && !at.Equal(*r.ConfirmedAt)) {
			t.Errorf("registration %d confirmed at %v, old %v", r.ID, at, r.ConfirmedAt)
		}
	}
	for _, e := range d.Events {
		// The form's field order is the order of the schema's text, so the
		// text is kept exactly.
		stored := queryString(t, pool, `SELECT registration_schema::text FROM events WHERE id = $1`, e.ID)
		if stored != e.RegistrationSchema {
			t.Errorf("event %d: stored schema %s\nold %s", e.ID, stored, e.RegistrationSchema)
		}
	}
	for _, u := range d.Users {
		if h := queryString(t, pool, `SELECT password_hash FROM users WHERE id = $1`, u.ID); h != u.PasswordHash {
			t.Errorf("user %d's hash = %s, old %s", u.ID, h, u.PasswordHash)
		}
	}
}

// checkSequences: the next new rows get ids past the imported ones.
func checkSequences(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for table, want := range map[string]int{"persons": 41, "events": 6, "registrations": 61, "users": 5} {
		if got := queryInt(t, pool, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table); got != want {
			t.Errorf("next %s id = %d, want %d", table, got, want)
		}
	}
}
