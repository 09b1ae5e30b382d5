package events_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The ticket mail shows the logo the association uploaded, inline atop
// its HTML part, next to the QR code. A database of its own: the look
// would reach every other test's mails.
func TestTicketMailShowsTheAssociationsLogo(t *testing.T) {
	app := apptest.Start(t, apptest.FreshDatabase(t, "ticketlogo"))
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 40, 20))); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE site_settings SET org_name = 'Verein B', logo = $1, logo_type = 'image/png'`, logo.Bytes()); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 5*time.Second, "the settings to reach the mails", func() bool {
		return app.Server.SiteSettings.MailOrg().Logo != nil
	})

	ev := createEvent(t, app, testEvent{})
	email := unique("logo") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, ev.regPath(), "Lotte Logo", email, nil)
	post(t, app, c, lastLink(t, app, email), "action", "confirm")
	msgs := app.SMTP.WaitTo(t, email, 2, 10*time.Second)
	m := msgs[len(msgs)-1]
	a := attachment(m, "logo.png")
	if a == nil || !a.Inline || a.ContentID != "logo.png" || !bytes.Equal(a.Content, logo.Bytes()) {
		t.Fatalf("the ticket mail carries no inline logo: %+v", m.Attachments)
	}
	if !strings.Contains(m.HTML, `src="cid:logo.png" alt="Verein B"`) || !strings.Contains(m.HTML, `src="cid:ticket.png"`) {
		t.Errorf("the HTML part shows not both logo and ticket:\n%s", m.HTML)
	}
}
