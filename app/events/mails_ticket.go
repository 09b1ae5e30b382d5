package events

import (
	"time"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// ticketImage is the file name, and so the Content-ID, of the QR code in
// a mail.
const ticketImage = "ticket.png"

// addTicket gives a mail that confirms a place what the participant needs
// on the day: the ticket's QR code shown in the mail (its code is in the
// text already) and the event as a calendar entry, both in lang.
func (s *Service) addTicket(msg *mail.Message, reg *Registration, ev *Event, lang i18n.Lang) error {
	if reg.Status == StatusConfirmed && reg.CheckinCode != nil {
		png, err := TicketPNG(*reg.CheckinCode)
		if err != nil {
			return err
		}
		alt := i18n.In(lang, "events.ticket.qr_label", FormatCode(*reg.CheckinCode))
		s.texts.WithImage(msg, ticketImage, alt)
		msg.Attachments = append(msg.Attachments, mail.Attachment{
			Filename: ticketImage, ContentType: "image/png", Content: png, Inline: true,
		})
	}
	if ev.StartsAt != nil {
		ics, err := s.Calendar([]*Event{ev}, lang, time.Now())
		if err != nil {
			return err
		}
		msg.Attachments = append(msg.Attachments, mail.Attachment{
			Filename: fileSlug(ev.Ref()) + ".ics", ContentType: CalendarType, Content: ics,
		})
	}
	return nil
}
