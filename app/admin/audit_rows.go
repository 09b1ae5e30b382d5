package admin

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
)

// namedRows are the logged tables whose rows have a name people know
// them by, with the statement reading those names for an array of ids: a
// fee category is kept per person.
var namedRows = map[string]string{
	"persons":        `SELECT id, name FROM persons WHERE id = ANY($1)`,
	"fee_categories": `SELECT id, name FROM persons WHERE id = ANY($1)`,
	"events":         `SELECT id, name FROM events WHERE id = ANY($1)`,
	"users":          `SELECT id, username FROM users WHERE id = ANY($1)`,
	"registrations": `SELECT r.id, p.name || ' · ' || e.name FROM registrations r
		JOIN persons p ON p.id = r.person_id JOIN events e ON e.id = r.event_id WHERE r.id = ANY($1)`,
}

type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// rowNames names the rows the entries changed, by table and id, so the
// log says whose row it was and not only its number. A row deleted since
// has no name; an anonymised person has the placeholder's.
func rowNames(ctx context.Context, q batcher, entries []auditRow) (map[string]map[string]string, error) {
	ids := map[string][]int64{}
	for _, e := range entries {
		if _, ok := namedRows[e.Table]; !ok {
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
		b.Queue(namedRows[table], list).Query(func(rows pgx.Rows) error {
			var (
				id   int64
				name string
			)
			_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error {
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

// namedRowsMatching are the ids of the rows of namedRows whose names
// have the word in @qN (its LIKE pattern in @likeN), by table.
var namedRowsMatching = map[string]string{
	"persons":        `SELECT id::text FROM persons p WHERE p.search_text LIKE ` + persons.SearchPattern("@qN"),
	"fee_categories": `SELECT id::text FROM persons p WHERE p.search_text LIKE ` + persons.SearchPattern("@qN"),
	"events":         `SELECT id::text FROM events WHERE name ILIKE @likeN`,
	"users":          `SELECT id::text FROM users WHERE username ILIKE @likeN`,
	"registrations": `SELECT r.id::text FROM registrations r JOIN persons p ON p.id = r.person_id JOIN events e ON e.id = r.event_id
		WHERE p.search_text LIKE ` + persons.SearchPattern("@qN") + ` OR e.name ILIKE @likeN`,
}

// shownMatch is what else word finds in the log, as the log shows it
// (the n-th word of a search, whose @qN and @likeN the caller gives): the
// name of a row (a word of three letters or more; a shorter one would
// name most rows), and a day written as the reader writes it
// ("07.12.2026"), found in the values and among the entries of that day.
func shownMatch(word, n string) (sql string, args map[string]any) {
	args = map[string]any{}
	if utf8.RuneCountInString(word) >= 3 {
		for table, ids := range namedRowsMatching {
			ids = strings.NewReplacer("@qN", "@q"+n, "@likeN", "@like"+n).Replace(ids)
			sql += ` OR a.table_name = '` + table + `' AND a.row_id IN (` + ids + `)`
		}
	}
	for _, layout := range []string{"02.01.2006", "2.1.2006"} {
		if day, err := time.ParseInLocation(layout, word, web.Berlin); err == nil {
			args["day"+n] = day.Format(time.DateOnly)
			sql += ` OR a.old_value LIKE '%' || @day` + n + ` || '%' OR a.new_value LIKE '%' || @day` + n + ` || '%'
				OR (a.at AT TIME ZONE '` + web.Zone + `')::date = @day` + n + `::date`
			break
		}
	}
	return sql, args
}

// mergeArgs adds more's arguments to args.
func mergeArgs(args pgx.NamedArgs, more map[string]any) pgx.NamedArgs {
	for k, v := range more {
		args[k] = v
	}
	return args
}
