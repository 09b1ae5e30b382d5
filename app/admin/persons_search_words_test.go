package admin

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/persons"
)

// wordsOutOfStep counts the words person_search_words lacks or keeps
// beyond those of the persons' search_text.
const wordsOutOfStep = `SELECT
	(SELECT count(*) FROM persons p, unnest(search_words_of(p.search_text)) w
	 WHERE NOT EXISTS (SELECT 1 FROM person_search_words s WHERE s.word = w AND s.person_id = p.id))
	+ (SELECT count(*) FROM person_search_words s
	 WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = s.person_id AND s.word = ANY (search_words_of(p.search_text))))`

// nameWordsOutOfStep counts the words of names search_name_words lacks,
// and the words it keeps that no person's search words hold any more.
const nameWordsOutOfStep = `SELECT
	(SELECT count(*) FROM persons p, unnest(search_words_of(search_text_of(p.name))) w
	 WHERE NOT EXISTS (SELECT 1 FROM search_name_words n WHERE n.word = w))
	+ (SELECT count(*) FROM search_name_words n
	 WHERE NOT EXISTS (SELECT 1 FROM person_search_words s WHERE s.word = n.word))`

// The search's words follow every way a person row is written: created
// (also by the upsert registrations use), renamed, readdressed, changed in
// a column outside the search, anonymised and deleted.
func TestSearchWordsFollowThePersons(t *testing.T) {
	ctx := t.Context()
	pool := dbtest.Pool(t)
	wordsOf := func(id int64) []string {
		t.Helper()
		var words []string
		if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(word::text ORDER BY word), '{}') FROM person_search_words WHERE person_id = $1`, id).Scan(&words); err != nil {
			t.Fatal(err)
		}
		return words
	}
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO persons (name, email) VALUES ('Wortprobe Müller-Lüdenscheidt', 'wp.ml@beispiel.de') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), `DELETE FROM persons WHERE id = $1`, id) })
	steps := []struct {
		sql  string
		want []string
	}{
		{``, []string{"beispiel", "de", "ludenscheidt", "ml", "muller", "wortprobe", "wp"}},
		{`UPDATE persons SET name = 'Wortprobe Noether' WHERE id = $1`, []string{"beispiel", "de", "ml", "noether", "nother", "wortprobe", "wp"}},
		{`UPDATE persons SET email = 'neu@beispiel.de' WHERE id = $1`, []string{"beispiel", "de", "neu", "noether", "nother", "wortprobe"}},
		{`UPDATE persons SET membership_status = 'pending' WHERE id = $1`, []string{"beispiel", "de", "neu", "noether", "nother", "wortprobe"}},
	}
	inNames := func(w string) bool {
		t.Helper()
		var held bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM search_name_words WHERE word = $1)`, w).Scan(&held); err != nil {
			t.Fatal(err)
		}
		return held
	}
	namesInStep := func() {
		t.Helper()
		var names int
		if err := pool.QueryRow(ctx, nameWordsOutOfStep).Scan(&names); err != nil {
			t.Fatal(err)
		}
		if names != 0 {
			t.Fatalf("%d words of names are missing or left over", names)
		}
	}
	for i, s := range steps {
		if s.sql != "" {
			if _, err := pool.Exec(ctx, s.sql, id); err != nil {
				t.Fatal(err)
			}
		}
		if got := wordsOf(id); !slices.Equal(got, s.want) {
			t.Fatalf("step %d (%s): words %v, want %v", i, s.sql, got, s.want)
		}
		// The name's words are suggested for typos; the address's are not
		// names, and a name's word nobody bears any more goes.
		if i == 0 && (!inNames("ludenscheidt") || !inNames("wortprobe") || inNames("beispiel")) {
			t.Fatalf("step %d: the names' words lack the new name's or hold the address's", i)
		}
		namesInStep()
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		return members.Anonymise(ctx, tx, id, members.Actor{Name: "test"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	var placeholder []string
	if err := pool.QueryRow(ctx, `SELECT search_words_of(search_text) FROM persons WHERE id = $1`, id).Scan(&placeholder); err != nil {
		t.Fatal(err)
	}
	slices.Sort(placeholder)
	if got := wordsOf(id); !slices.Equal(got, placeholder) || slices.ContainsFunc(got, func(w string) bool {
		return slices.Contains([]string{"noether", "nother", "wortprobe", "neu"}, w)
	}) {
		t.Fatalf("an anonymised person's words are %v, want those of the placeholder %v", got, placeholder)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found, _, err := persons.FindOrCreate(ctx, tx, persons.New{Name: "Wortprobe Zweite", Email: "wortprobe.zweite@beispiel.de"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), `DELETE FROM persons WHERE id = $1`, found) })
	if got := wordsOf(found); !slices.Equal(got, []string{"beispiel", "de", "wortprobe", "zweite"}) {
		t.Fatalf("a person created by FindOrCreate has the words %v", got)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM persons WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := wordsOf(id); len(got) != 0 {
		t.Fatalf("a deleted person keeps the words %v", got)
	}
	// Wortprobe Zweite still bears the word; whether anyone else bears
	// noether, the count of words out of step says.
	if !inNames("wortprobe") {
		t.Fatalf("after anonymising and deleting, the names' words lack wortprobe, still borne by Wortprobe Zweite")
	}
	namesInStep()
	var apart, foreign int
	if err := pool.QueryRow(ctx, wordsOutOfStep).Scan(&apart); err != nil {
		t.Fatal(err)
	}
	// What the search relies on: a person's word occurs in their text.
	err = pool.QueryRow(ctx, `SELECT count(*) FROM person_search_words s
		WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = s.person_id AND strpos(p.search_text, s.word) > 0)`).Scan(&foreign)
	if err != nil {
		t.Fatal(err)
	}
	if apart != 0 || foreign != 0 {
		t.Fatalf("%d words of persons are missing or left over, %d are not in their person's text", apart, foreign)
	}
}

// Words are split at ASCII's punctuation and spaces only, so that the
// words of a text stay what they were when they were stored; letters of
// any script stay in their word, and words too long to search for are
// left out.
func TestSearchWordsOfAText(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"anna muller anna.mueller.12@example.org", []string{"12", "anna", "example", "mueller", "muller", "org"}},
		{"li  ying 李英 li_ying+tag@mail.cn", []string{"cn", "li", "mail", "tag", "ying", "李英"}},
		{"jean\u00a0luc o'neil-smith", []string{"jean\u00a0luc", "neil", "o", "smith"}},
		{strings.Repeat("x", 201) + " kurz", []string{"kurz"}},
		{"...", []string{}},
	}
	pool := dbtest.Pool(t)
	for _, tt := range tests {
		var got []string
		if err := pool.QueryRow(t.Context(), `SELECT search_words_of($1)`, tt.text).Scan(&got); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("search_words_of(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A word that begins the words of many persons answers "more than 200"
// without collecting the matches, and the page is the one the matches
// give; any other term is collected as before. Either way the answer is
// what the persons hold.
func TestCommonWordsAreOnlyAShortcut(t *testing.T) {
	seedPlanProbes(t)
	admin := dbtest.Pool(t)
	if _, err := admin.Exec(t.Context(), `INSERT INTO persons (name, email)
		SELECT 'Plandup Plandupa Plandupb', 'x' || i || '@dup.example.org' FROM generate_series(1, 150) i`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), `DELETE FROM persons WHERE email LIKE '%@dup.example.org'`)
	})
	pool := oneConnection(t)
	tests := []struct {
		q      string
		common bool
		// like is the LIKE pattern of search_text the matches fulfil.
		like string
	}{
		{"planprobe", true, "%planprobe%"},
		{"PLANPRÖBE", true, "%planprobe%"},
		// Begins the words of Plandup, Planprobe and Planrare, but the first
		// keys are three words of each of 150 persons: false says nothing,
		// and the matches are collected.
		{"plan", false, "%plan%"},
		{"planrare", true, "%planrare%"},
		{"lanprobe", false, "%lanprobe%"}, // inside words only
		{"planrare3", false, "%planrare3%"},
		{"planrare30", false, "%planrare30%"},
		{"müller", true, "%muller%"},
		{"planprobe7@", false, "%planprobe7@%"}, // words end at the @
		{"planprobe müller", false, "%planprobe%muller%"},
		// 150 persons, each with three words beginning so: 450 keys.
		{"plandup", false, "%plandup%"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			common, err := commonWord(t.Context(), pool, tt.q, false)
			if err != nil {
				t.Fatal(err)
			}
			if common != tt.common {
				t.Fatalf("commonWord(%q) = %v, want %v", tt.q, common, tt.common)
			}
			if common, err := commonWord(t.Context(), pool, tt.q, true); err != nil || common {
				t.Fatalf("with a filter, commonWord(%q) = %v, %v; want false", tt.q, common, err)
			}
			var count int
			var want []int64
			err = pool.QueryRow(t.Context(), `SELECT count(*), coalesce((array_agg(id ORDER BY id DESC))[1:25], '{}')
				FROM persons WHERE search_text LIKE $1`, tt.like).Scan(&count, &want)
			if err != nil {
				t.Fatal(err)
			}
			found := search(t, pool, "q="+url.QueryEscape(tt.q))
			got := foundIDs(found)
			if found.fuzzy || found.capped != (count > searchCountCap) || found.total != min(count, searchCountCap) || !slices.Equal(got, want) {
				t.Fatalf("capped %v, total %d, rows %v; want %d matches, rows %v", found.capped, found.total, got, count, want)
			}
		})
	}
}

// Knowing a word is common reads a bounded stretch of the words' keys,
// never the table or every key of the word.
func TestCommonWordReadsABoundedStretchOfKeys(t *testing.T) {
	seedPlanProbes(t)
	pool := oneConnection(t)
	// The plan made once per connection, as commonWord runs it.
	positional := strings.NewReplacer("@word", "$1", "@cap", "$2", "@keys", "$3").Replace(commonWordSQL)
	var plan []string
	err := pgx.BeginFunc(t.Context(), pool, func(tx pgx.Tx) error {
		setSQL, setArgs := searchSettings{once: true, indexOnly: true, inOrder: true}.sql()
		if _, err := tx.Exec(t.Context(), setSQL, setArgs...); err != nil {
			return err
		}
		if _, err := tx.Exec(t.Context(), `PREPARE common_word(text, int, int) AS `+positional); err != nil {
			return err
		}
		rows, err := tx.Query(t.Context(), `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE common_word('plan', `+
			strconv.Itoa(searchCountCap)+`, `+strconv.Itoa(commonWordKeys)+`)`)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		_, err = tx.Exec(t.Context(), `DEALLOCATE common_word`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "using person_search_words_pkey") || !strings.Contains(text, "Index Cond: ((word >= ") ||
		!strings.Contains(text, "Limit (actual rows="+strconv.Itoa(commonWordKeys)+" loops=1)") ||
		strings.Contains(text, "Seq Scan") || strings.Contains(text, "Bitmap") || strings.Contains(text, "Filter") {
		t.Fatalf("the words of a common term are not read through a bounded stretch of their keys:\n%s", text)
	}
}
