package site_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/site"
)

// While the database cannot be reached, pages do not each wait for a
// connection to the settings: after one failure the store answers at once
// for a while, and the mail seam falls back to the configuration.
func TestSettingsDuringAnOutage(t *testing.T) {
	// A server that accepts connections and never answers: each attempt
	// waits for connect_timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var held []net.Conn
		for {
			c, err := silent.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	unreachable := "postgres://postgres@" + silent.Addr().String() + "/memberdb?connect_timeout=1&sslmode=disable"
	pool, err := pgxpool.New(context.Background(), unreachable)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DATABASE_URL": unreachable, "DEV": "true"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	store := site.NewStore(pool, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := store.Current(t.Context()); err == nil {
		t.Fatal("read settings from a database that cannot be reached")
	}
	start := time.Now()
	for range 20 {
		if _, err := store.Current(t.Context()); err == nil {
			t.Fatal("the second read succeeded")
		}
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("20 reads during the outage took %v; each waited for the database", took)
	}
	if org := store.MailOrg(); org.Name != cfg.OrgName || org.Email != cfg.OrgEmail {
		t.Errorf("mail org during the outage %+v, want the configuration's", org)
	}
}

// The last settings read stand in when the database fails later.
func TestSettingsKeepTheLastRead(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE site_settings SET org_name = 'Verein K'`); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), app.Config.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	store := site.NewStore(pool, app.Config, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if name := store.OrgName(t.Context()); name != "Verein K" {
		t.Fatalf("name %q", name)
	}
	pool.Close()
	store.Forget()
	if name := store.OrgName(t.Context()); name != "Verein K" {
		t.Errorf("with the pool closed the name is %q, want the last read", name)
	}
}
