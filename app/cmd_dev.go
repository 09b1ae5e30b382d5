package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/pgcluster"
	"github.com/pepalumni/memberdb/app/server"
)

// devDataDir holds the private cluster of `make run` (git-ignored).
const devDataDir = ".data/postgres"

// runDev is what `make run` starts: a private PostgreSQL unless DATABASE_URL
// is set, migrations, demo data in an empty database, development mode.
func runDev(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("dev takes no arguments")
	}
	// A malformed .env would otherwise leave its variables unset without a
	// word: the private database, say, instead of the one it names.
	if err := config.LoadDotEnv(".env"); err != nil {
		return err
	}
	if os.Getenv("DEV") == "" {
		os.Setenv("DEV", "true")
	}
	private := os.Getenv("DATABASE_URL") == ""
	if private {
		logFile, err := openLog(filepath.Join(filepath.Dir(devDataDir), "postgres.log"))
		if err != nil {
			return err
		}
		defer logFile.Close()
		fmt.Fprintf(e.stdout, "starting the private database in %s (log: %s)\n", devDataDir, logFile.Name())
		cluster, err := pgcluster.Start(ctx, devDataDir, pgcluster.Options{Durable: true, Log: logFile})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		if err := cluster.CreateDatabase(ctx, "memberdb"); err != nil {
			return err
		}
		os.Setenv("DATABASE_URL", cluster.URL("memberdb"))
		if err := demoSEPA(filepath.Dir(devDataDir)); err != nil {
			return err
		}
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	return serve(ctx, e, cfg, pool, func() error {
		if _, err := server.SeedIfEmpty(ctx, pool, e.stdout); err != nil {
			return err
		}
		// Only the private database is ours to grant levels in.
		if private {
			if err := auth.GrantDemoAdmin(ctx, pool); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "\nmemberdb is running at %s\n", cfg.BaseURL)
		for _, line := range server.DemoLogins() {
			fmt.Fprintln(e.stdout, line)
		}
		fmt.Fprintln(e.stdout, "mails stay in the development mailbox:", cfg.URL("/dev/mail"))
		fmt.Fprintln(e.stdout, "press Ctrl-C to stop")
		return nil
	})
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}

// demoSEPA gives the private database's demo association the test
// identifiers of SEPA (the Bundesbank's example creditor id and IBAN)
// unless a SEPA setting is given, so the fee pages can be tried: without
// them they only name what is missing. The key that encrypts the demo
// members' IBANs is made once and kept beside the database it belongs to.
func demoSEPA(dir string) error {
	for _, kv := range os.Environ() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "SEPA_") && value != "" {
			return nil
		}
	}
	path := filepath.Join(dir, "sepa-demo.key")
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		random := make([]byte, 32)
		rand.Read(random)
		key = []byte(base64.StdEncoding.EncodeToString(random))
		err = os.WriteFile(path, key, 0o600)
	}
	if err != nil {
		return fmt.Errorf("dev: demo SEPA key: %w", err)
	}
	if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(key))); err != nil || len(raw) != 32 {
		return fmt.Errorf("dev: %s holds no key made by memberdb dev; delete it to make a new one (the demo mandates' stored IBANs can then no longer be read)", path)
	}
	os.Setenv("SEPA_CREDITOR_NAME", cmp.Or(os.Getenv("ORG_NAME"), config.DefaultOrgName))
	if os.Getenv("ORG_NAME") == "" {
		// PeP's demo uses PeP's prefix on purpose; another association
		// trying memberdb sees the warning to set its own.
		os.Setenv("SEPA_REFERENCE_PREFIX", "PEP")
	}
	os.Setenv("SEPA_CREDITOR_IBAN", "DE02120300000000202051")
	os.Setenv("SEPA_CREDITOR_ID", "DE98ZZZ09999999999")
	os.Setenv("SEPA_KEY", strings.TrimSpace(string(key)))
	return nil
}
