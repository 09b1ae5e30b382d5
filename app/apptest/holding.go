package apptest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TablesHolding lists the tables of the app's database where text
// appears, ignoring case, in any row's text form, or as bytes in a binary
// column: what erasure tests search for a name, an address or an IBAN.
func (a *App) TablesHolding(t testing.TB, text string) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := a.Pool.Query(ctx, `
		SELECT c.table_name, string_agg(c.column_name, ',') FILTER (WHERE c.data_type = 'bytea')
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		Name  string
		Bytea *string
	}
	tables, err := pgx.CollectRows(rows, pgx.RowToStructByPos[table])
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, tb := range tables {
		cond := `strpos(lower(t::text), lower($1)) > 0`
		if tb.Bytea != nil {
			for _, col := range strings.Split(*tb.Bytea, ",") {
				cond += ` OR position(convert_to($1, 'UTF8') IN coalesce(t.` + pgx.Identifier{col}.Sanitize() + `, ''::bytea)) > 0`
			}
		}
		var n int
		if err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tb.Name}.Sanitize()+` t WHERE `+cond, text).Scan(&n); err != nil {
			t.Fatalf("search %s: %v", tb.Name, err)
		}
		if n > 0 {
			found = append(found, tb.Name)
		}
	}
	slices.Sort(found)
	return found
}
