package organisers_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// The mail form says under the sender's address that replies go there,
// and the preview lists who gets the mail (collapsed), by name and
// address.
func TestBrowserWriteMailReplyHintAndRecipients(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerakademie 2026", testSchema)
	var emails []string
	for i, name := range []string{"Jürgen Groß", "Ada Lovelace", "Emmy Noether"} {
		r := register(t, app, ev, testRegistration{Name: name, Status: "confirmed", Confirmed: at(i)})
		emails = append(emails, r.Email)
	}
	register(t, app, ev, testRegistration{Name: "Wanda Warteliste", Status: "waitinglist", Confirmed: at(9)})
	for _, lang := range i18n.Langs {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			name := fmt.Sprintf("%s-%dx%d", lang, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				b.Login(t, app, "get_participants", "write_email")
				setLanguage(t, b, app, lang)
				b.Do(t, "open the mail form",
					chromedp.Navigate(fmt.Sprintf("%s/events/%d/write_mail/", app.URL, ev.ID)),
					chromedp.WaitVisible(css(`[data-testid="mail-form"]`)),
				)
				b.Screenshot(t, "write-mail-"+name)
				// The hint sits right under the address field it describes,
				// not under the name beside it.
				placement := apptest.Eval[string](t, b, `(function () {
					var hint = document.querySelector('[data-testid="reply-to-hint"]').getBoundingClientRect();
					var email = document.getElementById('mail-sender-email').getBoundingClientRect();
					var name = document.getElementById('mail-sender-name').getBoundingClientRect();
					if (hint.top < email.bottom || hint.top - email.bottom > 16) return 'hint ' + Math.round(hint.top - email.bottom) + ' px below the address field';
					if (Math.abs(hint.left - email.left) > 2) return 'hint starts at ' + hint.left + ', the address field at ' + email.left;
					if (name.bottom > email.top && hint.left < name.right && name.left < email.left) return 'hint under the name field';
					return '';
				})()`)
				if placement != "" {
					t.Error(placement)
				}
				if ids := apptest.Eval[string](t, b, `document.getElementById('mail-sender-email').getAttribute('aria-describedby')`); ids != "mail-reply-to-hint" {
					t.Errorf("address field described by %q", ids)
				}

				b.Do(t, "write and preview",
					chromedp.SendKeys(css(`#mail-subject`), "Anreise"),
					chromedp.SendKeys(css(`#mail-body`), "Wir treffen uns am Bahnhof."),
					chromedp.Click(css(`[data-testid="preview"]`)),
					chromedp.WaitVisible(css(`[data-testid="preview-text"]`)),
				)
				if open := apptest.Eval[bool](t, b, `document.querySelector('[data-testid="recipient-list"]').open`); open {
					t.Error("the list of recipients is open before anyone asked for it")
				}
				b.Do(t, "show the recipients",
					chromedp.Click(css(`[data-testid="recipient-list"] summary`)),
					chromedp.WaitVisible(css(`[data-testid="recipient"]`)),
				)
				got := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-testid="recipient"]')).map(function (li) { return li.textContent.replace(/\s+/g, ' ').trim() })`)
				want := []string{"Jürgen Groß <" + emails[0] + ">", "Ada Lovelace <" + emails[1] + ">", "Emmy Noether <" + emails[2] + ">"}
				if !slices.Equal(got, want) {
					t.Errorf("recipients %q, want %q", got, want)
				}
				b.Screenshot(t, "write-mail-preview-"+name)
				b.FitsWidth(t)
				b.NoConsoleErrors(t)
			})
		}
	}
}
