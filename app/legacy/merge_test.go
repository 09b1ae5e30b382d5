package legacy_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

// memberdbInUse is a database that was used before the import: its rows
// clash with the old data by email, id, shortlink, username and role.
const memberdbInUse = `
	INSERT INTO persons (id, name, email, email_valid, membership_status)
		VALUES (16, 'Tobi Brückner', 'TOBIAS.brueckner@example.com', true, 'confirmed');
	INSERT INTO events (id, name, shortlink) VALUES (1, 'Sommerfest 2025', 'toolbox');
	INSERT INTO registrations (id, event_id, person_id, status) VALUES (1, 1, 16, 'confirmed');
	INSERT INTO users (id, username, password_hash, person_id) VALUES (1, 'ORGA', '!', 16);
	INSERT INTO roles (name) VALUES ('admin');
	INSERT INTO access_levels (name) VALUES ('user_admin');
	INSERT INTO role_access_levels (role, access_level) VALUES ('admin', 'user_admin');
	INSERT INTO user_roles (user_id, role) VALUES (1, 'admin');`

// existingRows prints memberdb's own rows, to prove none was changed.
func existingRows(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	return queryString(t, pool, `SELECT concat_ws(' | ',
		(SELECT p::text FROM persons p WHERE id = 16), (SELECT e::text FROM events e WHERE id = 1),
		(SELECT r::text FROM registrations r WHERE event_id = 1 AND person_id = 16),
		(SELECT u::text FROM users u WHERE id = 1),
		(SELECT string_agg(access_level, ',') FROM role_access_levels WHERE role = 'admin'),
		(SELECT string_agg(role, ',') FROM user_roles WHERE user_id = 1))`)
}

func TestMergeIntoDatabaseInUse(t *testing.T) {
	ctx := context.Background()
	pool, _ := legacytest.Target(t)
	if _, err := pool.Exec(ctx, memberdbInUse); err != nil {
		t.Fatal(err)
	}
	before := existingRows(t, pool)
	from := legacytest.SQLiteURL(t)

	if _, err := legacy.Import(ctx, pool, from, legacy.Options{}); err == nil || !strings.Contains(err.Error(), "already holds data (1 persons, 1 events, 1 registrations, 1 users)") {
		t.Fatalf("import without merge: %v", err)
	}
	rep := importLegacy(t, pool, from, legacy.Options{Merge: true, Declared: declared})
	want := map[string]legacy.Count{
		"persons":            {Table: "persons", Old: 40, Imported: 39, Matched: 1},
		"events":             {Table: "events", Old: 5, Imported: 5},
		"registrations":      {Table: "registrations", Old: 60, Imported: 60},
		"users":              {Table: "users", Old: 4, Imported: 3, Skipped: 1},
		"user_roles":         {Table: "user_roles", Old: 3, Imported: 2, Skipped: 1},
		"roles":              {Table: "roles", Old: 3, Imported: 2, Matched: 1},
		"role_access_levels": {Table: "role_access_levels", Old: 18, Imported: 6, Matched: 1, Skipped: 11},
		"access_levels":      {Table: "access_levels", Old: 12, Imported: 11, Matched: 1},
	}
	for table, w := range want {
		if got := rep.Count(table); got != w {
			t.Errorf("%s: %+v, want %+v", table, got, w)
		}
	}
	for _, w := range []string{
		`person 10: Tobias.Brueckner@Example.COM is memberdb person 16: kept memberdb's name (old "Tobias Brückner", memberdb "Tobi Brückner"), email (old "Tobias.Brueckner@Example.COM", memberdb "TOBIAS.brueckner@example.com")`,
		"person 16: id 16 is taken in memberdb; imported as person 41",
		"event 1: id 1 is taken in memberdb; imported as event 6",
		`event 2: shortlink "toolbox" is taken in memberdb; imported without`,
		"event_registration 1: id 1 is taken in memberdb; imported as registration 61",
		`user 3: username "orga" belongs to memberdb user 1 of another person; not imported`,
		"user 1: id 1 is taken in memberdb; imported as user 5",
		"role admin: exists in memberdb and keeps its access levels; the old role also had access_level_admin, event_admin",
		"roles 3/organiser: user 3 was not imported as a new user; role not granted",
	} {
		if !hasProblem(rep, w) {
			t.Errorf("report lacks %q:\n%s", w, problems(rep))
		}
	}
	if got := existingRows(t, pool); got != before {
		t.Errorf("memberdb's rows changed:\n%s\n%s", before, got)
	}
	for q, want := range map[string]int{
		// Old person 10's registrations follow them to memberdb person 16.
		`SELECT count(*) FROM registrations WHERE person_id = 16`:                                                 1 + 1,
		`SELECT count(*) FROM registrations WHERE event_id = 6`:                                                   8,
		`SELECT count(*) FROM persons WHERE id = 41 AND email = 'siobhan.obrien@tu-dortmund.de'`:                  1,
		`SELECT count(*) FROM events WHERE id = 6 AND shortlink = 'absolventenfeier'`:                             1,
		`SELECT count(*) FROM user_roles WHERE user_id = 5 AND role = 'admin'`:                                    1,
		`SELECT count(*) FROM users WHERE id = 5 AND username = 'admin' AND password_hash LIKE 'pbkdf2:sha256:%'`: 1,
		`SELECT nextval(pg_get_serial_sequence('persons', 'id'))`:                                                 42,
	} {
		if got := queryInt(t, pool, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}

	// A second merge finds everything there and changes nothing.
	merged := snapshot(t, pool)
	again := importLegacy(t, pool, from, legacy.Options{Merge: true, Declared: declared})
	if got := snapshot(t, pool); got != merged {
		t.Errorf("the second merge changed the database:\n%s\n%s", merged, got)
	}
	for _, c := range again.Counts {
		if c.Imported != 0 {
			t.Errorf("the second merge imported %+v", c)
		}
	}
	wantAgain := map[string]legacy.Count{
		"persons":       {Table: "persons", Old: 40, Matched: 40},
		"events":        {Table: "events", Old: 5, Matched: 5},
		"registrations": {Table: "registrations", Old: 60, Matched: 60},
		"users":         {Table: "users", Old: 4, Matched: 3, Skipped: 1},
	}
	for table, w := range wantAgain {
		if got := again.Count(table); !reflect.DeepEqual(got, w) {
			t.Errorf("second merge %s: %+v, want %+v", table, got, w)
		}
	}
}

func hasProblem(rep *legacy.Report, want string) bool {
	for _, p := range rep.Problems {
		if strings.HasPrefix(p.Table+" "+p.ID+": "+p.Reason, want) {
			return true
		}
	}
	return false
}

func problems(rep *legacy.Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString(p.Table + " " + p.ID + ": " + p.Reason + "\n")
	}
	return b.String()
}
