package config

import (
	"slices"
	"strings"
	"testing"
)

func sepaEnv(extra map[string]string) map[string]string {
	m := map[string]string{
		"DATABASE_URL":       "postgres://x/y",
		"DEV":                "true",
		"SEPA_CREDITOR_NAME": "PeP et al. e.V.",
		"SEPA_CREDITOR_IBAN": "DE89 3704 0044 0532 0130 00",
		"SEPA_CREDITOR_ID":   "DE98ZZZ09999999999",
		"SEPA_KEY":           "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestSEPAConfigured(t *testing.T) {
	c, err := FromEnv(env(sepaEnv(nil)))
	if err != nil {
		t.Fatal(err)
	}
	s := c.SEPA
	if !s.Ready() || s.CreditorIBAN != "DE89370400440532013000" || s.CreditorID != "DE98ZZZ09999999999" ||
		len(s.Key) != 32 || s.PrenotificationDays != 14 || s.CreditorBIC != "" {
		t.Errorf("SEPA = %+v", s)
	}
}

func TestSEPAMissingOnlyDisablesFees(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "DEV": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SEPA_CREDITOR_NAME", "SEPA_CREDITOR_IBAN", "SEPA_CREDITOR_ID", "SEPA_KEY"}
	if c.SEPA.Ready() || !slices.Equal(c.SEPA.Missing, want) {
		t.Errorf("Missing = %v, want %v", c.SEPA.Missing, want)
	}
}

func TestSEPAWrongValuesStopTheStart(t *testing.T) {
	tests := []struct{ key, value, want string }{
		{"SEPA_CREDITOR_IBAN", "DE89370400440532013001", "SEPA_CREDITOR_IBAN"},
		{"SEPA_CREDITOR_ID", "DE97ZZZ09999999999", "SEPA_CREDITOR_ID"},
		{"SEPA_CREDITOR_BIC", "COBADE", "SEPA_CREDITOR_BIC"},
		{"SEPA_KEY", "c2hvcnQ=", "SEPA_KEY must be 32"},
		{"SEPA_PRENOTIFICATION_DAYS", "0", "SEPA_PRENOTIFICATION_DAYS"},
		{"SEPA_PRENOTIFICATION_DAYS", "zwei", "SEPA_PRENOTIFICATION_DAYS"},
		{"SEPA_CREDITOR_NAME", strings.Repeat("Verein ", 11), "SEPA_CREDITOR_NAME"},
		{"SEPA_REFERENCE_PREFIX", "vb", "SEPA_REFERENCE_PREFIX"},
		{"SEPA_REFERENCE_PREFIX", "VEREIN-B", "SEPA_REFERENCE_PREFIX"},
		{"SEPA_REFERENCE_PREFIX", "VEREINSNAME", "SEPA_REFERENCE_PREFIX"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			_, err := FromEnv(env(sepaEnv(map[string]string{tt.key: tt.value})))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %s", err, tt.want)
			}
			if err != nil && tt.key == "SEPA_KEY" && strings.Contains(err.Error(), tt.value) {
				t.Error("the error shows the key")
			}
		})
	}
}
