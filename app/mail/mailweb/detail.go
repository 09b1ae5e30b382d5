package mailweb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/mail"
)

// mailDetail is GET /admin/mail/{id}: one mail as its recipients read it,
// with the answer of every attempt to deliver it.
func (h *Handler) mailDetail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.NotFound(w, r)
		return
	}
	v, err := h.detail(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		h.site.NotFound(w, r)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "mail.detail.title", v.Mail.Subject), view.MailDetailPage(v))
}

func (h *Handler) detail(ctx context.Context, id int64) (view.MailDetail, error) {
	var v view.MailDetail
	rows, err := h.pool.Query(ctx, mailSelect+` WHERE o.id = $1`, id)
	if err != nil {
		return v, fmt.Errorf("mailweb: mail %d: %w", id, err)
	}
	if v.Mail, err = pgx.CollectExactlyOneRow(rows, scanMail(ctx)); err != nil {
		return v, fmt.Errorf("mailweb: mail %d: %w", id, db.Map(err))
	}
	e, err := h.entry(ctx, id)
	if err != nil {
		return v, err
	}
	v.Row = outboxRow(ctx, e, outboxFilter{Page: 1})
	// The text is shown, not its links: a mailed link (a password reset,
	// a registration's personal page) would let whoever reads the outbox
	// act as its recipient.
	var body strings.Builder
	for _, part := range v.Mail.Body {
		body.WriteString(part.Text)
	}
	v.Mail.Body = []view.BodyPart{{Text: hideTokens(body.String())}}
	rows, err = h.pool.Query(ctx, `SELECT at, error FROM mail_attempts WHERE mail_id = $1 ORDER BY id`, id)
	if err != nil {
		return v, fmt.Errorf("mailweb: attempts of mail %d: %w", id, err)
	}
	v.Attempts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (view.MailAttempt, error) {
		var a view.MailAttempt
		var at time.Time
		err := row.Scan(&at, &a.Answer)
		a.At = web.LocalTime(ctx, at)
		return a, err
	})
	if err != nil {
		return v, fmt.Errorf("mailweb: attempts of mail %d: %w", id, err)
	}
	return v, nil
}

// tokenPattern matches the secret part of a mailed link (32 random bytes,
// base64url).
var tokenPattern = regexp.MustCompile(`[A-Za-z0-9_-]{43}`)

func hideTokens(text string) string { return tokenPattern.ReplaceAllString(text, "…") }
