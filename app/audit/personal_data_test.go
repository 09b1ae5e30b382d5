package audit_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// A person's export holds the changes to their reduced fee category and
// their fees; their erasure takes the category's values out of the log,
// as its row goes, and leaves the fees' values, kept as the fees are for
// the association's books. Another person's entries stay as they are.
func TestFeeEntriesInExportAndErasure(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	person := func() (int64, int64) {
		t.Helper()
		name := unique("fee-person")
		var id, fee int64
		err := pool.QueryRow(ctx, `INSERT INTO persons (name, email) VALUES ($1, $1 || '@example.org') RETURNING id`, name).Scan(&id)
		if err == nil {
			err = pool.QueryRow(ctx, `INSERT INTO fees (person_id, year, cents) VALUES ($1, 2035, 3000) RETURNING id`, id).Scan(&fee)
		}
		if err != nil {
			t.Fatal(err)
		}
		return id, fee
	}
	erased, erasedFee := person()
	other, otherFee := person()
	record := func(entries ...audit.Entry) {
		t.Helper()
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, entries...) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range [][2]int64{{erased, erasedFee}, {other, otherFee}} {
		person, fee := strconv.FormatInt(p[0], 10), strconv.FormatInt(p[1], 10)
		record(
			audit.Entry{Actor: "kasse", Table: "fee_categories", RowID: person, Field: "category", OldValue: audit.Value(""), NewValue: audit.Value("ermaessigt")},
			audit.Entry{Actor: "kasse", Table: "fees", RowID: fee, Field: "status", OldValue: audit.Value("due"), NewValue: audit.Value("waived")},
		)
	}

	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		s, err := persons.Collect(ctx, tx, erased, "", "")
		if err != nil {
			return err
		}
		var ex views.Export
		if err := persons.ExportAll(ctx, tx, s, &ex); err != nil {
			return err
		}
		var got []string
		for _, c := range ex.Changes {
			got = append(got, fmt.Sprintf("%s.%s %s", c.Table, c.Field, *c.NewValue))
		}
		if want := []string{"fee_categories.category ermaessigt", "fees.status waived"}; !slices.Equal(got, want) {
			t.Errorf("the export holds %v, want %v", got, want)
		}
		return persons.EraseAll(ctx, tx, s)
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		table string
		id    int64
		want  string
	}{
		{"fee_categories", erased, "NULL NULL"},
		{"fees", erasedFee, "due waived"},
		{"fee_categories", other, " ermaessigt"},
		{"fees", otherFee, "due waived"},
	} {
		var got string
		if err := pool.QueryRow(ctx, `SELECT coalesce(old_value, 'NULL') || ' ' || coalesce(new_value, 'NULL') FROM audit_log
			WHERE table_name = $1 AND row_id = $2`, tt.table, strconv.FormatInt(tt.id, 10)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("after the erasure, the %s entry of %d holds %q, want %q", tt.table, tt.id, got, tt.want)
		}
	}
}
