package texts

import (
	"context"
	"net/http"
	"strings"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// Handler serves the text editors and the legal pages.
type Handler struct {
	store *Store
	book  *mail.Book
	site  *web.Site
	cfg   *config.Config
	// PrivacyDraft writes the privacy page's starting point in the
	// language of ctx: the record of processing as HTML (app/admin).
	// Nil offers no draft.
	PrivacyDraft func(ctx context.Context) (string, error)
}

// NewHandler builds the handler of store's texts and book's mails.
func NewHandler(cfg *config.Config, site *web.Site, store *Store, book *mail.Book) *Handler {
	return &Handler{store: store, book: book, site: site, cfg: cfg}
}

// PageTexts is middleware that lets every page show the association's
// own texts (layout.PageText), read from the cache when a page asks.
func (h *Handler) PageTexts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := i18n.LangOf(ctx)
		text := func(key string) string {
			p, ok := pageOf(key)
			if !ok {
				return ""
			}
			html, err := h.store.PageHTML(ctx, p, lang)
			if err != nil {
				// The page shows its default; the next page tries again.
				h.site.Logger.Error("texts: reading the page texts failed", "err", err)
				return ""
			}
			return html
		}
		next.ServeHTTP(w, r.WithContext(layout.WithPageTexts(ctx, text)))
	})
}

// pageHTML is the association's text of legal page p in lang or, where
// it wrote none in lang, in another language: its Impressum in German
// says more than the placeholder in English. "" when there is none.
func (h *Handler) pageHTML(ctx context.Context, p Page, lang i18n.Lang) (string, error) {
	html, err := h.store.PageHTML(ctx, p, lang)
	for _, other := range i18n.Langs {
		if html != "" || err != nil {
			break
		}
		if other != lang {
			html, err = h.store.PageHTML(ctx, p, other)
		}
	}
	return html, err
}

// langOf is the {lang} segment of an editor's address.
func langOf(r *http.Request, s string) (i18n.Lang, bool) {
	for _, l := range i18n.Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// formText is a posted field with the browser's line breaks made \n.
func formText(r *http.Request, name string) string {
	return strings.ReplaceAll(r.PostFormValue(name), "\r\n", "\n")
}
