package events

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

//go:embed mails/*.txt
var mailFiles embed.FS

// Service changes registrations and queues the mails that go with each
// change, inside the caller's transaction. The registration pages use it;
// the admin console changes statuses and fills freed places through it.
type Service struct {
	cfg   *config.Config
	texts *mail.Texts
}

// NewService builds the service; its mails are entered in book.
func NewService(cfg *config.Config, book *mail.Book) *Service {
	sub, err := fs.Sub(mailFiles, "mails")
	if err != nil {
		panic(err)
	}
	return &Service{cfg: cfg, texts: book.Texts("events", sub)}
}

// mailData is what the participant mails show. Sie picks the formal
// German address.
type mailData struct {
	Sie        bool
	Name       string
	Email      string
	EventName  string
	When       string
	Link       string
	Status     string
	StatusText string
	Position   int
	// OfferHours is how long an offer of a freed place holds; 0 when
	// freed places are confirmed at once.
	OfferHours int
	Answers    []answerLine
	Confirmed  int
	Waiting    int
	Max        int
	Links      []linkLine
	// Ticket is the check-in code of a confirmed registration, as people
	// read it.
	Ticket string
	// Deadline is when an offered place must be taken by.
	Deadline string
	// Full: no place is free as the mail is written, so confirming puts
	// the participant on the waiting list (the request to confirm says so,
	// as the form did).
	Full bool
}

type answerLine struct{ Label, Value string }

type linkLine struct{ Event, When, StatusText, Link string }

// PersonalLink issues a new link to the participant's page of a
// registration, valid as long as the event's links are.
func (s *Service) PersonalLink(ctx context.Context, tx pgx.Tx, registrationID int64, ev *Event) (string, error) {
	var b pgx.Batch
	link, err := s.queueLink(&b, registrationID, ev)
	if err != nil {
		return "", err
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return "", fmt.Errorf("events: personal link: %w", err)
	}
	return link, nil
}

// queueLink is PersonalLink with the token queued in b.
func (s *Service) queueLink(b *pgx.Batch, registrationID int64, ev *Event) (string, error) {
	token, err := tokens.Queue(b, tokens.Spec{
		Purpose: tokens.RegistrationManage, SubjectID: registrationID, TTL: ev.LinkTTL(time.Now()),
	})
	if err != nil {
		return "", err
	}
	return s.cfg.URL("/events/registration/" + token + "/"), nil
}

// participantMail queues text name to the registration's person with a
// fresh personal link. The link's token and the mail are written in one
// round trip, together with the statements the caller queued in with
// (which may be nil).
func (s *Service) participantMail(ctx context.Context, tx pgx.Tx, with *pgx.Batch, reg *Registration, ev *Event, name string, data mailData) error {
	if with == nil {
		with = &pgx.Batch{}
	}
	link, err := s.queueLink(with, reg.ID, ev)
	if err != nil {
		return err
	}
	lang := reg.Lang()
	data.Sie = ev.Address() == i18n.Sie
	if ev.FreedPlaces == FillOffer {
		data.OfferHours = ev.OfferHours
	}
	data.Name = oneLine(reg.Name)
	data.Email = reg.Email
	data.EventName = oneLine(ev.NameIn(lang))
	data.When = when(ev, lang)
	data.Link = link
	data.Status = reg.Status
	data.StatusText = events.StatusLabelIn(lang, reg.Status)
	if reg.Status == StatusConfirmed && reg.CheckinCode != nil {
		data.Ticket = FormatCode(*reg.CheckinCode)
	}
	msg, err := s.texts.Message(lang, name, data, mail.Address(data.Name, reg.Email))
	if err != nil {
		return err
	}
	if name == "registration_offer" {
		s.texts.WithButton(&msg, i18n.In(lang, "events.offer.take"), link)
	}
	if name == "registration_confirmed" || name == "registration_moved_up" {
		if err := s.addTicket(&msg, reg, ev, lang); err != nil {
			return err
		}
	}
	msg.Kind = "event_" + name
	msg.PersonID, msg.EventID, msg.RegistrationID = reg.PersonID, ev.ID, reg.ID
	if _, err := mail.Queue(with, msg); err != nil {
		return fmt.Errorf("events: %s mail: %w", name, err)
	}
	if err := tx.SendBatch(ctx, with).Close(); err != nil {
		return fmt.Errorf("events: %s mail: %w", name, err)
	}
	return nil
}

// mailStatus tells the participant the registration's new status; with
// is as for participantMail.
func (s *Service) mailStatus(ctx context.Context, tx pgx.Tx, with *pgx.Batch, reg *Registration, ev *Event, status string, position int) error {
	name := map[string]string{
		StatusConfirmed:   "registration_confirmed",
		StatusWaitinglist: "registration_waitinglist",
		StatusCanceled:    "registration_canceled",
		StatusPending:     "registration_pending",
	}[status]
	answers, err := answerLines(ev, reg, reg.Lang())
	if err != nil {
		return err
	}
	data := mailData{Position: position, Answers: answers, Full: status == StatusPending && ev.Full()}
	return s.participantMail(ctx, tx, with, reg, ev, name, data)
}

func (s *Service) mailMovedUp(ctx context.Context, tx pgx.Tx, reg *Registration, ev *Event) error {
	return s.participantMail(ctx, tx, nil, reg, ev, "registration_moved_up", mailData{})
}

// mailState resends the link of an existing registration with its state
// (a second registration attempt for the same event); with is as for
// participantMail.
func (s *Service) mailState(ctx context.Context, tx pgx.Tx, with *pgx.Batch, reg *Registration, ev *Event) error {
	pos, err := waitingPosition(ctx, tx, reg)
	if err != nil {
		return err
	}
	return s.participantMail(ctx, tx, with, reg, ev, "registration_state", mailData{Position: pos})
}

// mailNotify tells the event's organisers (notify_email), in German, about
// a participant's new status. ev is the event locked for the change, with
// its counts after it; pos the place on the waiting list.
func (s *Service) mailNotify(ctx context.Context, tx pgx.Tx, reg *Registration, ev *Event, status string, pos int) error {
	// A mistyped organiser address must not block confirmations.
	if ev.NotifyEmail == nil || !mail.ValidAddress(strings.TrimSpace(*ev.NotifyEmail)) {
		return nil
	}
	data := mailData{
		Name: oneLine(reg.Name), Email: reg.Email, EventName: oneLine(ev.Name), Status: status,
		StatusText: events.StatusLabelIn(i18n.DE, status), Position: pos,
		Link: s.cfg.URL("/events/" + strconv.FormatInt(ev.ID, 10) + "/participants/"),
	}
	if ev.MaxParticipants != nil {
		data.Max = *ev.MaxParticipants
	}
	// The counts as this transaction has changed them.
	err := tx.QueryRow(ctx, `SELECT confirmed, waiting FROM event_counts WHERE event_id = $1`, ev.ID).Scan(&data.Confirmed, &data.Waiting)
	if err != nil {
		return fmt.Errorf("events: notify mail counts: %w", err)
	}
	msg, err := s.texts.Message(i18n.DE, "registration_notify", data, strings.TrimSpace(*ev.NotifyEmail))
	if err != nil {
		return err
	}
	msg.Kind = "event_registration_notify"
	msg.EventID, msg.RegistrationID = ev.ID, reg.ID
	if _, err := mail.Enqueue(ctx, tx, msg); err != nil {
		return fmt.Errorf("events: notify mail: %w", err)
	}
	return nil
}

// answerLines lists the answers for a mail: the first line of each label
// as plain text, after the labels of the groups it is nested in, booleans
// in words. The ticks of a group of boxes ("Programmiersprachen") make
// one line naming those ticked, not a "no" for each box left empty. A
// schema that no longer parses shows no answers; answers that cannot be
// read are an error.
func answerLines(ev *Event, reg *Registration, lang i18n.Lang) ([]answerLine, error) {
	fm, err := schema.ParseCached(ev.RegistrationSchema)
	if err != nil {
		return nil, nil
	}
	fm = fm.In(lang)
	answers, err := reg.Answers()
	if err != nil {
		return nil, err
	}
	var out []answerLine
	var walk func(fields []*schema.Field, group string)
	walk = func(fields []*schema.Field, group string) {
		ticks := -1 // the group's line of ticks, once a box is answered
		var ticked []string
		for _, f := range fields {
			label := f.ShortLabel()
			full := label
			if group != "" {
				full = group + " – " + label
			}
			if f.Type == "object" {
				walk(f.Children, full)
				continue
			}
			v := schema.Lookup(answers, f.Path)
			if v == nil {
				continue
			}
			if tick, ok := v.(bool); ok && group != "" {
				if ticks < 0 {
					ticks = len(out)
					out = append(out, answerLine{Label: mailLabel(group)})
				}
				if tick {
					ticked = append(ticked, oneLine(label))
				}
				continue
			}
			value := oneLine(fieldText(f, v, lang))
			if _, ok := v.(string); ok {
				value = quote(indentLines(fieldText(f, v, lang)))
			}
			out = append(out, answerLine{Label: mailLabel(full), Value: value})
		}
		if ticks >= 0 {
			out[ticks].Value = strings.Join(ticked, ", ")
			if len(ticked) == 0 {
				out[ticks].Value = i18n.In(lang, "events.mail.none")
			}
		}
	}
	walk(fm.Fields, "")
	return out, nil
}

// eachAnswer calls fn with each answered field of the form, in the form's
// order, labelled with the first line of its label after the labels of
// the groups it is nested in.
func eachAnswer(fm *schema.Form, answers map[string]any, fn func(f *schema.Field, label string, v any)) {
	var walk func(fields []*schema.Field, group string)
	walk = func(fields []*schema.Field, group string) {
		for _, f := range fields {
			label := f.ShortLabel()
			if group != "" {
				label = group + " – " + label
			}
			if f.Type == "object" {
				walk(f.Children, label)
				continue
			}
			if v := schema.Lookup(answers, f.Path); v != nil {
				fn(f, label, v)
			}
		}
	}
	walk(fm.Fields, "")
}

// mailLabel is a label as the mails put it, before a colon: without its
// own closing punctuation ("… dieser Feier.: ja").
func mailLabel(label string) string {
	return strings.TrimRight(oneLine(label), ".:?! ")
}

// fieldText is f's answer v in words: a date as lang's readers write a
// day, a choice as f's readers read it, anything else as answerText has
// it.
func fieldText(f *schema.Field, v any, lang i18n.Lang) string {
	if s, ok := v.(string); ok && f.Format == "date" {
		return i18n.Day(lang, s)
	}
	if s, ok := v.(string); ok && len(f.Enum) > 0 {
		return f.ChoiceLabel(s)
	}
	return answerText(v, lang)
}

// answerText is an answer in words: yes or no for a tick; a list (an
// answer the old system stored) as its items.
func answerText(v any, lang i18n.Lang) string {
	switch v := v.(type) {
	case bool:
		return i18n.In(lang, "events.mail."+strconv.FormatBool(v))
	case []any:
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = answerText(item, lang)
		}
		return strings.Join(items, ", ")
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	case float64, json.Number:
		return i18n.Decimal(lang, schema.FormatAnswer(v))
	}
	return schema.FormatAnswer(v)
}

// mailQuoteLength is how much of a free-text answer a mail quotes, in
// characters: enough to recognise it, too little to mail someone else's
// text to whatever address was typed into the form.
const mailQuoteLength = 300

// quote shortens a free-text answer for a mail, marking the cut with "…".
func quote(s string) string {
	if utf8.RuneCountInString(s) <= mailQuoteLength {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:mailQuoteLength-1]), unicode.IsSpace) + "…"
}

// oneLine keeps names and answers from breaking a mail's layout or its
// subject line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// indentLines keeps the lines of a text typed on several (an address, a
// remark) under the answer's dash, indented, without empty ones: on one
// line they ran together.
func indentLines(s string) string {
	var lines []string
	for l := range strings.Lines(s) {
		if l = oneLine(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n  ")
}

// whenLayouts write a day with its time, per language.
var whenLayouts = map[i18n.Lang]string{i18n.DE: "02.01.2006, 15:04", i18n.EN: "2 Jan 2006, 15:04"}

// when formats when the event takes place, in lang; "" when no date is set.
func when(ev *Event, lang i18n.Lang) string {
	if ev.StartsAt == nil {
		return ""
	}
	layout, dayLayout := whenLayouts[lang], i18n.DayLayout(lang)
	start := ev.StartsAt.In(web.Berlin)
	if ev.EndsAt == nil {
		return start.Format(layout)
	}
	end := ev.EndsAt.In(web.Berlin)
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		return start.Format(layout) + "–" + end.Format("15:04")
	}
	return start.Format(dayLayout) + " – " + end.Format(dayLayout)
}

// FollowDates gives the personal links of the event's registrations the
// validity a link issued now gets (LinkTTL), after its dates changed:
// links mailed before would run out by the old dates (an event moved a
// year on, whose links had died at its first end).
func FollowDates(ctx context.Context, tx pgx.Tx, eventID int64) error {
	var ev Event
	if err := tx.QueryRow(ctx, `SELECT ends_at FROM events WHERE id = $1`, eventID).Scan(&ev.EndsAt); err != nil {
		return fmt.Errorf("events: links follow dates: %w", err)
	}
	now := time.Now()
	_, err := tx.Exec(ctx, `UPDATE tokens SET expires_at = $3 WHERE purpose = $1 AND used_at IS NULL
		AND subject_id IN (SELECT id FROM registrations WHERE event_id = $2)`,
		tokens.RegistrationManage, eventID, now.Add(ev.LinkTTL(now)))
	if err != nil {
		return fmt.Errorf("events: links follow dates: %w", err)
	}
	return nil
}
