package admin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

// A search statement is prepared once per connection, yet planned for its
// words at every execution: PostgreSQL would switch a prepared statement
// to a generic plan after five, which fetched and sorted every match of a
// common name. Its settings end with the search.
func TestSearchStatementsArePlannedForTheirWordsEachTime(t *testing.T) {
	cfg, err := pgxpool.ParseConfig(dbtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // every search below on the same connection
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx := t.Context()

	for _, q := range []string{"anna", "müller", "lena k", "weber", "schmidt", "nguyen", "example.org", "zz"} {
		lq := parseList(httptest.NewRequest(http.MethodGet, "/admin/persons?q="+url.QueryEscape(q), nil), &personsList)
		wh := personFilters(lq)
		searchWords(wh, lq.Q)
		var found personsFound
		if err := searchPage(ctx, pool, wh, &lq, &found); err != nil {
			t.Fatal(err)
		}
	}
	var generic, custom int64
	err = pool.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
		FROM pg_prepared_statements WHERE statement LIKE 'WITH p AS MATERIALIZED%'`).Scan(&generic, &custom)
	if err != nil {
		t.Fatal(err)
	}
	if generic != 0 || custom < 8 {
		t.Fatalf("search statements: %d generic plans, %d custom plans; want none generic, one custom per search", generic, custom)
	}
	for setting, want := range map[string]string{"plan_cache_mode": "auto", "max_parallel_workers_per_gather": defaultOf(ctx, t, pool, "max_parallel_workers_per_gather"), "cpu_operator_cost": defaultOf(ctx, t, pool, "cpu_operator_cost")} {
		var got string
		if err := pool.QueryRow(ctx, `SELECT current_setting($1)`, setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after the searches, %s is %s on the connection, want %s", setting, got, want)
		}
	}
}

// defaultOf is setting's value when the connection started.
func defaultOf(ctx context.Context, t *testing.T, pool *pgxpool.Pool, setting string) string {
	t.Helper()
	var v string
	if err := pool.QueryRow(ctx, `SELECT reset_val FROM pg_settings WHERE name = $1`, setting).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if setting == "cpu_operator_cost" {
		// reset_val has no unit formatting; current_setting does.
		if err := pool.QueryRow(ctx, `SELECT $1::float8::text`, v).Scan(&v); err != nil {
			t.Fatal(err)
		}
	}
	return v
}
