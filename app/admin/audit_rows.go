package admin

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	feesviews "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// namedTable is a logged table whose rows have a name people know them
// by: names reads the names of an array of ids; matching gives the ids
// (as text, as the log keeps them) of the rows whose names have the n-th
// word of a search, which the caller passes as @q<n> and, as a LIKE
// pattern, @like<n>. A name that ends in an amount (cents) has names read
// it as a third column: the reader's language writes it, as the fee pages
// do, not the database.
type namedTable struct {
	names    string
	matching func(n string) string
	cents    bool
}

var namedPersons = namedTable{
	names: `SELECT id, name FROM persons WHERE id = ANY($1)`,
	matching: func(n string) string {
		return `SELECT id::text FROM persons p WHERE p.search_text LIKE ` + persons.SearchPattern("@q"+n)
	},
}

// namedTables are the logged tables with names; a fee category is kept
// per person. A member's fee is named by whose it is, its year and
// amount: its entries log only what changed.
var namedTables = map[string]namedTable{
	"persons":        namedPersons,
	"fee_categories": namedPersons,
	"fees": {
		names: `SELECT f.id, p.name || ' · ' || f.year, f.cents
			FROM fees f JOIN persons p ON p.id = f.person_id WHERE f.id = ANY($1)`,
		matching: func(n string) string {
			return `SELECT f.id::text FROM fees f JOIN persons p ON p.id = f.person_id WHERE p.search_text LIKE ` + persons.SearchPattern("@q"+n)
		},
		cents: true,
	},
	"events": {
		names:    `SELECT id, name FROM events WHERE id = ANY($1)`,
		matching: func(n string) string { return `SELECT id::text FROM events WHERE name ILIKE @like` + n },
	},
	"users": {
		names:    `SELECT id, username FROM users WHERE id = ANY($1)`,
		matching: func(n string) string { return `SELECT id::text FROM users WHERE username ILIKE @like` + n },
	},
	"registrations": {
		names: `SELECT r.id, p.name || ' · ' || e.name FROM registrations r
			JOIN persons p ON p.id = r.person_id JOIN events e ON e.id = r.event_id WHERE r.id = ANY($1)`,
		matching: func(n string) string {
			return `SELECT r.id::text FROM registrations r JOIN persons p ON p.id = r.person_id JOIN events e ON e.id = r.event_id
				WHERE p.search_text LIKE ` + persons.SearchPattern("@q"+n) + ` OR e.name ILIKE @like` + n
		},
	},
}

type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// rowNames names the rows the entries changed, by table and id, so the
// log says whose row it was and not only its number; one round trip for
// the page. A row deleted since has no name; an anonymised person has the
// placeholder's.
func rowNames(ctx context.Context, q batcher, entries []auditRow) (map[string]map[string]string, error) {
	ids := map[string][]int64{}
	for _, e := range entries {
		if _, ok := namedTables[e.Table]; !ok {
			continue
		}
		if id, err := strconv.ParseInt(e.RowID, 10, 64); err == nil {
			ids[e.Table] = append(ids[e.Table], id)
		}
	}
	names := map[string]map[string]string{}
	var b pgx.Batch
	for table, list := range ids {
		names[table] = map[string]string{}
		nt := namedTables[table]
		b.Queue(nt.names, list).Query(func(rows pgx.Rows) error {
			var (
				id, cents int64
				name      string
			)
			scan := []any{&id, &name}
			if nt.cents {
				scan = append(scan, &cents)
			}
			_, err := pgx.ForEachRow(rows, scan, func() error {
				if nt.cents {
					// In one piece: a narrow column would part "30,00" and "€".
					money := i18n.T(ctx, "fees.money", feesviews.Euros(i18n.LangOf(ctx), sepa.Amount(cents)))
					name += " · " + strings.ReplaceAll(money, " ", "\u00a0")
				}
				names[table][strconv.FormatInt(id, 10)] = name
				return nil
			})
			return err
		})
	}
	if b.Len() == 0 {
		return names, nil
	}
	if err := q.SendBatch(ctx, &b).Close(); err != nil {
		return nil, fmt.Errorf("admin: audit row names: %w", err)
	}
	return names, nil
}

// shownMatch is what else the n-th word of a search finds in the log, as
// the log shows it: the name of a row (a word of three letters or more; a
// shorter one would name most rows), and a day written as German readers
// write it ("07.12.2026", "7.12.2026"), found in the values and among the
// entries of that day. args are the arguments it adds.
func shownMatch(word, n string) (sql string, args map[string]any) {
	args = map[string]any{}
	if utf8.RuneCountInString(word) >= 3 {
		// In one order: the statement's text is the key its plan and
		// description are kept by.
		for _, table := range slices.Sorted(maps.Keys(namedTables)) {
			sql += ` OR a.table_name = '` + table + `' AND a.row_id IN (` + namedTables[table].matching(n) + `)`
		}
	}
	// Parsing, a layout's 2 and 1 take one or two digits.
	if day, err := time.ParseInLocation("2.1.2006", word, web.Berlin); err == nil {
		args["day"+n] = day.Format(time.DateOnly)
		sql += ` OR a.old_value LIKE '%' || @day` + n + ` || '%' OR a.new_value LIKE '%' || @day` + n + ` || '%'
			OR (a.at AT TIME ZONE '` + web.Zone + `')::date = @day` + n + `::date`
	}
	return sql, args
}
