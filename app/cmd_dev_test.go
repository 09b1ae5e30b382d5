package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/config"
)

// `make run` on its own database can collect fees: the demo association
// gets SEPA's test identifiers and one key for good; given settings win.
func TestDevGivesTheDemoSEPASettings(t *testing.T) {
	sepaKeys := []string{"SEPA_CREDITOR_NAME", "SEPA_CREDITOR_IBAN", "SEPA_CREDITOR_ID", "SEPA_KEY", "SEPA_CREDITOR_BIC",
		"SEPA_PRENOTIFICATION_DAYS", "SEPA_REFERENCE_PREFIX"}
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
	t.Setenv("SEPA_REFERENCE_PREFIX", "EIGEN")
	if err := demoSEPA(dir); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SEPA_CREDITOR_IBAN") != "" {
		t.Error("the demo settings were added to one that was given")
	}

	t.Setenv("SEPA_REFERENCE_PREFIX", "")
	if err := os.WriteFile(filepath.Join(dir, "sepa-demo.key"), []byte("kaputt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := demoSEPA(dir); err == nil || !strings.Contains(err.Error(), "sepa-demo.key") {
		t.Errorf("a broken key file: %v, want it named", err)
	}
}
