package texts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Who changed a text, when, from what to what is in the audit log: saving
// a mail or page text, and resetting it to the default. Saving the same
// text again records nothing.
func TestTextChangesAreAudited(t *testing.T) {
	app := apptest.Start(t)
	c, user := app.ClientWith(t, "texts_admin")
	type change struct{ field, old, new string }
	changes := func(table, row string) []change {
		t.Helper()
		rows, err := app.Pool.Query(t.Context(), `SELECT field, coalesce(old_value, '∅'), coalesce(new_value, '∅'), actor
			FROM audit_log WHERE table_name = $1 AND row_id = $2 ORDER BY id`, table, row)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []change
		for rows.Next() {
			var ch change
			var actor string
			if err := rows.Scan(&ch.field, &ch.old, &ch.new, &actor); err != nil {
				t.Fatal(err)
			}
			if actor != user.Username {
				t.Errorf("a change by %q, want %q", actor, user.Username)
			}
			out = append(out, ch)
		}
		return out
	}
	want := func(got []change, want ...change) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("audit entries %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("audit entry %d is %q, want %q", i, got[i], want[i])
			}
		}
	}

	mailPath := "/admin/texts/mail/members/denied/en"
	save := func(subject, body string) {
		t.Helper()
		resp := app.PostForm(t, c, mailPath, url.Values{"subject": {subject}, "body": {body}})
		wantStatus(t, "saving", resp, http.StatusSeeOther)
	}
	save("Your application", "Dear {{.Name}},\n{{.Message}}\n")
	save("Your application", "Dear {{.Name}},\n{{.Message}}\n") // the same again
	save("About your application", "Dear {{.Name}},\n{{.Message}}\n")
	wantStatus(t, "reset", app.PostForm(t, c, mailPath+"/reset", nil), http.StatusSeeOther)
	wantStatus(t, "reset again", app.PostForm(t, c, mailPath+"/reset", nil), http.StatusSeeOther)
	body := "Dear {{.Name}},\n{{.Message}}\n"
	want(changes("mail_texts", "members/denied/en"),
		change{"subject", "∅", "Your application"}, change{"text", "∅", body},
		change{"subject", "Your application", "About your application"},
		change{"subject", "About your application", "∅"}, change{"text", body, "∅"})

	pagePath := "/admin/texts/pages/impressum/de"
	for _, text := range []string{"<p>Erste Fassung</p>", "<p>Erste Fassung</p>", "<p>Zweite Fassung</p>"} {
		wantStatus(t, "saving the page", app.PostForm(t, c, pagePath, url.Values{"body": {text}}), http.StatusSeeOther)
	}
	wantStatus(t, "reset the page", app.PostForm(t, c, pagePath+"/reset", nil), http.StatusSeeOther)
	want(changes("page_texts", "impressum/de"),
		change{"html", "∅", "<p>Erste Fassung</p>"}, change{"html", "<p>Erste Fassung</p>", "<p>Zweite Fassung</p>"},
		change{"html", "<p>Zweite Fassung</p>", "∅"})

	// The audit log names them in the reader's language.
	admin, _ := app.ClientWith(t, "audit_admin")
	for lang, words := range map[string][]string{"de": {"Mailtexte", "Seitentexte", "Betreff", "(Standardtext)"},
		"en": {"Mail texts", "Page texts", "Subject", "(default text)"}} {
		log := app.Get(t, admin, "/admin/audit?q=members%2Fdenied%2Fen", "Accept-Language", lang)
		wantStatus(t, "the audit log", log, http.StatusOK)
		// The table filter offers the page texts and keeps to them.
		pages := app.Get(t, admin, "/admin/audit?table=page_texts", "Accept-Language", lang)
		pages.Body = strings.ReplaceAll(pages.Body, "<wbr>", "") // where long values may wrap
		if !strings.Contains(pages.Body, `<option value="page_texts" selected>`) || strings.Contains(pages.Body, "members/denied/en") ||
			!strings.Contains(pages.Body, "impressum/de") {
			t.Errorf("the %s audit log filtered to page texts is not", lang)
		}
		for _, w := range words {
			if !strings.Contains(log.Body+pages.Body, w) {
				t.Errorf("the %s audit log lacks %q", lang, w)
			}
		}
	}
}
