package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

// closedPort is a server address where nothing listens.
const closedPort = "postgres://postgres@127.0.0.1:1/x?connect_timeout=2"

// conn opens a connection of its own, closed when t ends, so temporary
// tables and session settings never reach a pool another test uses.
func conn(t *testing.T) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dbtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// constraintErrors provokes real errors on temporary tables: a parent with
// a primary key and a unique name, a child referencing it with a check.
type constraintErrors struct {
	noRows, duplicateKey, duplicateName, missingParent, referencedParent,
	checkViolation, notNullViolation, syntaxError, divisionByZero error
}

func provoke(t *testing.T) constraintErrors {
	t.Helper()
	ctx := context.Background()
	c := conn(t)
	if _, err := c.Exec(ctx, `
		CREATE TEMP TABLE parent (id int PRIMARY KEY, name text CONSTRAINT parent_name_key UNIQUE);
		CREATE TEMP TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id), n int NOT NULL CHECK (n > 0));
		INSERT INTO parent VALUES (1, 'a');
		INSERT INTO child VALUES (1, 1, 1);`); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string) error {
		_, err := c.Exec(ctx, sql)
		if err == nil {
			t.Fatalf("%s did not fail", sql)
		}
		return err
	}
	var id int
	return constraintErrors{
		noRows:           c.QueryRow(ctx, "SELECT id FROM parent WHERE id = -1").Scan(&id),
		duplicateKey:     exec("INSERT INTO parent VALUES (1, 'b')"),
		duplicateName:    exec("INSERT INTO parent VALUES (2, 'a')"),
		missingParent:    exec("INSERT INTO child VALUES (2, 99, 1)"),
		referencedParent: exec("DELETE FROM parent WHERE id = 1"),
		checkViolation:   exec("INSERT INTO child VALUES (3, 1, 0)"),
		notNullViolation: exec("INSERT INTO child VALUES (4, 1, NULL)"),
		syntaxError:      exec("SELEC 1"),
		divisionByZero:   exec("SELECT 1/0"),
	}
}

func TestMap(t *testing.T) {
	e := provoke(t)
	sentinels := []error{db.ErrNotFound, db.ErrConflict, db.ErrReferenced}
	plain := errors.New("mail: send: connection reset")
	cases := []struct {
		name string
		err  error
		want error // the sentinel Map adds; nil: Map returns err itself
	}{
		{name: "no error stays none", err: nil},
		{name: "no rows is not found", err: e.noRows, want: db.ErrNotFound},
		{name: "no rows wrapped by a store is not found", err: fmt.Errorf("members: find: %w", e.noRows), want: db.ErrNotFound},
		{name: "bare pgx.ErrNoRows is not found", err: pgx.ErrNoRows, want: db.ErrNotFound},
		{name: "duplicate primary key is a conflict", err: e.duplicateKey, want: db.ErrConflict},
		{name: "duplicate unique column is a conflict", err: e.duplicateName, want: db.ErrConflict},
		{name: "wrapped unique violation is a conflict", err: fmt.Errorf("events: create: %w", e.duplicateName), want: db.ErrConflict},
		{name: "missing parent of a foreign key is referenced", err: e.missingParent, want: db.ErrReferenced},
		{name: "deleting a row still referenced is referenced", err: e.referencedParent, want: db.ErrReferenced},
		{name: "check violation is left alone", err: e.checkViolation},
		{name: "not-null violation is left alone", err: e.notNullViolation},
		{name: "syntax error is left alone", err: e.syntaxError},
		{name: "division by zero is left alone", err: e.divisionByZero},
		{name: "an error of no database is left alone", err: plain},
		{name: "a cancelled context is left alone", err: context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := db.Map(c.err)
			if c.want == nil {
				if got != c.err {
					t.Fatalf("Map(%v) = %v, want the error unchanged", c.err, got)
				}
				for _, s := range sentinels {
					if errors.Is(got, s) {
						t.Errorf("Map(%v) is %v", c.err, s)
					}
				}
				return
			}
			for _, s := range sentinels {
				if errors.Is(got, s) != (s == c.want) {
					t.Errorf("errors.Is(Map(%v), %v) = %v, want %v", c.err, s, !(s == c.want), s == c.want)
				}
			}
			if !errors.Is(got, c.err) {
				t.Errorf("Map(%v) = %v lost the original error", c.err, got)
			}
			if !strings.Contains(got.Error(), c.err.Error()) {
				t.Errorf("Map(%v) = %q: the message for the logs lost the original", c.err, got)
			}
		})
	}
}

func TestIsUniqueViolation(t *testing.T) {
	e := provoke(t)
	cases := []struct {
		name       string
		err        error
		constraint string
		want       bool
	}{
		{"unique column, its constraint", e.duplicateName, "parent_name_key", true},
		{"unique column, any constraint", e.duplicateName, "", true},
		{"unique column, another constraint", e.duplicateName, "parent_pkey", false},
		{"primary key, its constraint", e.duplicateKey, "parent_pkey", true},
		{"primary key, the name's constraint", e.duplicateKey, "parent_name_key", false},
		{"wrapped, its constraint", fmt.Errorf("persons: create: %w", e.duplicateName), "parent_name_key", true},
		{"mapped to ErrConflict, its constraint", db.Map(e.duplicateName), "parent_name_key", true},
		{"foreign-key violation", e.missingParent, "", false},
		{"check violation", e.checkViolation, "", false},
		{"no rows", e.noRows, "", false},
		{"the sentinel alone", db.ErrConflict, "", false},
		{"no error", nil, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := db.IsUniqueViolation(c.err, c.constraint); got != c.want {
				t.Errorf("IsUniqueViolation(%v, %q) = %v, want %v", c.err, c.constraint, got, c.want)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	e := provoke(t)

	_, refused := pgx.Connect(ctx, closedPort)
	_, openRefused := db.Open(ctx, closedPort)

	// A connection the server ends, as on a restart: pg_terminate_backend
	// with a timeout returns only once the backend has exited.
	victim := conn(t)
	var terminated bool
	if err := conn(t).QueryRow(ctx, "SELECT pg_terminate_backend($1, 10000)", victim.PgConn().PID()).Scan(&terminated); err != nil {
		t.Fatal(err)
	}
	if !terminated {
		t.Fatal("the server did not end the connection within 10 s")
	}
	_, lost := victim.Exec(ctx, "SELECT 1")

	// A statement the server cancels is a fault of the statement, the
	// database is still there.
	slow := conn(t)
	if _, err := slow.Exec(ctx, "SET statement_timeout = 1"); err != nil {
		t.Fatal(err)
	}
	_, cancelled := slow.Exec(ctx, "SELECT pg_sleep(10)")

	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connecting to a closed port", refused, true},
		{"Open on a closed port", openRefused, true},
		{"a connection the server ended", lost, true},
		{"SQLSTATE 08006 connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"SQLSTATE 08001 cannot connect", &pgconn.PgError{Code: "08001"}, true},
		{"SQLSTATE 08P01 protocol violation", &pgconn.PgError{Code: "08P01"}, true},
		{"SQLSTATE 57P01 admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"SQLSTATE 57P02 crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"SQLSTATE 57P03 cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"SQLSTATE 57P01 wrapped by a store", fmt.Errorf("events: list: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"connection cut mid-answer", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"syntax error", e.syntaxError, false},
		{"unique violation", e.duplicateKey, false},
		{"foreign-key violation mapped", db.Map(e.missingParent), false},
		{"statement cancelled by statement_timeout", cancelled, false},
		{"no rows", e.noRows, false},
		{"no error", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.want && c.err == nil {
				t.Fatal("the failure was not provoked: no error")
			}
			if got := db.Unavailable(c.err); got != c.want {
				t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name            string
		url             string
		wantErr         []string // parts of the message; none: Open succeeds
		wantUnavailable bool
	}{
		{name: "the test database", url: dbtest.URL()},
		{name: "a port that is no number", url: "postgres://postgres@localhost:port/x", wantErr: []string{"db: DATABASE_URL:"}},
		{name: "a broken escape", url: "postgres://postgres@localhost/%zz", wantErr: []string{"db: DATABASE_URL:"}},
		{name: "a pool setting that is no number", url: withQuery(t, dbtest.URL(), "pool_max_conns", "many"), wantErr: []string{"db: DATABASE_URL:"}},
		{name: "a server that does not answer", url: closedPort, wantErr: []string{"db: cannot reach the database:"}, wantUnavailable: true},
		{name: "a database the server does not have", url: dbtest.DatabaseURL("memberdb_no_such_database"),
			wantErr: []string{"db: cannot reach the database:", "3D000"}, wantUnavailable: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pool, err := db.Open(ctx, c.url)
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer pool.Close()
				var one int
				if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
					t.Fatalf("SELECT 1 on the opened pool = %d, %v", one, err)
				}
				return
			}
			if err == nil {
				pool.Close()
				t.Fatalf("Open(%q) succeeded, want an error", c.url)
			}
			if pool != nil {
				t.Errorf("Open(%q) returned a pool with its error", c.url)
			}
			for _, part := range c.wantErr {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("Open(%q) = %q, want it to say %q", c.url, err, part)
				}
			}
			if got := db.Unavailable(err); got != c.wantUnavailable {
				t.Errorf("Unavailable(%v) = %v, want %v", err, got, c.wantUnavailable)
			}
		})
	}
}

// withQuery is rawURL with the query parameter key set to value.
func withQuery(t *testing.T, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
