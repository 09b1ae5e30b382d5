package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

var lastName atomic.Int64

// unique returns a name no other test in this process uses.
func unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, lastName.Add(1)) }

// newUser stores a person with a login and returns the user's id.
func newUser(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	name := unique("audit-user")
	var id int64
	err := pool.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO persons (name, email) VALUES ($1, $1 || '@example.org') RETURNING id)
		INSERT INTO users (username, password_hash, person_id) SELECT $1, 'x', id FROM p RETURNING id`,
		name).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// row is one line of audit_log as read back.
type row struct {
	UserID   *int64
	Actor    string
	Table    string
	RowID    string
	Field    string
	OldValue *string
	NewValue *string
}

// recorded reads the audit_log lines of rowID in the order they were written.
func recorded(t *testing.T, pool *pgxpool.Pool, rowID string) []row {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT user_id, actor, table_name, row_id, field, old_value, new_value
		FROM audit_log WHERE row_id = $1 ORDER BY id`, rowID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.UserID, &x.Actor, &x.Table, &x.RowID, &x.Field, &x.OldValue, &x.NewValue)
		return x, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func show(p *string) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprintf("%q", *p)
}

func showID(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

func (r row) String() string {
	return fmt.Sprintf("{user %s, actor %q, table %q, row %q, field %q, old %s, new %s}",
		showID(r.UserID), r.Actor, r.Table, r.RowID, r.Field, show(r.OldValue), show(r.NewValue))
}

func TestRecordWritesWhatItIsGiven(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	admin := newUser(t, pool)
	cases := []struct {
		name string
		// entries builds the entries for the row id the case owns; the
		// same row id is expected on every written line.
		entries func(rowID string) []audit.Entry
		want    func(rowID string) []row
	}{
		{
			name: "an admin changes one field",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "email",
					OldValue: audit.Value("alt@example.org"), NewValue: audit.Value("neu@example.org")}}
			},
			want: func(id string) []row {
				return []row{{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "email",
					OldValue: audit.Value("alt@example.org"), NewValue: audit.Value("neu@example.org")}}
			},
		},
		{
			name: "a participant through a link, no user logged in",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{{Actor: audit.ActorParticipant, Table: "registrations", RowID: id, Field: "answers",
					OldValue: audit.Value(`{"essen":"vegan"}`), NewValue: audit.Value(`{"essen":"alles"}`)}}
			},
			want: func(id string) []row {
				return []row{{Actor: "participant via link", Table: "registrations", RowID: id, Field: "answers",
					OldValue: audit.Value(`{"essen":"vegan"}`), NewValue: audit.Value(`{"essen":"alles"}`)}}
			},
		},
		{
			name: "a whole-row action has an empty field and no old value",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{{UserID: &admin, Actor: "vorstand", Table: "events", RowID: id, NewValue: audit.Value("Sommerfest")}}
			},
			want: func(id string) []row {
				return []row{{UserID: &admin, Actor: "vorstand", Table: "events", RowID: id, Field: "", NewValue: audit.Value("Sommerfest")}}
			},
		},
		{
			name: "an empty value is kept apart from no value",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "date_of_birth",
					OldValue: audit.Value(""), NewValue: nil}}
			},
			want: func(id string) []row {
				return []row{{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "date_of_birth",
					OldValue: audit.Value(""), NewValue: nil}}
			},
		},
		{
			name: "text is stored verbatim",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{{Actor: audit.ActorParticipant, Table: "persons", RowID: id, Field: "name",
					OldValue: audit.Value("Jürgen 'Jo' Müller\nZeile 2 – ∑ $x^2$"), NewValue: audit.Value("Robert'); DROP TABLE audit_log;--")}}
			},
			want: func(id string) []row {
				return []row{{Actor: audit.ActorParticipant, Table: "persons", RowID: id, Field: "name",
					OldValue: audit.Value("Jürgen 'Jo' Müller\nZeile 2 – ∑ $x^2$"), NewValue: audit.Value("Robert'); DROP TABLE audit_log;--")}}
			},
		},
		{
			name: "several entries are all written, in order",
			entries: func(id string) []audit.Entry {
				return []audit.Entry{
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "name", OldValue: audit.Value("A"), NewValue: audit.Value("B")},
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "email", OldValue: audit.Value("a@x.de"), NewValue: audit.Value("b@x.de")},
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "language", OldValue: audit.Value("de"), NewValue: audit.Value("en")},
				}
			},
			want: func(id string) []row {
				return []row{
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "name", OldValue: audit.Value("A"), NewValue: audit.Value("B")},
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "email", OldValue: audit.Value("a@x.de"), NewValue: audit.Value("b@x.de")},
					{UserID: &admin, Actor: "vorstand", Table: "persons", RowID: id, Field: "language", OldValue: audit.Value("de"), NewValue: audit.Value("en")},
				}
			},
		},
		{
			name:    "no entries write nothing",
			entries: func(string) []audit.Entry { return nil },
			want:    func(string) []row { return nil },
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rowID := unique("row")
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				return audit.Record(ctx, tx, c.entries(rowID)...)
			})
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			got, want := recorded(t, pool, rowID), c.want(rowID)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("audit_log holds\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestRecordSharesTheTransactionOfTheChange(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	admin := newUser(t, pool)
	unknownUser := int64(-1)
	cases := []struct {
		name string
		user *int64
		// afterRecord runs in the transaction after Record; commit says
		// whether the transaction is committed or rolled back at the end.
		afterRecord   func(tx pgx.Tx) error
		commit        bool
		wantRecordErr error
		wantStored    bool // both the change and its record
	}{
		{name: "committed: the change and its record are stored", user: &admin, commit: true, wantStored: true},
		{name: "rolled back: neither is stored", user: &admin, commit: false},
		{
			name: "the change fails after the record: neither is stored",
			user: &admin, commit: true,
			afterRecord: func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, "SELECT 1/0")
				return err
			},
		},
		{name: "the record fails: the change is not stored either", user: &unknownUser, commit: true, wantRecordErr: db.ErrReferenced},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			change := unique("tu-status")
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, "INSERT INTO tu_status (name) VALUES ($1)", change); err != nil {
				t.Fatal(err)
			}
			err = audit.Record(ctx, tx, audit.Entry{UserID: c.user, Actor: "vorstand", Table: "tu_status", RowID: change, NewValue: audit.Value(change)})
			if c.wantRecordErr == nil && err != nil {
				t.Fatalf("Record: %v", err)
			}
			if c.wantRecordErr != nil && !errors.Is(db.Map(err), c.wantRecordErr) {
				t.Fatalf("Record = %v, want an error that maps to %v", err, c.wantRecordErr)
			}
			if c.afterRecord != nil && c.afterRecord(tx) == nil {
				t.Fatal("the failing change did not fail")
			}
			if c.commit {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			failed := c.wantRecordErr != nil || c.afterRecord != nil
			if failed && !errors.Is(err, pgx.ErrTxCommitRollback) {
				t.Errorf("Commit of a failed transaction = %v, want %v", err, pgx.ErrTxCommitRollback)
			}
			if !failed && err != nil {
				t.Fatal(err)
			}

			var changed bool
			if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT FROM tu_status WHERE name = $1)", change).Scan(&changed); err != nil {
				t.Fatal(err)
			}
			records := len(recorded(t, pool, change))
			if changed != c.wantStored || records != map[bool]int{false: 0, true: 1}[c.wantStored] {
				t.Errorf("change stored %v with %d records; want stored %v with as many records", changed, records, c.wantStored)
			}
		})
	}
}

func TestValue(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"text", "x"},
		{"empty text is a value, not nil", ""},
		{"umlauts and line breaks", "Grüße\naus Köln"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, second := audit.Value(c.in), audit.Value(c.in)
			if first == nil || *first != c.in {
				t.Fatalf("Value(%q) = %s, want a pointer to %q", c.in, show(first), c.in)
			}
			if first == second {
				t.Fatalf("two calls of Value(%q) share one pointer", c.in)
			}
			*second = "changed"
			if *first != c.in {
				t.Errorf("changing one Value changed another to %q", *first)
			}
		})
	}
}
