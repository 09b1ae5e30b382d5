package legacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

// fixtures are the two old databases, each opened fresh for one test.
var fixtures = []struct {
	name string
	from func(t testing.TB) string
}{
	{"sqlite", legacytest.SQLiteURL},
	{"postgres", legacytest.Postgres},
}

// declared stands in for the levels memberdb's routes declare.
var declared = []string{"get_participants", "get_members", "member_management", "write_email", "view_registration"}

func importLegacy(t testing.TB, pool *pgxpool.Pool, from string, opts legacy.Options) *legacy.Report {
	t.Helper()
	rep, err := legacy.Import(context.Background(), pool, from, opts)
	if err != nil {
		t.Fatalf("import %s: %v", from, err)
	}
	return rep
}

// snapshot fingerprints every table the import writes (and the audit log
// and id sequences), so a test can prove that nothing changed.
func snapshot(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, table := range []string{"persons", "events", "registrations", "users", "roles", "access_levels",
		"role_access_levels", "user_roles", "tu_status", "audit_log"} {
		var n int
		var sum string
		q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %s x`, table)
		if err := pool.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %s\n", table, n, sum)
	}
	for _, table := range []string{"persons", "events", "registrations", "users", "tu_status", "audit_log"} {
		var last *int64
		q := fmt.Sprintf(`SELECT pg_sequence_last_value(pg_get_serial_sequence('%s', 'id'))`, table)
		if err := pool.QueryRow(ctx, q).Scan(&last); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s_id_seq %v\n", table, fmtPtr(last))
	}
	return b.String()
}

func fmtPtr(p *int64) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

func queryInt(t testing.TB, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func queryString(t testing.TB, pool *pgxpool.Pool, q string, args ...any) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// sameJSON compares JSON texts by value, numbers by their spelling (so
// 4 and 4.0 differ), as jsonb normalises only escapes and spacing.
func sameJSON(t testing.TB, a, b string) bool {
	t.Helper()
	decode := func(s string) any {
		d := json.NewDecoder(bytes.NewReader([]byte(s)))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		return v
	}
	return reflect.DeepEqual(decode(a), decode(b))
}

// wantCounts are the fixture README's row counts, as a fresh import
// reports them. memberdb's migrations seed the five relations to the
// university, so the old ones are matched, not created.
var wantCounts = []legacy.Count{
	{Table: "tu_status", Old: 5, Matched: 5},
	{Table: "membership_status", Old: 5, Matched: 5},
	{Table: "membership_type", Old: 2, Matched: 2},
	{Table: "persons", Old: 40, Imported: 40},
	{Table: "events", Old: 5, Imported: 5},
	{Table: "registration_status", Old: 4, Matched: 4},
	{Table: "registrations", Old: 60, Imported: 60},
	{Table: "access_levels", Old: 12, Imported: 12},
	{Table: "roles", Old: 3, Imported: 3},
	{Table: "role_access_levels", Old: 18, Imported: 18},
	{Table: "users", Old: 4, Imported: 4},
	{Table: "user_roles", Old: 3, Imported: 3},
}
