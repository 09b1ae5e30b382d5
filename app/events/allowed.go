package events

import (
	"regexp"
	"strings"

	"github.com/pepalumni/memberdb/components/i18n"
)

// PeP's rule of its former force_tu_mail events: a TU Dortmund address of
// the form firstname.lastname. The legacy import and the demo data give
// such events this pattern and these messages (migration 0126 does the same).
const (
	TUAddressPattern   = `^[a-z-]+\.[a-z-]+@tu-dortmund\.de$`
	TUAddressMessageDE = "Für diese Veranstaltung brauchst du deine TU-Adresse: vorname.nachname@tu-dortmund.de."
	TUAddressMessageEN = "This event needs your TU address: firstname.lastname@tu-dortmund.de."
)

// MaxAllowedAddresses is the longest pattern or message an event keeps.
const MaxAllowedAddresses = 500

// CompileAllowed compiles an allowed-addresses pattern; empty is nil
// (anyone).
func CompileAllowed(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, nil
	}
	return regexp.Compile(pattern)
}

// Restricted tells whether only some addresses may register.
func (e *Event) Restricted() bool { return e.AllowedAddresses != "" }

// AddressAllowed tells whether email may register for the event. Addresses
// are compared lowercased, as the old TU pattern expected. A pattern that
// no longer compiles (it was checked on save) lets nobody in rather than
// everybody.
func (e *Event) AddressAllowed(email string) bool {
	re, err := CompileAllowed(e.AllowedAddresses)
	if err != nil {
		return false
	}
	return re == nil || re.MatchString(strings.ToLower(email))
}

// AllowedMessage is the organiser's message for an address that does not
// match, in lang; the other language's when only that one is written, and
// a generic one when the organiser wrote none.
func (e *Event) AllowedMessage(lang i18n.Lang) string {
	own, other := e.AllowedAddressesMessageDE, e.AllowedAddressesMessageEN
	if lang == i18n.EN {
		own, other = other, own
	}
	switch {
	case own != "":
		return own
	case other != "":
		return other
	}
	return i18n.In(lang, "events.form.email.not_allowed")
}
