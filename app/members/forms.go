package members

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/ui"
)

// maxMessage bounds the board's message to a denied applicant.
const maxMessage = 5000

// checkName returns the message for an unusable name, "" when it is fine.
func checkName(ctx context.Context, name string) string {
	switch {
	case name == "":
		return i18n.T(ctx, "members.error.name.required")
	case utf8.RuneCountInString(name) > ui.MaxNameLength:
		return i18n.N(ctx, "members.error.name.long", ui.MaxNameLength)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return i18n.T(ctx, "members.error.name.invalid")
	}
	return ""
}

// checkEmail returns the message for an unusable address, "" when it is
// fine. Only a bare address is accepted, no display name, and its domain
// must have a dot.
func checkEmail(ctx context.Context, email string) string {
	switch {
	case email == "":
		return i18n.T(ctx, "members.error.email.required")
	case utf8.RuneCountInString(email) > ui.MaxEmailLength:
		return i18n.N(ctx, "members.error.email.long", ui.MaxEmailLength)
	case !mail.ValidAddress(email):
		return i18n.T(ctx, "members.error.email.invalid")
	}
	return ""
}

// checkType returns the message for a missing membership type or one
// that someone whose type is current may not choose on a public form
// (Types.Choosable).
func checkType(ctx context.Context, ts Types, key, current string) string {
	if !ts.Choosable(key, current, true) {
		return i18n.T(ctx, "members.error.type")
	}
	return ""
}

// cleanName trims a name and folds inner runs of white space (line breaks
// included) into one space.
func cleanName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
