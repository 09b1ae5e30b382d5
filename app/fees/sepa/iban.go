// Package sepa holds the rules of the SEPA direct debit scheme that do not
// need the database: IBAN and creditor identifier check digits, the SEPA
// character set, the encryption of stored IBANs, the EPC QR code payload
// and the pain.008 bank file.
package sepa

import (
	"errors"
	"math/big"
	"strings"
)

// Errors of IBAN and creditor identifier validation.
var (
	ErrIBANCountry  = errors.New("sepa: unknown IBAN country")
	ErrIBANLength   = errors.New("sepa: wrong IBAN length for its country")
	ErrIBANChars    = errors.New("sepa: IBAN has characters other than letters and digits")
	ErrIBANChecksum = errors.New("sepa: IBAN check digits do not match")
	ErrNotSEPA      = errors.New("sepa: country is not in the SEPA scheme")
	ErrCreditorID   = errors.New("sepa: not a creditor identifier")
	ErrBIC          = errors.New("sepa: not a BIC")
)

// ibanLengths is the IBAN length of each country of the SWIFT IBAN
// registry.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
	"IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
	"ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
	"SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
	"TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// eea are the countries of the European Economic Area. The SEPA rulebook
// asks for the debtor's BIC and address only outside it.
var eea = set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO")

// sepaOutsideEEA are the other countries of the SEPA scheme.
var sepaOutsideEEA = set("CH GB MC SM VA AD GI AL MD ME MK RS")

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(s) {
		m[c] = true
	}
	return m
}

// InEEA reports whether country (ISO 3166 alpha-2) is in the EEA.
func InEEA(country string) bool { return eea[country] }

// InSEPA reports whether country takes part in SEPA direct debits.
func InSEPA(country string) bool { return eea[country] || sepaOutsideEEA[country] }

// NormalizeIBAN removes spaces and makes letters upper case, as people
// type IBANs in groups of four.
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// IBAN is a valid, normalized IBAN.
type IBAN string

// ParseIBAN validates s (country, length for the country, mod 97) and
// returns it normalized.
func ParseIBAN(s string) (IBAN, error) {
	n := NormalizeIBAN(s)
	if len(n) < 5 {
		return "", ErrIBANLength
	}
	for _, r := range n {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", ErrIBANChars
		}
	}
	want, ok := ibanLengths[n[:2]]
	if !ok {
		return "", ErrIBANCountry
	}
	if len(n) != want {
		return "", ErrIBANLength
	}
	if mod97(n[4:]+n[:4]) != 1 {
		return "", ErrIBANChecksum
	}
	return IBAN(n), nil
}

// Country is the IBAN's country code.
func (i IBAN) Country() string { return string(i[:2]) }

// Masked shows the country, check digits and the last four characters,
// in groups of four: DE89 •••• •••• •••• ••30 00.
func (i IBAN) Masked() string { return i.grouped(true) }

// Grouped is the IBAN in groups of four, as it is printed for people to
// type: DE89 3704 0044 0532 0130 00.
func (i IBAN) Grouped() string { return i.grouped(false) }

func (i IBAN) grouped(masked bool) string {
	s := string(i)
	var b strings.Builder
	for n, r := range s {
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		if !masked || n < 4 || n >= len(s)-4 {
			b.WriteRune(r)
		} else {
			b.WriteString("•")
		}
	}
	return b.String()
}

// mod97 is the remainder of s, with letters as 10..35, divided by 97
// (ISO 7064 MOD 97-10).
func mod97(s string) int64 {
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			digits.WriteString(big.NewInt(int64(r-'A') + 10).String())
		default:
			return -1
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return -1
	}
	return new(big.Int).Mod(n, big.NewInt(97)).Int64()
}

// ParseCreditorID validates a SEPA creditor identifier (in Germany the
// Gläubiger-Identifikationsnummer, DE98ZZZ09999999999): country, check
// digits over the national identifier and the country (ISO 7064 MOD
// 97-10, the business code left out), SEPA country.
func ParseCreditorID(s string) (string, error) {
	n := NormalizeIBAN(s)
	if len(n) < 8 || len(n) > 35 {
		return "", ErrCreditorID
	}
	for _, r := range n {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", ErrCreditorID
		}
	}
	if !InSEPA(n[:2]) || n[2] < '0' || n[2] > '9' || n[3] < '0' || n[3] > '9' {
		return "", ErrCreditorID
	}
	if n[:2] == "DE" && len(n) != 18 {
		return "", ErrCreditorID
	}
	if mod97(n[7:]+n[:4]) != 1 {
		return "", ErrCreditorID
	}
	return n, nil
}

// ParseBIC validates the form of a BIC (8 or 11 characters: bank, country,
// location, branch).
func ParseBIC(s string) (string, error) {
	n := NormalizeIBAN(s)
	if len(n) != 8 && len(n) != 11 {
		return "", ErrBIC
	}
	for i, r := range n {
		letter := r >= 'A' && r <= 'Z'
		digit := r >= '0' && r <= '9'
		if i < 6 && !letter || !letter && !digit {
			return "", ErrBIC
		}
	}
	return n, nil
}
