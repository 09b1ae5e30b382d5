package legacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Source is an open old database, read through database/sql so both
// backends share one reader.
type Source struct {
	db     *sql.DB
	sqlite bool
	// Display names the source in reports, without a password.
	Display string
}

// Open connects to the old database at rawURL: sqlite:///path/to/file or
// postgres://user:pass@host/db (postgresql:// too). SQLite files are opened
// read-only and never created.
func Open(ctx context.Context, rawURL string) (*Source, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, rawURL)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	default:
		return nil, fmt.Errorf("legacy: --from must be a sqlite:///path/to/file.sqlite or postgres://… URL")
	}
}

// Close releases the connection.
func (s *Source) Close() error { return s.db.Close() }

func openPostgres(ctx context.Context, rawURL string) (*Source, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("legacy: the PostgreSQL URL cannot be parsed: %w", err)
	}
	display := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		display = u.Redacted()
	}
	d := stdlib.OpenDB(*cfg)
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("legacy: cannot reach the old database %s: %w", display, err)
	}
	return &Source{db: d, Display: display}, nil
}

func openSQLite(ctx context.Context, rawURL string) (*Source, error) {
	path, err := sqlitePath(rawURL)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	// mode=ro: the old file is only read, and a mistyped path must not
	// leave an empty new database behind.
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?mode=ro"
	d, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("legacy: open %s: %w", path, err)
	}
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("legacy: cannot open the SQLite file %s: %w", path, err)
	}
	return &Source{db: d, sqlite: true, Display: "sqlite://" + abs}, nil
}

// sqlitePath accepts both readings of sqlite:///x: memberdb's (the absolute
// path /x) and SQLAlchemy's (x relative to the working directory; four
// slashes for an absolute path), so the old app's own DATABASE_URL works.
func sqlitePath(rawURL string) (string, error) {
	rest, ok := strings.CutPrefix(rawURL, "sqlite://")
	if !ok || rest == "" || rest == "/" {
		return "", fmt.Errorf("legacy: a SQLite source is written sqlite:///path/to/file.sqlite")
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[1:]
	}
	if p, err := url.PathUnescape(rest); err == nil {
		rest = p
	}
	candidates := []string{rest}
	if strings.HasPrefix(rest, "/") {
		candidates = append(candidates, strings.TrimPrefix(rest, "/"))
	}
	for _, c := range candidates {
		info, err := os.Stat(c)
		if err == nil && info.Mode().IsRegular() {
			return c, nil
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("legacy: %w", err)
		}
	}
	return "", fmt.Errorf("legacy: there is no SQLite file at %s", rest)
}
