// Package dbtest gives each test package a migrated database of its own on
// a real PostgreSQL: TEST_DATABASE_URL's server when set, else a throwaway
// cluster this package starts in a temporary directory.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/pgcluster"
)

var databaseURL string

// URL is the package's database, valid after Main started the tests.
func URL() string {
	if databaseURL == "" {
		panic("dbtest: call dbtest.Main(m) from TestMain")
	}
	return databaseURL
}

// Pool opens a pool on the package's database, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Main prepares the database, runs the tests and cleans up.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	serverURL := os.Getenv("TEST_DATABASE_URL")
	if serverURL == "" {
		cluster, cleanup, err := startCluster(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dbtest:", err)
			return 1
		}
		defer cleanup()
		serverURL = cluster.URL("postgres")
	}
	name, drop, err := createMigrated(ctx, serverURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		return 1
	}
	defer drop()
	databaseURL = withDatabase(serverURL, name)
	return m.Run()
}

func startCluster(ctx context.Context) (*pgcluster.Cluster, func(), error) {
	// The server may run as the postgres user, which must enter the dir.
	base, err := os.MkdirTemp("", "mdbtest")
	if err != nil {
		return nil, nil, err
	}
	if err := os.Chmod(base, 0o755); err != nil {
		return nil, nil, err
	}
	logFile, err := os.Create(filepath.Join(base, "postgres.log"))
	if err != nil {
		return nil, nil, err
	}
	cluster, err := pgcluster.Start(ctx, filepath.Join(base, "pg"), pgcluster.Options{Log: logFile})
	if err != nil {
		logFile.Close()
		log, _ := os.ReadFile(logFile.Name())
		os.RemoveAll(base)
		return nil, nil, fmt.Errorf("%w\n%s", err, log)
	}
	return cluster, func() {
		cluster.Stop()
		logFile.Close()
		os.RemoveAll(base)
	}, nil
}

// createMigrated migrates a template database once and clones the
// package's database from it. With a shared server (TEST_DATABASE_URL) every
// package gets databases of its own names.
func createMigrated(ctx context.Context, serverURL string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	suffix := randomSuffix()
	template, name := "memberdb_tmpl_"+suffix, "memberdb_test_"+suffix
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+template); err != nil {
		return "", nil, err
	}
	pool, err := db.Open(ctx, withDatabase(serverURL, template))
	if err != nil {
		return "", nil, err
	}
	_, err = db.MigrateUp(pool)
	pool.Close()
	if err != nil {
		return "", nil, err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		return "", nil, err
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+template)
	}
	return name, drop, nil
}

func withDatabase(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
