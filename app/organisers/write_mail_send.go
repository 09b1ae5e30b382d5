package organisers

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/organisers"
)

// mailText is the data of the organiser_mail text.
type mailText struct {
	Subject     string
	Body        string
	EventName   string
	SenderName  string
	SenderEmail string
}

// mailTextOf is d as a reader of lang gets it: the event named in lang.
func mailTextOf(ev *events.Event, d Draft, lang i18n.Lang) mailText {
	return mailText{Subject: d.Subject, Body: d.Body, EventName: ev.NameIn(lang), SenderName: d.SenderName, SenderEmail: d.SenderEmail}
}

// mailPreview is GET /events/{id}/write_mail/{draft}/: the mail as it will
// arrive and who gets it.
func (h *Handler) mailPreview(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	u := auth.CurrentUser(ctx)
	d, atts, err := h.store.Draft(ctx, chi.URLParam(r, "draft"), ev.ID, u.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	case d.SentAt != nil:
		h.site.Flash(r, "info", i18n.T(ctx, "organisers.mail.already_sent"))
		web.Redirect(w, r, h.afterSend(r))
		return
	}
	recipients, err := h.store.Recipients(ctx, ev.ID, d.Statuses)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	subject, text, err := h.texts.Render(i18n.LangOf(ctx), "organiser_mail", mailTextOf(ev, d, i18n.LangOf(ctx)))
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	base := eventPath(r)
	p := view.MailPreview{
		EventName: ev.Name,
		SendURL:   base + "write_mail/" + d.Key + "/send",
		EditURL:   base + "write_mail/?draft=" + d.Key,
		// As a person reads it, not MIME-encoded as in the header.
		ReplyTo:  d.SenderName + " <" + d.SenderEmail + ">",
		Subject:  subject,
		Text:     text,
		Statuses: d.Statuses,
	}
	others := map[i18n.Lang]int{}
	for _, rc := range recipients {
		p.Recipients = append(p.Recipients, view.Recipient{Name: rc.Name, Email: rc.Email})
		if lang := recipientLang(rc, i18n.LangOf(ctx)); lang != i18n.LangOf(ctx) {
			others[lang]++
		}
	}
	// The mail's own lines (the footer) are in each recipient's language:
	// the organiser sees those the others read too.
	for _, lang := range i18n.Langs {
		if others[lang] == 0 {
			continue
		}
		_, text, err := h.texts.Render(lang, "organiser_mail", mailTextOf(ev, d, lang))
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		p.Others = append(p.Others, view.OtherLanguage{
			Summary: i18n.N(ctx, "organisers.preview.other_language", others[lang], i18n.T(ctx, "organisers.preview.lang."+string(lang))), Text: text})
	}
	if d.CopyToSender {
		p.CopyTo = auth.CurrentUser(ctx).Email
	}
	for _, a := range atts {
		p.Attachments = append(p.Attachments, view.AttachmentView{Filename: a.Filename, Size: sizeText(a.Size)})
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "organisers.preview.title", ev.Name), view.MailPreviewPage(p))
}

// mailSend is POST /events/{id}/write_mail/{draft}/send: one mail per
// recipient into the outbox. A second submit finds the draft sent and
// sends nothing.
func (h *Handler) mailSend(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	u := auth.CurrentUser(ctx)
	key := chi.URLParam(r, "draft")
	senderLang := i18n.LangOf(ctx)
	compose := func(d Draft, to Recipient) (mail.Message, error) {
		lang := recipientLang(to, senderLang)
		m, err := h.texts.Message(lang, "organiser_mail", mailTextOf(ev, d, lang), mail.Address(to.Name, to.Email))
		if err != nil {
			return mail.Message{}, err
		}
		m.ReplyTo = mail.Address(d.SenderName, d.SenderEmail)
		return m, nil
	}
	n, err := h.store.SendDraft(ctx, key, ev.ID, Sender{UserID: u.ID, PersonID: u.PersonID, Username: u.Username, Name: u.Name, Email: u.Email}, compose)
	switch {
	case errors.Is(err, ErrNotFound):
		h.site.Error(w, r, http.StatusNotFound, "")
	case errors.Is(err, ErrAlreadySent):
		h.site.Flash(r, "info", i18n.T(ctx, "organisers.mail.already_sent"))
		web.Redirect(w, r, h.afterSend(r))
	case errors.Is(err, ErrNoRecipients):
		h.site.Flash(r, "warning", i18n.T(ctx, "organisers.preview.no_recipients"))
		web.Redirect(w, r, eventPath(r)+"write_mail/"+key+"/")
	case err != nil:
		h.site.ServerError(w, r, err)
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "organisers.mail.sent", n))
		web.Redirect(w, r, h.afterSend(r))
	}
}

// recipientLang is the language to's mail is written in: theirs, or the
// sender's when it is not known.
func recipientLang(to Recipient, sender i18n.Lang) i18n.Lang {
	if lang, ok := i18n.Parse(to.Language); ok {
		return lang
	}
	return sender
}

// afterSend is where an organiser lands after sending: the participant
// list when they may see it, else a fresh form.
func (h *Handler) afterSend(r *http.Request) string {
	if auth.CurrentUser(r.Context()).Has(LevelParticipants) {
		return eventPath(r) + "participants/"
	}
	return eventPath(r) + "write_mail/"
}
