package admin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

// oneConnection is a pool whose statements all run on one connection, so
// what they leave there can be looked at.
func oneConnection(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// search runs the person search for the query string query on pool.
func search(t *testing.T, pool *pgxpool.Pool, query string) personsFound {
	t.Helper()
	h := &Handler{pool: pool}
	lq := parseList(httptest.NewRequest(http.MethodGet, "/admin/persons?"+query, nil), &personsList)
	found, err := h.findPersons(t.Context(), &lq)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// Collecting a search's matches is planned for its words at every
// execution: PostgreSQL would switch a prepared statement to a generic
// plan after five, which guessed how common every word is alike. Paging
// through a common term and looking for similar names have one right
// plan for every word, made once per connection, unless a filter's values
// change what is cheapest. Either way, a search's settings end with it.
func TestSearchStatementsArePlannedForTheirWordsWhereThatMatters(t *testing.T) {
	pool := oneConnection(t)
	ctx := t.Context()
	// Enough persons with one word that it is too common to page through
	// its matches, and some not found in the walk.
	seedPlanProbes(t)
	// Single words that begin many persons' words are known to be common
	// without collecting (commonWord); the others collect.
	for _, q := range []string{"anna", "müller", "lena k", "weber", "planprobe", "nguyen", "example.org", "zz", "schmitd", "planprobr", "planrare",
		"planrare weber", "müller planprobe", "lanprobe"} {
		search(t, pool, "q="+url.QueryEscape(q))
		search(t, pool, "status=confirmed&q="+url.QueryEscape(q))
	}
	plans := func(filtered, collecting bool) (generic, custom int64) {
		t.Helper()
		err := pool.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
			FROM pg_prepared_statements
			WHERE (statement LIKE 'WITH p AS MATERIALIZED%' OR statement LIKE '%FROM persons p%ORDER BY%')
			AND (statement LIKE '%membership_status = $%') = $1
			AND (statement LIKE 'WITH p AS MATERIALIZED%search_text%' AND statement NOT LIKE '%search_name_words%') = $2`, filtered, collecting).Scan(&generic, &custom)
		if err != nil {
			t.Fatal(err)
		}
		return generic, custom
	}
	if generic, custom := plans(false, true); generic != 0 || custom < 10 {
		t.Errorf("collecting matches: %d generic plans, %d custom plans; want none generic, one custom per search", generic, custom)
	}
	if generic, custom := plans(true, true); generic != 0 || custom < 10 {
		t.Errorf("collecting matches with a filter: %d generic plans, %d custom plans; want none generic, one custom per search", generic, custom)
	}
	if generic, custom := plans(false, false); custom != 0 || generic < 3 {
		t.Errorf("paging through a common term and similar names: %d generic plans, %d custom plans; want only generic ones", generic, custom)
	}
	if generic, custom := plans(true, false); generic != 0 || custom < 3 {
		t.Errorf("paging through a common term and similar names with a filter: %d generic plans, %d custom plans; want only custom ones", generic, custom)
	}
	for _, setting := range []string{"plan_cache_mode", "max_parallel_workers_per_gather", "cpu_operator_cost", "cpu_tuple_cost",
		"enable_seqscan", "enable_indexscan", "enable_bitmapscan", "jit", "pg_trgm.word_similarity_threshold"} {
		var got, want string
		err := pool.QueryRow(ctx, `SELECT current_setting($1, true), reset_val FROM pg_settings WHERE name = $1`, setting).Scan(&got, &want)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(setting, "cpu_") {
			// reset_val has no unit formatting; current_setting does.
			if err := pool.QueryRow(ctx, `SELECT $1::float8::text`, want).Scan(&want); err != nil {
				t.Fatal(err)
			}
		}
		if got != want {
			t.Errorf("after the searches, %s is %s on the connection, want %s", setting, got, want)
		}
	}
}

// seedPlanProbes adds 300 persons named Planrare, then more named
// Planprobe than the first page's walk reads, then 5 more named Planrare:
// both more than the search counts, and enough that reading the whole
// table costs more than an index. The walk finds only 5 of Planrare.
// They are deleted when t ends.
func seedPlanProbes(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	admin := dbtest.Pool(t)
	for _, seed := range []string{
		`INSERT INTO persons (name, email)
		SELECT 'Planrare Weber ' || i, 'planrare' || i || '@example.org' FROM generate_series(1, 300) i`,
		`INSERT INTO persons (name, email)
		SELECT 'Planprobe Müller ' || i, 'planprobe' || i || '@example.org' FROM generate_series(1, ` + strconv.Itoa(walkBudget*25) + `) i`,
		`INSERT INTO persons (name, email)
		SELECT 'Planrare Weber ' || i, 'planrare' || i || '@example.org' FROM generate_series(301, 305) i`,
	} {
		if _, err := admin.Exec(ctx, seed); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DELETE FROM persons WHERE email LIKE 'planprobe%@example.org' OR email LIKE 'planrare%@example.org'`); err != nil {
			t.Error(err)
		}
	})
	if _, err := admin.Exec(ctx, `ANALYZE persons`); err != nil {
		t.Fatal(err)
	}
}

// The plans made once must be right for every word: a common term's
// page walks the id index for a bounded number of persons, however many
// there are; a term not found among them has its matches fetched through
// the trigram index and sorted; similar names are found through the
// trigram index. None reads the whole table.
func TestSearchPlansMadeOnceFitEveryWord(t *testing.T) {
	seedPlanProbes(t)
	pool := oneConnection(t)
	if found := search(t, pool, "q=planprobe"); !found.capped || len(found.rows) != 25 {
		t.Fatalf("a search for many persons: capped %v, %d rows; want capped, 25 rows", found.capped, len(found.rows))
	}
	var newestRare []int64
	err := pool.QueryRow(t.Context(), `SELECT array_agg(id ORDER BY id DESC) FROM (SELECT id FROM persons
		WHERE name LIKE 'Planrare %' ORDER BY id DESC LIMIT 25) s`).Scan(&newestRare)
	if err != nil {
		t.Fatal(err)
	}
	found := search(t, pool, "q=planrare")
	got := foundIDs(found)
	if !found.capped || !slices.Equal(got, newestRare) {
		t.Fatalf("a search for 300 old persons: capped %v, rows %v; want capped, the newest 25 %v", found.capped, got, newestRare)
	}
	if found := search(t, pool, "q=planprobr+m%C3%BCllr"); !found.fuzzy || len(found.rows) == 0 {
		t.Fatalf("a mistyped name finds no similar names: %+v", found)
	}
	if found := search(t, pool, "q=planprobr"); !found.fuzzy || len(found.rows) != 25 || !strings.HasPrefix(found.rows[0].Name, "Planprobe ") {
		t.Fatalf("a mistyped word finds no page of similar names: %+v", found)
	}
	tests := []struct {
		statement string
		settings  searchSettings
		want      []string
		not       []string
	}{
		{"SELECT p.id, %FROM (SELECT * FROM persons p ORDER BY p.id DESC%LIMIT %search_text LIKE %", searchSettings{once: true, indexOnly: true},
			[]string{"Index Scan Backward using persons_pkey"}, []string{"Seq Scan on persons", "Bitmap"}},
		{"SELECT p.id, %FROM persons p LEFT JOIN tu_status%search_text LIKE % ORDER BY p.id DESC%", searchSettings{once: true, indexOnly: true, sortedMatches: true},
			[]string{"Bitmap Index Scan on persons_search_text_trgm_idx", "Sort"}, []string{"Seq Scan on persons", "persons_pkey"}},
		{"WITH p AS MATERIALIZED (SELECT % FROM persons p WHERE % <% p.name %", searchSettings{cost: searchOperatorCost, threshold: "0.5", once: true, indexOnly: true},
			[]string{"Bitmap Index Scan on persons_name_trgm_idx"}, []string{"Seq Scan on persons"}},
		// A word's similar names: through the words of names, whose number
		// does not grow with the persons', then by id.
		{"WITH p AS MATERIALIZED (SELECT %search_name_words%", searchSettings{cost: searchOperatorCost, threshold: "0.5", once: true, indexOnly: true, inOrder: true},
			[]string{"search_name_words_trgm_idx", "person_search_words_pkey", "persons_pkey"}, []string{"Seq Scan", "persons_name_trgm_idx", "Bitmap"}},
	}
	for _, tt := range tests {
		plan := genericPlan(t, pool, tt.statement, tt.settings)
		for _, w := range tt.want {
			if !strings.Contains(plan, w) {
				t.Errorf("plan of %q lacks %q:\n%s", tt.statement, w, plan)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(plan, n) {
				t.Errorf("plan of %q has %q:\n%s", tt.statement, n, plan)
			}
		}
	}
}

// genericPlan is the cached plan of the one prepared statement on pool's
// connection whose text is like pattern, explained with the settings the
// search runs it with: should the cached plan have been dropped in the
// meantime, PostgreSQL plans it again with them. A generic plan is the
// same for any arguments: a pattern for text, 25 for numbers.
func genericPlan(t *testing.T, pool *pgxpool.Pool, pattern string, settings searchSettings) string {
	t.Helper()
	ctx := t.Context()
	var name string
	var types []string
	err := pool.QueryRow(ctx, `SELECT name, parameter_types::text[] FROM pg_prepared_statements
		WHERE statement LIKE $1 AND statement NOT LIKE '%membership_status = $%' AND generic_plans > 0`, pattern).Scan(&name, &types)
	if err != nil {
		rows, _ := pool.Query(ctx, `SELECT statement || ' ' || generic_plans FROM pg_prepared_statements`)
		all, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		t.Fatalf("prepared statement like %q with a generic plan: %v\n%s", pattern, err, strings.Join(all, "\n"))
	}
	var args []string
	for _, typ := range types {
		if typ == "text" {
			args = append(args, "'%planprobe%'")
		} else {
			args = append(args, "25")
		}
	}
	var plan []string
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		set, setArgs := settings.sql()
		if _, err := tx.Exec(ctx, set, setArgs...); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `EXPLAIN EXECUTE `+pgx.Identifier{name}.Sanitize()+`(`+strings.Join(args, ", ")+`)`)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		t.Fatalf("%s with %d arguments: %v", name, len(types), err)
	}
	return strconv.Quote(name) + "\n" + strings.Join(plan, "\n")
}

// The pages of a common term are its matches in the list's order, page
// after page, whichever way they are read: walked, or sorted when the
// walk does not find them.
func TestCommonTermPagesFollowTheOrder(t *testing.T) {
	seedPlanProbes(t)
	pool := oneConnection(t)
	tests := []struct {
		query string
		// where and order select the page's persons directly.
		where, order string
		offset       int
	}{
		{"q=planprobe", "name LIKE 'Planprobe %'", "id DESC", 0},
		{"q=planprobe&page=2", "name LIKE 'Planprobe %'", "id DESC", 25},
		{"q=planprobe&page=8", "name LIKE 'Planprobe %'", "id DESC", 175},
		// Past the counted matches: the last page of them.
		{"q=planprobe&page=9", "name LIKE 'Planprobe %'", "id DESC", 175},
		{"q=planprobe&sort=id&dir=asc&page=2", "name LIKE 'Planprobe %'", "id ASC", 25},
		{"q=planprobe+m%C3%BCller&status=none", "name LIKE 'Planprobe %' AND membership_status IS NULL", "id DESC", 0},
		{"q=planrare", "name LIKE 'Planrare %'", "id DESC", 0},
		{"q=planrare&page=3", "name LIKE 'Planrare %'", "id DESC", 50},
		{"q=planrare&sort=name&dir=desc", "name LIKE 'Planrare %'", "lower(name) DESC, id DESC", 0},
		// Umlauts and capitals in a page walked with the plan made once.
		{"q=PLANPR%C3%96BE+M%C3%BCller", "name LIKE 'Planprobe %'", "id DESC", 0},
		// A word too short for the index, beside one that uses it.
		{"q=planrare+we", "name LIKE 'Planrare %'", "id DESC", 0},
		// No word the index can use: the planner's page.
		{"q=pl&page=2", "search_text LIKE '%pl%'", "id DESC", 25},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var want []int64
			err := pool.QueryRow(t.Context(), `SELECT coalesce(array_agg(id), '{}') FROM (SELECT id FROM persons
				WHERE `+tt.where+` ORDER BY `+tt.order+` LIMIT 25 OFFSET `+strconv.Itoa(tt.offset)+`) s`).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			found := search(t, pool, tt.query)
			got := foundIDs(found)
			if !found.capped || len(want) != 25 || !slices.Equal(got, want) {
				t.Fatalf("capped %v, rows %v; want capped, %v", found.capped, got, want)
			}
		})
	}
}

// Searches read a person row by position: its fields must stay in the
// order of personColumns.
func TestPersonRowFieldsAreInTheOrderOfItsColumns(t *testing.T) {
	rows, err := dbtest.Pool(t).Query(t.Context(), personSelect+" LIMIT 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var columns []string
	for _, f := range rows.FieldDescriptions() {
		columns = append(columns, strings.ReplaceAll(f.Name, "_", ""))
	}
	var fields []string
	for f := range reflect.TypeFor[personRow]().Fields() {
		fields = append(fields, strings.ToLower(f.Name))
	}
	if !slices.Equal(columns, fields) {
		t.Fatalf("personColumns %v, personRow's fields %v", columns, fields)
	}
}

// Characters that unaccent turns into LIKE's special ones match
// themselves, and a search cut to its longest is cut between characters.
func TestSearchInputsMatchAsTyped(t *testing.T) {
	seedPlanProbes(t)
	pool := oneConnection(t)
	for _, q := range []string{"planprobe ％", "planprobe ＿", "planprobe ＼", "planprobe %", "planprobe _"} {
		if found := search(t, pool, "q="+url.QueryEscape(q)); found.capped || found.total > 0 && !found.fuzzy {
			t.Errorf("%q matched as a wildcard: capped %v, total %d", q, found.capped, found.total)
		}
	}
	if found := search(t, pool, "q="+url.QueryEscape(strings.Repeat("a", 199)+"ü")); found.total != 0 {
		t.Errorf("a search of 199 a and ü found %d", found.total)
	}
}

// A capped term whose collected matches lie far apart walks a shorter
// stretch of the persons before fetching and sorting its matches; its page
// is its matches in order whether they lie far apart everywhere or are
// common among the newest persons only.
func TestFarApartMatchesHaveTheirPage(t *testing.T) {
	if walkFor(1000) != walkBudget || walkFor(2*walkBudget*(searchCountCap+1)+1) != sparseWalkBudget {
		t.Fatalf("walkFor: %d for close matches, %d for far apart ones", walkFor(1000), walkFor(1e9))
	}
	seedPlanProbes(t)
	ctx := t.Context()
	admin := dbtest.Pool(t)
	gap := strconv.Itoa(4 * walkBudget * (searchCountCap + 1))
	for _, seed := range []string{
		// Planthin: 150 old persons, 150 among the newest.
		`INSERT INTO persons (name, email) SELECT 'Planthin Weber ' || i, 'planthin' || i || '@example.org' FROM generate_series(1, 150) i`,
		`SELECT setval('persons_id_seq', nextval('persons_id_seq') + ` + gap + `)`,
		`INSERT INTO persons (name, email) SELECT 'Planthin Weber ' || i, 'planthin' || i || '@example.org' FROM generate_series(151, 300) i`,
		// Planfar: 210 persons, each far from the next.
		`DO $$ BEGIN FOR i IN 1..210 LOOP
			INSERT INTO persons (name, email) VALUES ('Planfar Weber ' || i, 'planfar' || i || '@example.org');
			PERFORM setval('persons_id_seq', nextval('persons_id_seq') + ` + strconv.Itoa(4*walkBudget) + `);
		END LOOP; END $$`,
		`ANALYZE persons`,
	} {
		if _, err := admin.Exec(ctx, seed); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), `DELETE FROM persons WHERE email LIKE 'planthin%@example.org' OR email LIKE 'planfar%@example.org'`); err != nil {
			t.Error(err)
		}
	})
	pool := oneConnection(t)
	for _, tt := range []struct{ query, where string }{
		{"q=planthin+weber", "name LIKE 'Planthin Weber %'"},
		{"q=planfar+weber", "name LIKE 'Planfar Weber %'"},
		{"q=planfar+weber&page=3", "name LIKE 'Planfar Weber %'"},
		{"q=planprobe+m%C3%BCller", "name LIKE 'Planprobe %'"},
	} {
		lq := parseList(httptest.NewRequest(http.MethodGet, "/admin/persons?"+tt.query, nil), &personsList)
		var want []int64
		err := pool.QueryRow(ctx, `SELECT array_agg(id) FROM (SELECT id FROM persons WHERE `+tt.where+`
			ORDER BY id DESC LIMIT 25 OFFSET $1) s`, lq.offset()).Scan(&want)
		if err != nil {
			t.Fatal(err)
		}
		found := search(t, pool, tt.query)
		got := foundIDs(found)
		if !found.capped || !slices.Equal(got, want) {
			t.Fatalf("%s: capped %v, rows %v; want capped, %v", tt.query, found.capped, got, want)
		}
	}
}

// foundIDs are the ids of found's rows, in order.
func foundIDs(found personsFound) []int64 {
	var ids []int64
	for _, r := range found.rows {
		ids = append(ids, r.ID)
	}
	return ids
}
