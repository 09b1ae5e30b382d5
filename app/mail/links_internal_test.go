package mail

import (
	"slices"
	"testing"
)

// Where a personal link stands alone, and where the mails' HTML part
// ends it: one rule for both, which a reviewer found told apart by a
// no-break space and a bracket.
func TestRunsIntoAndLinked(t *testing.T) {
	const l = "https://verein.example/l/TOKEN"
	for _, tt := range []struct {
		text  string
		glued bool
	}{
		{l, false},
		{"Link: " + l + "\n", false},
		{"(" + l + ").", false},
		{"„" + l + "“", false},
		{"<" + l + ">", false},
		{"https://evil.example/?u=" + l, true},
		{"https://evil.example/?u=\u00a0" + l, true},
		{"https://evil.example/?u=(" + l + ")", true},
		{"evil.example/" + l, true},
		{l + "&x=1", true},
		{l + "\u00a0evil", true},
		{"((" + l, true},
		// A mail reader joins what an angle bracket or a quote holds,
		// white space dropped, and ends no address at a form feed.
		{"<https://evil.example/?u= " + l + ">", true},
		{"<URL:https://evil.example/?u= " + l + ">", true},
		{"\"https://evil.example/?u= " + l + "\"", true},
		{"<https://evil.example/?u=\n" + l + ">", true},
		{"https://evil.example/?u=\f" + l, true},
		{"Schreib an <vorstand@example.org>.\n<" + l + ">", false},
		{"Er sagte \"hallo\".\n\"" + l + "\"", false},
		{"Er sagte \"hallo\". " + l, false},
		// An earlier stray quote made the quotes before the link even.
		{"Bitte bring dein 13\" Notebook mit.\n\n\"https://evil.example/?u= " + l + "\"", true},
		{"\"" + l + "\t@evil.example\"", true},
	} {
		if got := runsInto(tt.text, l); got != tt.glued {
			t.Errorf("runsInto(%q) = %v, want %v", tt.text, got, tt.glued)
		}
	}
	if got := linked("Siehe (" + l + ")."); got != `Siehe (<a href="`+l+`">`+l+`</a>).` {
		t.Errorf("linked = %q", got)
	}
	if got := linked("https://de.wikipedia.org/wiki/Foo_(Bar)"); got != `<a href="https://de.wikipedia.org/wiki/Foo_(Bar)">https://de.wikipedia.org/wiki/Foo_(Bar)</a>` {
		t.Errorf("linked cut a bracket the address opened: %q", got)
	}
}

// The links of a list's elements count at sending as the mail's own do:
// the "send me my links" mail walks a list of them.
func TestLinksInWalksLists(t *testing.T) {
	type entry struct {
		Event, Link string
	}
	// A ticket's code lets its holder in at the door: kept as a link is.
	data := map[string]any{"Name": "Ada", "EditLink": "https://x/e", "Links": []entry{{"A", "https://x/a"}, {"B", "https://x/b"}},
		"Other": []map[string]any{{"Link": "https://x/c"}}, "Ticket": "K7QXB-M2PD4"}
	got := linksIn(data)
	slices.Sort(got)
	if want := []string{"K7QXB-M2PD4", "https://x/a", "https://x/b", "https://x/c", "https://x/e"}; !slices.Equal(got, want) {
		t.Errorf("links %v, want %v", got, want)
	}
	if !linkRunsInto("https://evil.example/?u=https://x/b", data) {
		t.Error("a list's link run into another address passed")
	}
}
