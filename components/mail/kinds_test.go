package mail

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/pepalumni/memberdb/components/i18n"
)

func render(t *testing.T, ctx context.Context, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The outbox and the development mailbox say why a mail was sent in the
// reader's language, not as its code ("Anlass membership_verify").
func TestMailKindsInWords(t *testing.T) {
	de := i18n.WithLang(context.Background(), i18n.DE)
	en := i18n.WithLang(context.Background(), i18n.EN)
	for _, tt := range []struct {
		ctx        context.Context
		kind, want string
	}{
		{de, "membership_verify", "Mitgliedsantrag: Adresse bestätigen"},
		{en, "membership_verify", "Membership application: confirm address"},
		{de, "event_registration_pending", "Anmeldung: bitte bestätigen"},
		{de, "password_reset", "Passwort zurücksetzen"},
		{de, "test", "test"},
	} {
		dev := render(t, tt.ctx, devMail(DevMail{ID: 1, Kind: tt.kind, Status: "captured", Subject: "S"}))
		if !strings.Contains(dev, `data-testid="dev-mail-kind">`+tt.want+`<`) {
			t.Errorf("%s: the mailbox shows %s as\n%s", i18n.LangOf(tt.ctx), tt.kind, dev)
		}
		row := render(t, tt.ctx, OutboxRowView(OutboxRow{ID: 1, Kind: tt.kind, Status: "sent"}))
		if !strings.Contains(row, `data-testid="mail-kind">`+tt.want+`<`) {
			t.Errorf("%s: the outbox shows %s as\n%s", i18n.LangOf(tt.ctx), tt.kind, row)
		}
	}
	// Every kind the domains send has its words in both languages.
	for _, kind := range []string{
		"event_registration_pending", "event_registration_confirmed", "event_registration_waitinglist",
		"event_registration_canceled", "event_registration_moved_up", "event_registration_state",
		"event_registration_links", "event_registration_notify", "organiser_mail",
		"membership_verify", "membership_apply_pending", "membership_apply_member", "membership_apply_denied",
		"membership_board_application", "membership_welcome", "membership_denied", "membership_edit_link",
		"membership_canceled", "membership_board_canceled", "gdpr_link", "gdpr_board_erasure_request",
		"password_reset", "password_changed",
	} {
		for _, ctx := range []context.Context{de, en} {
			if kindLabel(ctx, kind) == kind {
				t.Errorf("%s has no %s words", kind, i18n.LangOf(ctx))
			}
		}
	}
}
