package dbtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewDatabase creates an empty database named prefix plus a random suffix
// on the test server, dropped when t ends, and returns its URL.
func NewDatabase(t testing.TB, prefix string) string {
	t.Helper()
	ctx := context.Background()
	name := prefix + "_" + randomSuffix()
	admin, err := pgx.Connect(ctx, URL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, URL())
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return withDatabase(URL(), name)
}

// DatabaseURL is the test server's URL for database name.
func DatabaseURL(name string) string { return withDatabase(URL(), name) }
