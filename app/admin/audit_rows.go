package admin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
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
