package legacy_test

import (
	"testing"

	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

// Rows memberdb cannot hold as they are: the import goes on, maps what it
// can, and lists every such row with the reason.
func TestImportListsRowsItCannotMap(t *testing.T) {
	from := editSQLite(t,
		`INSERT INTO membership_status VALUES ('honorary')`,
		`UPDATE person SET membership_status_id = 'honorary' WHERE id = 5`,
		`UPDATE person SET email = 'LEA.SCHAEFER@tu-dortmund.de' WHERE id = 6`,
		`UPDATE person SET date_of_birth = 'kein Datum' WHERE id = 7`,
		`INSERT INTO tu_status (id, name) VALUES (6, '  ')`,
		`UPDATE person SET tu_status_id = 6 WHERE id = 8`,
		`UPDATE event SET shortlink = '2024' WHERE id = 2`,
		`UPDATE event SET max_participants = -1 WHERE id = 4`,
		`UPDATE event_registration SET status_name = 'maybe' WHERE id = 10`,
		`UPDATE event_registration SET data = '{not json' WHERE id = 11`,
		`UPDATE event_registration SET data = NULL WHERE id = 12`,
		`UPDATE "user" SET username = NULL WHERE id = 4`,
		`UPDATE "user" SET password_hash = NULL WHERE id = 2`,
		`UPDATE "user" SET password_hash = 'md5$abc' WHERE id = 3`,
	)
	pool, _ := legacytest.Target(t)
	rep := importLegacy(t, pool, from, legacy.Options{})
	t.Log("\n" + problems(rep))

	for _, w := range []string{
		`membership_status honorary: memberdb knows no such value`,
		`person 5: membership status "honorary" is unknown to memberdb; imported without one`,
		`person 6: LEA.SCHAEFER@tu-dortmund.de is the address of person 3 apart from case; merged into that person`,
		`person 7: cannot be read: column date_of_birth: "kein Datum" is not a date; not imported`,
		`tu_status 6: has no name; not imported`,
		`person 8: tu_status 6 was not imported; imported without one`,
		`event 2: shortlink "2024" is not allowed in memberdb`,
		`event 4: max_participants -1 is negative; imported without a limit`,
		`event_registration 10: status "maybe" is unknown to memberdb; not imported`,
		`event_registration 11: answers are not a JSON object; not imported`,
		`event_registration 12: has no answers stored; imported with empty answers`,
		`user 4: has no username; imported with the person's email "gerd.duesterhoeft@`,
		`user 2: "vorstand" has no password; they set one through the password reset`,
		`user 3: "orga" has a password hash of an unknown format`,
	} {
		if !hasProblem(rep, w) {
			t.Errorf("report lacks %q", w)
		}
	}
	if c := rep.Count("persons"); c != (legacy.Count{Table: "persons", Old: 40, Imported: 38, Matched: 1, Skipped: 1}) {
		t.Errorf("persons: %+v", c)
	}
	regs := rep.Count("registrations")
	if regs.Old != 60 || regs.Imported+regs.Matched+regs.Skipped != 60 || regs.Skipped < 3 {
		t.Errorf("registrations: %+v", regs)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM registrations`); n != regs.Imported {
		t.Errorf("%d registrations stored, %d reported imported", n, regs.Imported)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM persons WHERE id IN (6, 7)`:                                 0,
		`SELECT count(*) FROM persons WHERE id = 5 AND membership_status IS NULL`:         1,
		`SELECT count(*) FROM persons WHERE id = 8 AND tu_status_id IS NULL`:              1,
		`SELECT count(*) FROM tu_status`:                                                  5,
		`SELECT count(*) FROM events WHERE id = 2 AND shortlink IS NULL`:                  1,
		`SELECT count(*) FROM events WHERE id = 4 AND max_participants IS NULL`:           1,
		`SELECT count(*) FROM registrations WHERE id IN (10, 11)`:                         0,
		`SELECT count(*) FROM registrations WHERE id = 12 AND data = '{}'`:                1,
		`SELECT count(*) FROM users WHERE id = 2 AND password_hash = '!'`:                 1,
		`SELECT count(*) FROM users WHERE id = 4 AND username LIKE 'gerd.duesterhoeft@%'`: 1,
		// Person 6's registration 42 follows them to person 3.
		`SELECT count(*) FROM registrations WHERE id = 42 AND person_id = 3`:                 1,
		`SELECT count(*) FROM registrations WHERE person_id NOT IN (SELECT id FROM persons)`: 0,
	} {
		if got := queryInt(t, pool, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}
