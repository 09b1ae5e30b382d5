package ui

import (
	"bytes"
	"context"
	"testing"
)

// Addresses may wrap after their @ and before their domain's dots, keeping
// hyphenated parts whole; other text after a slash or an underscore; the
// text stays escaped
// and nothing else is added between the parts.
func TestBreaks(t *testing.T) {
	for in, want := range map[string]string{
		"anna@example.org":                    "anna@<wbr>example<wbr>.org",
		"ada@physik.tu-dortmund.de":           `ada@<wbr>physik<wbr><span class="text-nowrap">.tu-dortmund</span><wbr>.de`,
		"Mitarbeiterin/Mitarbeiter, Lehrende": "Mitarbeiterin/<wbr>Mitarbeiter, Lehrende",
		"<b>/x":                               "&lt;b&gt;/<wbr>x",
		"a/":                                  "a/",
		"Müller-Lüdenscheidt":                 "Müller-Lüdenscheidt",
		"plain":                               "plain",
		"Treffen @ Raum 3-12/4":               "Treffen @ Raum 3-12/<wbr>4",
		"persons, person_search_words":        "persons, person_<wbr>search_<wbr>words",
		"events.notify_email":                 "events.notify_<wbr>email",
		"":                                    "",
	} {
		var b bytes.Buffer
		if err := Breaks(in).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%q: got %q, want %q", in, b.String(), want)
		}
	}
}
