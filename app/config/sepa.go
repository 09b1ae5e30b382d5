package config

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/pepalumni/memberdb/app/fees/sepa"
)

// SEPA is the association's side of SEPA direct debits. Fee collection
// needs all of it; without it the fee pages name what is missing and
// nothing else changes.
type SEPA struct {
	CreditorName string
	CreditorIBAN sepa.IBAN
	CreditorBIC  string // optional
	// CreditorID is the creditor identifier (Gläubiger-Identifikationsnummer).
	CreditorID string
	// Key encrypts the stored IBANs (AES-256-GCM).
	Key []byte
	// PrenotificationDays is how long before a collection members are told.
	PrenotificationDays int
	// Prefix starts the association's mandate references, end-to-end and
	// message ids (SEPA_REFERENCE_PREFIX): what members read on their
	// bank statements.
	Prefix string
	// PrefixSet: SEPA_REFERENCE_PREFIX was given, not PeP's default.
	PrefixSet bool
	// Missing names the variables that are not set; empty when direct
	// debits can be collected.
	Missing []string
}

// Ready reports whether every SEPA setting is there.
func (s SEPA) Ready() bool { return len(s.Missing) == 0 }

// referencePrefix keeps the references short and in the characters every
// bank passes on.
var referencePrefix = regexp.MustCompile(`^[A-Z0-9]{1,8}$`)

// readSEPA reads the SEPA settings: a missing one only disables fee
// collection, a wrong one is a problem at start-up.
func readSEPA(get func(key, def string) string, problems *[]string) SEPA {
	s := SEPA{CreditorName: get("SEPA_CREDITOR_NAME", "")}
	need := func(key string) string {
		v := get(key, "")
		if v == "" {
			s.Missing = append(s.Missing, key)
		}
		return v
	}
	if s.CreditorName == "" {
		s.Missing = append(s.Missing, "SEPA_CREDITOR_NAME")
	} else if len(sepa.Latin(s.CreditorName, 0)) > 70 {
		*problems = append(*problems, "SEPA_CREDITOR_NAME must be at most 70 characters")
	}
	if v := need("SEPA_CREDITOR_IBAN"); v != "" {
		iban, err := sepa.ParseIBAN(v)
		if err != nil {
			*problems = append(*problems, "SEPA_CREDITOR_IBAN is not a valid IBAN (country, length and check digits)")
		}
		s.CreditorIBAN = iban
	}
	if v := get("SEPA_CREDITOR_BIC", ""); v != "" {
		bic, err := sepa.ParseBIC(v)
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("SEPA_CREDITOR_BIC=%q is not a BIC of 8 or 11 characters", v))
		}
		s.CreditorBIC = bic
	}
	if v := need("SEPA_CREDITOR_ID"); v != "" {
		id, err := sepa.ParseCreditorID(v)
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("SEPA_CREDITOR_ID=%q is not a creditor identifier with valid check digits, such as DE98ZZZ09999999999", v))
		}
		s.CreditorID = id
	}
	s.Prefix = get("SEPA_REFERENCE_PREFIX", "PEP")
	s.PrefixSet = get("SEPA_REFERENCE_PREFIX", "") != ""
	if !referencePrefix.MatchString(s.Prefix) {
		*problems = append(*problems, fmt.Sprintf("SEPA_REFERENCE_PREFIX=%q must be 1 to 8 capital letters or digits, such as PEP", s.Prefix))
	}
	if v := need("SEPA_KEY"); v != "" {
		key, err := sepa.ParseKey(v)
		if err != nil {
			// Never the value: it is a secret.
			*problems = append(*problems, "SEPA_KEY must be 32 random bytes in base64 (openssl rand -base64 32)")
		}
		s.Key = key
	}
	days, err := strconv.Atoi(get("SEPA_PRENOTIFICATION_DAYS", "14"))
	if err != nil || days < 1 || days > 60 {
		*problems = append(*problems, "SEPA_PRENOTIFICATION_DAYS must be a number of days from 1 to 60")
	}
	s.PrenotificationDays = days
	return s
}
