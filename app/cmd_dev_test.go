package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pepalumni/memberdb/app/config"
)

// `make run` on its own database can collect fees: the demo association
// gets SEPA's test identifiers and one key for good; given settings win.
func TestDevGivesTheDemoSEPASettings(t *testing.T) {
	sepaKeys := []string{"SEPA_CREDITOR_NAME", "SEPA_CREDITOR_IBAN", "SEPA_CREDITOR_ID", "SEPA_KEY"}
	for _, k := range sepaKeys {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	if err := demoSEPA(dir); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", "postgres://localhost/x")
	t.Setenv("DEV", "true")
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.SEPA.Ready() {
		t.Fatalf("demo SEPA settings missing %v", cfg.SEPA.Missing)
	}
	key := os.Getenv("SEPA_KEY")
	if info, err := os.Stat(filepath.Join(dir, "sepa-demo.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", info, err)
	}
	for _, k := range sepaKeys {
		t.Setenv(k, "")
	}
	if err := demoSEPA(dir); err != nil || os.Getenv("SEPA_KEY") != key {
		t.Errorf("a second start got another key (%v): the demo IBANs would be unreadable", err)
	}

	for _, k := range sepaKeys {
		t.Setenv(k, "")
	}
	t.Setenv("SEPA_CREDITOR_NAME", "Eigener Verein")
	if err := demoSEPA(dir); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SEPA_CREDITOR_IBAN") != "" || os.Getenv("SEPA_CREDITOR_NAME") != "Eigener Verein" {
		t.Error("the demo settings replaced one that was given")
	}
}
