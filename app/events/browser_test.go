package events_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// clear empties an input, as selecting all and deleting would.
func clear(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById("` + id + `").value = ""`)
}

// dismissToasts closes the toasts, which on a phone cover the bottom of
// the page, the way a user taps their close buttons.
func dismissToasts() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-dismiss-toast]").forEach(function (b) { b.click() })`)
}

// Register for the toolbox workshop on a phone, ticking nested
// checkboxes; confirm through the mailed link; cancel and watch the person
// waiting move up.
func TestBrowserRegisterConfirmCancel(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "toolbox-workshop.json", max: places(1),
		description: `<p>Zwei Wochen Werkzeuge: $\int_0^1 x\,dx$</p>`})
	b := apptest.NewBrowser(t, 360, 740)
	email := unique("browser") + "@example.org"
	b.Do(t, "fill the form",
		chromedp.Navigate(app.URL+ev.shortRegPath()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"] .katex`)),
		chromedp.SendKeys(chromedp.ID("f-name"), "Grace Hopper"),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.Click(chromedp.ID("f-toolbox")),
		chromedp.SetValue(chromedp.ID("f-os"), "Debian/Ubuntu/Mint"),
		chromedp.Click(chromedp.ID("f-skill-2")),
		chromedp.Click(chromedp.ID("f-languages--python")),
		chromedp.Click(chromedp.ID("f-languages--fortran")),
		chromedp.SendKeys(chromedp.ID("f-languages--other"), "Rust"),
		chromedp.Click(chromedp.ID("f-toolbox_interests--git")),
	)
	b.FitsWidth(t)
	b.Do(t, "submit", chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="check-mail"]`)))
	b.NoConsoleErrors(t)

	var data []byte
	if err := app.Pool.QueryRow(t.Context(), `SELECT data FROM registrations WHERE event_id = $1`, ev.id).Scan(&data); err != nil {
		t.Fatal(err)
	}
	var answers struct {
		Toolbox   bool            `json:"toolbox"`
		OS        string          `json:"os"`
		Skill     string          `json:"skill"`
		Languages map[string]any  `json:"languages"`
		Interests map[string]bool `json:"toolbox_interests"`
	}
	_ = json.Unmarshal(data, &answers)
	if !answers.Toolbox || answers.OS != "Debian/Ubuntu/Mint" || answers.Skill != "Schon mal programmiert, auch in Python" ||
		answers.Languages["python"] != true || answers.Languages["fortran"] != true || answers.Languages["c"] != false ||
		answers.Languages["other"] != "Rust" || !answers.Interests["git"] || answers.Interests["make"] {
		t.Errorf("stored answers %s", data)
	}

	// Confirm with the link from the mail that arrived.
	msgs := app.SMTP.WaitTo(t, email, 1, 10*time.Second)
	link := linkRE.FindString(msgs[0].Text)
	if link == "" {
		t.Fatalf("no link in\n%s", msgs[0].Text)
	}
	b.Do(t, "confirm",
		chromedp.Navigate(app.URL+link),
		chromedp.Click(chromedp.CSS(`[data-testid="confirm"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="confirmed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="answers-form"]`)),
	)
	if checked := apptest.Eval[bool](t, b, `document.getElementById("f-languages--python").checked`); !checked {
		t.Error("the stored answers are not in the form")
	}
	b.FitsWidth(t)

	// Someone else is waiting; cancelling gives them the place.
	waiting, waitingLink := addRegistration(t, app, ev.id, "Waiting Person", unique("waiting")+"@example.org", "waitinglist", 0)
	b.Do(t, "cancel",
		dismissToasts(),
		chromedp.Click(chromedp.CSS(`[data-testid="cancel-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="cancel-confirm"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="cancel-confirm"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="canceled"]`)),
	)
	if s := statusOf(t, app, waiting); s != "confirmed" {
		t.Errorf("the waiting person is %s, want confirmed", s)
	}
	b.Do(t, "the waiting person's page",
		chromedp.Navigate(app.URL+waitingLink),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="confirmed"]`)),
	)
	b.NoConsoleErrors(t)
}

// $\alpha^2$ renders live under a latex field; an unbalanced $ makes the
// browser refuse to submit.
func TestBrowserLatexPreview(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {
		"title": {"type": "string", "format": "latex", "label": "Titel der Arbeit"}}}`})
	b := apptest.NewBrowser(t, 360, 740)
	email := unique("latex") + "@example.org"
	b.Do(t, "type a formula",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.SendKeys(chromedp.ID("f-name"), "Emmy Noether"),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-title"), `Über $\alpha^2$`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="latex-preview-title"] .katex`)),
	)
	tex := apptest.Eval[string](t, b, `document.querySelector('[data-testid="latex-preview-title"] .katex annotation').textContent`)
	if tex != `\alpha^2` {
		t.Errorf("KaTeX rendered %q, want \\alpha^2", tex)
	}
	if valid := apptest.Eval[bool](t, b, `document.getElementById("f-title").checkValidity()`); !valid {
		t.Error("a balanced formula marks the field invalid")
	}

	b.Do(t, "break the formula",
		clear("f-title"),
		chromedp.SendKeys(chromedp.ID("f-title"), `Über $\alpha^2`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="latex-problem"]`)),
		// The browser decides at the click: it refuses the form, firing
		// invalid at the field, or submits it. Either leaves a mark.
		chromedp.Evaluate[chromedp.Void](`(function () {
			var form = document.getElementById("registration-form");
			window.submitTry = "";
			form.addEventListener("invalid", function () { window.submitTry = "refused"; }, true);
			form.addEventListener("submit", function () { window.submitTry = "submitted"; }, true);
		})()`),
		chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
	)
	// A page that has gone (a plain submit) has no submitTry: not "".
	b.WaitTrue(t, "the browser to refuse or submit the form", `window.submitTry !== ""`)
	if !apptest.Eval[bool](t, b, `window.submitTry === "refused"`) {
		t.Fatal("the browser submitted an unbalanced formula")
	}
	msg := apptest.Eval[string](t, b, `document.getElementById("f-title").validationMessage`)
	if !strings.Contains(msg, "$") {
		t.Errorf("validation message %q does not explain the $", msg)
	}
	if n := statusCounts(t, app, ev.id); len(n) != 0 {
		t.Fatalf("the browser submitted an unbalanced formula: %v", n)
	}
	if present := apptest.Eval[bool](t, b, `!!document.querySelector('[data-testid="check-mail"]')`); present {
		t.Fatal("the form was sent")
	}

	// A KaTeX error refuses too.
	b.Do(t, "unknown command",
		clear("f-title"),
		chromedp.SendKeys(chromedp.ID("f-title"), `$\frac{1}$`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="latex-problem"]`)),
	)
	if valid := apptest.Eval[bool](t, b, `document.getElementById("f-title").checkValidity()`); valid {
		t.Error("a formula KaTeX cannot set is accepted")
	}

	b.Do(t, "fix and send",
		clear("f-title"),
		chromedp.SendKeys(chromedp.ID("f-title"), `Über $\alpha^2$-Zerfälle`),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="latex-problem"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="check-mail"]`)),
	)
	b.FitsWidth(t)
	b.NoConsoleErrors(t)
}

// The server refuses an address the browser accepts (not the TU's). On a
// phone the submit button is far below the email field; the refused form
// must bring the field into view, or the tap seems to do nothing.
func TestBrowserRefusedFormShowsTheProblem(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "toolbox-workshop.json", forceTU: true})
	b := apptest.NewBrowser(t, 360, 740)
	b.Do(t, "fill the form with a private address",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.SendKeys(chromedp.ID("f-name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.ID("f-email"), unique("ada")+"@example.org"),
		chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-email"]`)),
	)
	// The focus moves once htmx has settled the swapped form.
	apptest.EventuallyValue(t, 5*time.Second, "the refused email field to take the focus", func() (string, bool) {
		focused := apptest.Eval[string](t, b, `document.activeElement ? document.activeElement.id : ""`)
		return focused, focused == "f-email"
	})
	// The page scrolls smoothly; wait for it to arrive.
	b.WaitTrue(t, "the refused email field to scroll into view", `(function () {
		var r = document.getElementById("f-email").getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`)
	if n := statusCounts(t, app, ev.id); len(n) != 0 {
		t.Errorf("a refused form stored %v", n)
	}
	// Chromium reports the 422 itself as a failed resource; anything else
	// is a fault of the page.
	b.NoConsoleErrors(t, "status of 422")
}

// A formula in the event's description or in the live preview of a latex
// answer is typeset, but within its own box: a \kern, \raisebox or \rule
// of thousands of pixels neither covers the form nor widens the page.
func TestBrowserFormulasStayInTheirBoxes(t *testing.T) {
	app := apptest.Start(t)
	payloads := `$\rule{3000px}{3000px}$ $\kern-2000px \text{DRÜBER}$ $\raisebox{3000px}{HOCH}$`
	ev := createEvent(t, app, testEvent{description: `<p>Vortrag über $\alpha$-Zerfälle ` + payloads + `</p>`,
		schema: `{"type": "object", "properties": {"title": {"type": "string", "format": "latex", "label": "Titel $T$"}}}`})
	b := apptest.NewBrowser(t, 360, 740)
	b.Do(t, "type the payloads into the latex field",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"] .katex`)),
		chromedp.SendKeys(chromedp.ID("f-title"), payloads),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="latex-preview-title"] .katex`)),
	)
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="field-title"] label .katex').length`); n != 1 {
		t.Errorf("the label's formula is typeset %d times, want once", n)
	}
	spills := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('.katex')).map(function (k) {
		var box = k.closest('[data-testid]').getBoundingClientRect(), r = k.getBoundingClientRect();
		var inside = r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
		return inside && getComputedStyle(k).overflow === 'clip' ? '' : k.textContent + ': ' + JSON.stringify(r) + ' in ' + JSON.stringify(box);
	}).filter(Boolean)`)
	if len(spills) > 0 {
		t.Errorf("formulas reach out of their boxes:\n%q", spills)
	}
	for _, id := range []string{"f-name", "f-email", "f-title"} {
		covered := apptest.Eval[string](t, b, `(function () {
			var input = document.getElementById("`+id+`");
			input.scrollIntoView({ block: "center" });
			var r = input.getBoundingClientRect(), el = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
			return el === input ? "" : el ? el.outerHTML.slice(0, 120) : "nothing (off the screen)";
		})()`)
		if covered != "" {
			t.Errorf("%s is covered by %s", id, covered)
		}
	}
	b.FitsWidth(t)
	b.NoConsoleErrors(t)
}
