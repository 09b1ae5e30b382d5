package mail

import (
	"context"

	"github.com/pepalumni/memberdb/components/i18n"
)

// kindLabel says why a mail was sent (mail_outbox.kind) in the reader's
// language: "Mitgliedsantrag: Adresse bestätigen", not
// "membership_verify". A kind without a text, a test's say, shows as it is.
func kindLabel(ctx context.Context, kind string) string {
	key := "mail.kind." + kind
	if s := i18n.T(ctx, key); s != key {
		return s
	}
	return kind
}
