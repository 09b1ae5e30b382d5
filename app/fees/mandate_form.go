package fees

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/fees/sepa"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/ui"
)

// Limits of a mandate's account holder (characters) and address lines
// (bytes, as the bank file counts them).
const (
	maxHolder      = 70
	maxAddressLine = 140
)

// readMandateForm validates a posted mandate form. The IBAN typed in is
// never shown again: a form with errors asks for it anew, so it is not
// kept in a page, a cache or a screenshot longer than needed.
func readMandateForm(ctx context.Context, r *http.Request, f views.MandateForm) (*MandateInput, views.MandateForm) {
	f.Holder = clean(r.PostFormValue("account_holder"))
	f.BIC = clean(r.PostFormValue("bic"))
	f.Street = clean(r.PostFormValue("street"))
	f.Town = clean(r.PostFormValue("town"))
	f.Country = strings.ToUpper(clean(r.PostFormValue("country")))
	f.Consent = r.PostFormValue("consent") == "yes"
	in := MandateInput{AccountHolder: f.Holder}

	switch n := utf8.RuneCountInString(f.Holder); {
	case n == 0:
		f.HolderError = i18n.T(ctx, "fees.error.holder")
	case n > maxHolder || sepa.Latin(f.Holder, 0) == "":
		f.HolderError = i18n.T(ctx, "fees.error.holder_long")
	case !sepa.Transliterable(f.Holder):
		f.HolderError = i18n.T(ctx, "fees.error.holder_latin")
	}
	iban, err := sepa.ParseIBAN(r.PostFormValue("iban"))
	switch {
	case errors.Is(err, sepa.ErrIBANChecksum):
		f.IBANError = i18n.T(ctx, "fees.error.iban_checksum")
	case errors.Is(err, sepa.ErrIBANCountry), err == nil && !sepa.InSEPA(iban.Country()):
		f.IBANError = i18n.T(ctx, "fees.error.iban_country")
	case err != nil:
		f.IBANError = i18n.T(ctx, "fees.error.iban")
	}
	in.IBAN = iban
	outside := err == nil && !sepa.InEEA(iban.Country())
	if f.BIC != "" || outside {
		bic, err := sepa.ParseBIC(f.BIC)
		switch {
		case f.BIC == "":
			f.BICError = i18n.T(ctx, "fees.error.bic_needed")
		case err != nil:
			f.BICError = i18n.T(ctx, "fees.error.bic")
		case outside:
			in.BIC = bic
		}
	}
	if outside {
		country := f.Country
		if country == "" {
			country = iban.Country()
		}
		switch {
		case f.Street == "" || f.Town == "":
			f.AddressError = i18n.T(ctx, "fees.error.address_needed")
		case len(country) != 2 || sepa.Latin(country, 0) != country || len(f.Street) > maxAddressLine || len(f.Town) > maxAddressLine:
			f.AddressError = i18n.T(ctx, "fees.error.address")
		default:
			in.Country, in.AddressLines = country, []string{f.Street, f.Town}
		}
	}
	if !f.Paper && !f.Consent {
		f.ConsentError = i18n.T(ctx, "fees.error.consent")
	}
	if f.HolderError != "" || f.IBANError != "" || f.BICError != "" || f.AddressError != "" || f.ConsentError != "" {
		if f.IBANError == "" {
			// The form never shows an IBAN again; say why the field
			// is empty.
			f.IBANError = i18n.T(ctx, "fees.error.iban_again")
		}
		// A value refused for its length comes back cut to the most any
		// of these fields takes, not whole (ui.Kept).
		f.Holder = ui.Kept(f.Holder, maxHolder)
		for _, v := range []*string{&f.BIC, &f.Street, &f.Town, &f.Country} {
			*v = ui.Kept(*v, maxAddressLine)
		}
		return nil, f
	}
	return &in, f
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
