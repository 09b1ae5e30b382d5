package admin

import (
	"context"
	"html"
	"strings"
)

// PrivacyDraft is a privacy statement for the public /datenschutz page in
// the language of ctx, made from the record of processing: who is
// responsible, each kind of data with its purpose and how long it stays,
// and the visitor's rights. The text editor offers it as a starting point;
// the association edits it before saving.
func (h *Handler) PrivacyDraft(ctx context.Context) (string, error) {
	esc := html.EscapeString
	var b strings.Builder
	org := h.org()
	b.WriteString("<h2>" + esc(tr(ctx, "privacy.draft.controller")) + "</h2>\n<p>" + esc(org.Name))
	for _, line := range org.Postal {
		b.WriteString("<br>" + esc(line))
	}
	b.WriteString("<br>" + esc(org.Email) + "</p>\n")
	b.WriteString("<h2>" + esc(tr(ctx, "privacy.draft.data")) + "</h2>\n<ul>\n")
	cats, err := h.processed(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range cats {
		b.WriteString("<li><strong>" + esc(tr(ctx, c.What)) + "</strong>: " + esc(tr(ctx, c.Why)) + ". " +
			esc(tr(ctx, "privacy.draft.how_long", h.howLong(ctx, c.HowLong))) + "</li>\n")
	}
	b.WriteString("</ul>\n<h2>" + esc(tr(ctx, "privacy.draft.rights")) + "</h2>\n<p>" +
		esc(tr(ctx, "privacy.draft.rights.text", org.Email)) + "</p>\n")
	return b.String(), nil
}
