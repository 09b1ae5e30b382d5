package mailweb_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

func TestBrowserSearchOutboxAndRetryOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	b := apptest.NewBrowser(t, 360, 740) // Chromium asks for English
	b.Login(t, app, "mail_admin")
	failed := unique("needle")
	failedMail(t, app, failed)
	failedMail(t, app, unique("hay"))

	b.Do(t, "search the failed mails",
		chromedp.Navigate(app.URL+"/admin/mail?status=failed"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="mail-search"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="mail-search"]`), strings.Split(failed, "@")[0]),
	)
	// The debounced search swaps the list down to the one mail.
	b.WaitTrue(t, "the search to narrow the list", `document.querySelectorAll('[data-testid="mail-row"]').length === 1`)
	// The count is said by the status line, which stays while the list is swapped.
	b.WaitTrue(t, "the status line to count one mail", `document.querySelector('#mail-total[role="status"]').textContent.trim() === `+
		strconv.Quote(i18n.InN(i18n.EN, "mail.admin.count", 1))+` && !document.querySelector('#mail-outbox [role="status"]')`)
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "q="+url.QueryEscape(strings.Split(failed, "@")[0])) || !strings.Contains(loc, "status=failed") {
		t.Errorf("address bar = %s, want the filter in it", loc)
	}

	// On a phone the mail is one block the width of the screen, not a
	// column squeezed beside status and button columns.
	subjectWidth, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](
		`document.querySelector('[data-testid="mail-row"] .fw-semibold').getBoundingClientRect().width`))
	if err != nil || subjectWidth < 280 {
		t.Errorf("the subject gets %.0f px of a 360 px phone (%v), want nearly all of it", subjectWidth, err)
	}

	// Every search request has come back (a slow typist's intermediate
	// search must not land after the retry and list the mail no more), and
	// its rows have settled: htmx binds the new retry button only then, and
	// a click before would post the plain form.
	b.WaitTrue(t, "the search to be done", `!document.querySelector('.htmx-request, .htmx-added, .htmx-settling') &&
		document.querySelector('[data-testid="mail-search"]').value === new URLSearchParams(location.search).get('q')`)
	b.Do(t, "retry", chromedp.Click(chromedp.CSS(`[data-testid="mail-retry"]`)))
	app.SMTP.WaitTo(t, failed, 1, 5*time.Second)
	toast, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`[data-testid="toast"]`)))
	if err != nil || !strings.Contains(toast, i18n.In(i18n.EN, "mail.admin.retried")) {
		t.Errorf("toast = %q (%v)", toast, err)
	}
	// The mail may go out before htmx has swapped the row: wait for the swap.
	b.WaitTrue(t, "the row to be swapped to queued", `(function () {
		var row = document.querySelector('[data-testid="mail-row"]');
		return !!row && row.dataset.status === "queued";
	})()`)
	b.FitsWidth(t)
	b.NoConsoleErrors(t)
}
