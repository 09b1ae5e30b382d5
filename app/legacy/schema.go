package legacy

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// revisions is the old app's Alembic history, oldest first (the chain of
// down_revision links in its migrations/versions folder, 2019–2024).
var revisions = []string{
	"aaabaee93687", // initial tables
	"392917c0d63f", // event.force_tu_mail
	"288c44807361", // registration columns NOT NULL
	"02fcfdcb4b37", // membership_status table
	"6cfe97168561", // tu_status table
	"f87786c0cd2d", // membership_type table
	"94cbf12be25a", // event_registration.status renamed to status_name
	"6799f436c654", // event.shortlink
	"0151da823114", // event.footer
	"742e6adb504c", // longer user.password_hash (head)
}

// oldestReadable is the first revision with every table and column the
// importer needs apart from event.shortlink and event.footer, which it
// reads when present.
const oldestReadable = "94cbf12be25a"

// Head is the old app's last revision.
const Head = "742e6adb504c"

// tables are the old tables and the columns the importer reads.
var tables = map[string][]string{
	"alembic_version":     {"version_num"},
	"person":              {"id", "name", "email", "email_valid", "date_of_birth", "joining_date", "membership_status_id", "tu_status_id", "membership_type_id"},
	"membership_status":   {"id"},
	"membership_type":     {"id"},
	"tu_status":           {"id", "name"},
	"event":               {"id", "name", "description", "notify_email", "max_participants", "registration_open", "registration_schema", "force_tu_mail"},
	"event_registration":  {"id", "event_id", "person_id", "status_name", "data", "timestamp"},
	"registration_status": {"name"},
	"user":                {"id", "username", "password_hash", "person_id"},
	"role":                {"id"},
	"access_level":        {"id"},
	"roles":               {"user_id", "role_id"},
	"access_levels":       {"role_id", "access_level_id"},
}

// optionalColumns came with revisions after oldestReadable.
var optionalColumns = map[string][]string{"event": {"shortlink", "footer"}}

// schema is what the source has of the old schema.
type schema struct {
	revision string
	// has reports optional columns present: "event.footer".
	has map[string]bool
}

// checkSchema refuses a source that is not the old database or is at a
// revision the importer does not know.
func (s *Source) checkSchema(ctx context.Context, q querier) (*schema, error) {
	present, err := s.tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	var missing []string
	for name := range tables {
		if !present[name] {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		return nil, fmt.Errorf("legacy: %w: %s lacks the tables %s",
			ErrSchema, s.Display, strings.Join(missing, ", "))
	}
	rev, err := s.revision(ctx, q)
	if err != nil {
		return nil, err
	}
	sc := &schema{revision: rev, has: map[string]bool{}}
	for table, cols := range tables {
		have, err := s.columnNames(ctx, q, table)
		if err != nil {
			return nil, err
		}
		var lacking []string
		for _, c := range cols {
			if !have[c] {
				lacking = append(lacking, c)
			}
		}
		if len(lacking) > 0 {
			return nil, fmt.Errorf("legacy: %w: table %s has no column %s, although the database says it is at revision %s",
				ErrSchema, table, strings.Join(lacking, ", "), rev)
		}
		for _, c := range optionalColumns[table] {
			sc.has[table+"."+c] = have[c]
		}
	}
	return sc, nil
}

func (s *Source) revision(ctx context.Context, q querier) (string, error) {
	var revs []string
	err := queryRows(ctx, q, `SELECT version_num FROM alembic_version`, func(v []any) error {
		rev, _ := text(v[0])
		revs = append(revs, rev)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("legacy: read alembic_version: %w", err)
	}
	switch {
	case len(revs) == 0:
		return "", fmt.Errorf("legacy: %w: alembic_version is empty, so the schema's revision is unknown", ErrSchema)
	case len(revs) > 1:
		return "", fmt.Errorf("legacy: %w: alembic_version names several revisions (%s); the old app never had branches",
			ErrSchema, strings.Join(revs, ", "))
	}
	rev := revs[0]
	i := slices.Index(revisions, rev)
	switch {
	case i < 0:
		return "", fmt.Errorf("legacy: %w: alembic revision %q is unknown; this importer reads the old app's revisions %s to %s (its last)",
			ErrSchema, rev, oldestReadable, Head)
	case i < slices.Index(revisions, oldestReadable):
		return "", fmt.Errorf("legacy: %w: alembic revision %q is older than %s; upgrade the old database with the old app's `flask db upgrade` first",
			ErrSchema, rev, oldestReadable)
	}
	return rev, nil
}

func (s *Source) tableNames(ctx context.Context, q querier) (map[string]bool, error) {
	query := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	if s.sqlite {
		query = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	names, err := nameSet(ctx, q, query)
	if err != nil {
		return nil, fmt.Errorf("legacy: list the tables of %s: %w", s.Display, err)
	}
	return names, nil
}

// columnNames lists a table's columns; table comes from the tables map,
// never from input, so it may be spliced into the query.
func (s *Source) columnNames(ctx context.Context, q querier, table string) (map[string]bool, error) {
	query := fmt.Sprintf(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = '%s'`, table)
	if s.sqlite {
		query = fmt.Sprintf(`SELECT name FROM pragma_table_info('%s')`, table)
	}
	names, err := nameSet(ctx, q, query)
	if err != nil {
		return nil, fmt.Errorf("legacy: list the columns of %s: %w", table, err)
	}
	return names, nil
}

// nameSet reads the first column of query's rows as a set of names.
func nameSet(ctx context.Context, q querier, query string) (map[string]bool, error) {
	names := map[string]bool{}
	err := queryRows(ctx, q, query, func(v []any) error {
		n, _ := text(v[0])
		names[n] = true
		return nil
	})
	return names, err
}
