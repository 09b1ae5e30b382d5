package organisers

import (
	"context"
	"errors"
	"net/http"
	netmail "net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/organisers"
	"github.com/pepalumni/memberdb/components/ui"
)

// maxAttachmentBytes limits the attachments of one mail together. The
// body limit of web.LimitBody leaves room for the text fields above it.
const maxAttachmentBytes = 10 << 20

// maxAttachments limits their number: a mail with two hundred files is a
// mistake, and each one is a row the draft keeps.
const maxAttachments = 20

// Limits of the text fields.
const (
	maxSenderName = 100
	maxSubject    = 200
	maxBody       = 50000
)

// mailInput is the form as submitted.
type mailInput struct {
	SenderName   string
	SenderEmail  string
	Subject      string
	Body         string
	Statuses     []string
	CopyToSender bool
	FromDraft    string
	KeepIDs      []int64
}

// writeMailForm is GET /events/{id}/write_mail/: the empty form, or with
// ?draft= the draft being edited after a preview.
func (h *Handler) writeMailForm(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	u := auth.CurrentUser(r.Context())
	in := mailInput{SenderName: u.Name, SenderEmail: u.Email, Statuses: []string{events.StatusConfirmed}, CopyToSender: true}
	var kept []AttachmentInfo
	if key := r.URL.Query().Get("draft"); key != "" {
		d, atts, err := h.store.Draft(r.Context(), key, ev.ID, u.ID)
		switch {
		case err == nil && d.SentAt == nil:
			in = mailInput{
				SenderName: d.SenderName, SenderEmail: d.SenderEmail, Subject: d.Subject, Body: d.Body,
				Statuses: d.Statuses, CopyToSender: d.CopyToSender, FromDraft: d.Key,
			}
			kept = atts
			for _, a := range atts {
				in.KeepIDs = append(in.KeepIDs, a.ID)
			}
		case err != nil && !errors.Is(err, ErrNotFound):
			h.site.ServerError(w, r, err)
			return
		}
	}
	h.renderMailForm(w, r, http.StatusOK, ev, in, kept, nil, "")
}

// writeMailSubmit is POST /events/{id}/write_mail/: check the mail, keep
// it as a draft and show the preview. Nothing is sent yet.
func (h *Handler) writeMailSubmit(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	u := auth.CurrentUser(ctx)
	// Small files stay in memory, larger ones go to temporary files that
	// the server removes after the request.
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err != nil {
		if web.IsTooLarge(err) {
			in := mailInput{SenderName: u.Name, SenderEmail: u.Email, Statuses: []string{events.StatusConfirmed}, CopyToSender: true}
			h.renderMailForm(w, r, http.StatusRequestEntityTooLarge, ev, in, nil,
				map[string]string{"attachments": tooLargeText(ctx)}, tooLargeText(ctx))
			return
		}
		h.site.Error(w, r, http.StatusBadRequest, "")
		return
	}
	if field, bad := web.CheckValues(r.PostForm); bad {
		h.site.RejectField(w, r, field)
		return
	}
	in := readMailInput(r)
	errs := in.validate(ctx)

	var kept []AttachmentInfo
	if in.FromDraft != "" {
		d, atts, err := h.store.Draft(ctx, in.FromDraft, ev.ID, u.ID)
		switch {
		case err == nil && d.SentAt == nil:
			kept = atts
		case err == nil, errors.Is(err, ErrNotFound):
			// Sent or gone meanwhile: nothing to carry over.
			in.FromDraft, in.KeepIDs = "", nil
		default:
			h.site.ServerError(w, r, err)
			return
		}
	}
	size := keptBytes(kept, in.KeepIDs)
	files, err := readAttachments(r.MultipartForm)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	for _, f := range files {
		size += int64(len(f.Content))
	}
	status := http.StatusUnprocessableEntity
	if size > maxAttachmentBytes {
		errs["attachments"] = tooLargeText(ctx)
		status = http.StatusRequestEntityTooLarge
	} else if n := len(files) + len(in.KeepIDs); n > maxAttachments {
		errs["attachments"] = i18n.T(ctx, "organisers.mail.error.too_many", maxAttachments)
	}
	if len(errs) > 0 {
		notice := ""
		switch {
		case status == http.StatusRequestEntityTooLarge:
			notice = tooLargeText(ctx)
		case len(files)+len(in.KeepIDs) > maxAttachments:
			notice = errs["attachments"] + " " + i18n.T(ctx, "organisers.mail.error.reattach")
		case len(files) > 0:
			// A browser cannot be handed files back; say so rather than
			// let the mail go out without them.
			notice = i18n.T(ctx, "organisers.mail.error.reattach")
		}
		h.renderMailForm(w, r, status, ev, in, kept, errs, notice)
		return
	}
	key, err := h.store.CreateDraft(ctx, Draft{
		EventID: ev.ID, UserID: u.ID, SenderName: in.SenderName, SenderEmail: in.SenderEmail,
		Subject: in.Subject, Body: in.Body, Statuses: in.Statuses, CopyToSender: in.CopyToSender,
	}, files, Keep{DraftKey: in.FromDraft, IDs: in.KeepIDs})
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, eventPath(r)+"write_mail/"+key+"/")
}

func tooLargeText(ctx context.Context) string {
	return i18n.T(ctx, "organisers.mail.error.too_large", sizeText(maxAttachmentBytes))
}

func readMailInput(r *http.Request) mailInput {
	in := mailInput{
		SenderName:   strings.TrimSpace(r.PostFormValue("sender_name")),
		SenderEmail:  strings.TrimSpace(r.PostFormValue("sender_email")),
		Subject:      strings.TrimSpace(r.PostFormValue("subject")),
		Body:         strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		CopyToSender: r.PostFormValue("copy_to_sender") != "",
		FromDraft:    r.PostFormValue("from_draft"),
	}
	seen := map[string]bool{}
	for _, st := range r.PostForm["status"] {
		if !seen[st] {
			seen[st] = true
			in.Statuses = append(in.Statuses, st)
		}
	}
	for _, v := range r.PostForm["keep_attachment"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.KeepIDs = append(in.KeepIDs, id)
		}
	}
	return in
}

// validate returns a message per invalid field, in the user's language.
func (in mailInput) validate(ctx context.Context) map[string]string {
	errs := map[string]string{}
	t := func(key string, args ...any) string { return i18n.T(ctx, "organisers.mail.error."+key, args...) }
	switch {
	case in.SenderName == "":
		errs["sender_name"] = t("sender_name_missing")
	case hasControl(in.SenderName):
		errs["sender_name"] = t("line_break")
	case utf8.RuneCountInString(in.SenderName) > maxSenderName:
		errs["sender_name"] = t("too_long", maxSenderName)
	}
	if a, err := netmail.ParseAddress(in.SenderEmail); err != nil || a.Address != in.SenderEmail || hasControl(in.SenderEmail) {
		errs["sender_email"] = t("sender_email")
	}
	switch {
	case in.Subject == "":
		errs["subject"] = t("subject_missing")
	case hasControl(in.Subject):
		errs["subject"] = t("line_break")
	case utf8.RuneCountInString(in.Subject) > maxSubject:
		errs["subject"] = t("too_long", maxSubject)
	}
	switch {
	case strings.TrimSpace(in.Body) == "":
		errs["body"] = t("body_missing")
	case utf8.RuneCountInString(in.Body) > maxBody:
		errs["body"] = t("too_long", maxBody)
	}
	if len(in.Statuses) == 0 {
		errs["statuses"] = t("statuses_missing")
	}
	for _, st := range in.Statuses {
		if !slices.Contains(view.Statuses, st) {
			errs["statuses"] = t("statuses_missing")
		}
	}
	return errs
}

// hasControl finds line breaks and other control characters, which would
// let a header value start a header of its own.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func (h *Handler) renderMailForm(w http.ResponseWriter, r *http.Request, status int, ev *events.Event, in mailInput,
	kept []AttachmentInfo, errs map[string]string, notice string) {
	counts, err := events.CountByStatus(r.Context(), h.pool, ev.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	base := eventPath(r)
	// A sender refused for its length comes back cut to it (ui.Kept); the
	// subject and text come back whole, as cut one more click would send
	// them without their end.
	f := view.MailForm{
		EventName: ev.Name, Action: base + "write_mail/",
		SenderName: ui.Kept(in.SenderName, maxSenderName), SenderEmail: ui.Kept(in.SenderEmail, ui.MaxEmailLength),
		Subject: in.Subject, Body: in.Body,
		CopyToSender: in.CopyToSender, FromDraft: in.FromDraft,
		MaxSize: sizeText(maxAttachmentBytes), MaxBytes: maxAttachmentBytes, MaxFiles: maxAttachments,
		Errors: errs, Notice: notice,
	}
	if auth.CurrentUser(r.Context()).Has(LevelParticipants) {
		f.ParticipantsURL = base + "participants/"
	}
	for _, st := range view.Statuses {
		f.Statuses = append(f.Statuses, view.StatusOption{Status: st, Count: counts[st], Checked: slices.Contains(in.Statuses, st)})
	}
	for _, a := range kept {
		f.Kept = append(f.Kept, view.KeptAttachment{
			ID: a.ID, Filename: a.Filename, Size: sizeText(a.Size), Bytes: a.Size, Checked: slices.Contains(in.KeepIDs, a.ID),
		})
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "organisers.mail.title", ev.Name), view.WriteMailPage(f))
}
