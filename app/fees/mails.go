package fees

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	qr "github.com/piglig/go-qr"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/members"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Mailer queues the fee mails. No mail carries a member's IBAN: they see
// it masked.
type Mailer struct {
	cfg   *config.Config
	texts *mail.Texts
}

func langOf(p members.Person) i18n.Lang {
	if l, ok := i18n.Parse(p.Language); ok {
		return l
	}
	return i18n.Langs[0]
}

func (m Mailer) send(ctx context.Context, tx pgx.Tx, p members.Person, name string, data any, attach ...mail.Attachment) error {
	return m.sendTelling(ctx, tx, p, name, data, nil, attach...)
}

// sendTelling is send for a mail that must tell each of must, even when
// its text was edited before it could (mail.Texts.MessageTelling).
func (m Mailer) sendTelling(ctx context.Context, tx pgx.Tx, p members.Person, name string, data any, must []string, attach ...mail.Attachment) error {
	msg, err := m.texts.MessageTelling(langOf(p), name, data, must, mail.Address(p.Name, p.Email))
	if err != nil {
		return err
	}
	msg.Kind, msg.PersonID, msg.Attachments = "fees_"+name, p.ID, attach
	if _, err := mail.Enqueue(ctx, tx, msg); err != nil {
		return fmt.Errorf("fees: mail %s: %w", name, err)
	}
	return nil
}

// mandateMail confirms a mandate given, changed or revoked (name). atBank
// is a debit of the mandate the bank already has and will still collect
// (a revocation after its run was submitted); the mail says so.
func (m Mailer) mandateMail(ctx context.Context, tx pgx.Tx, p members.Person, name string, md Mandate, atBank *Debit) error {
	data := map[string]string{
		// The payee the mandate names (SEPA_CREDITOR_NAME), which may be
		// written otherwise than the association's name.
		"Name": p.Name, "Reference": md.Reference, "Creditor": m.cfg.SEPA.CreditorName, "CreditorID": m.cfg.SEPA.CreditorID,
		"Holder": md.AccountHolder, "IBAN": md.IBANMasked, "SignedOn": md.SignedOn.Format(i18n.DayLayout(langOf(p))),
		"Due": "", "Amount": "", "AmountDE": "",
	}
	var must []string
	if atBank != nil {
		data["Due"], data["Amount"] = atBank.Due.Format(i18n.DayLayout(langOf(p))), sepa.Amount(atBank.Cents)
		data["AmountDE"] = views.Euros(i18n.DE, data["Amount"])
		// A text edited before the mail told of such a debit would leave
		// it out: the member must learn it is still collected.
		must = []string{data["Due"]}
	}
	return m.sendTelling(ctx, tx, p, name, data, must)
}

// runMails queues the pre-notifications for the run's debits and the
// invoices, with an EPC QR code, for the members without a mandate.
func (m Mailer) runMails(ctx context.Context, tx pgx.Tx, run Run, cands []Candidate) error {
	s := m.cfg.SEPA
	for _, c := range cands {
		data := map[string]string{
			"Name": c.Person.Name, "Year": strconv.Itoa(run.Year), "Amount": sepa.Amount(c.Cents), "AmountDE": views.Euros(i18n.DE, sepa.Amount(c.Cents)),
			"Due": run.DueOn.Format(i18n.DayLayout(langOf(c.Person))), "CreditorID": s.CreditorID, "Creditor": s.CreditorName,
			"CreditorIBAN": s.CreditorIBAN.Grouped(), "CreditorBIC": s.CreditorBIC,
			"RequestLink": m.cfg.URL("/request_edit"),
		}
		if c.Mandate != nil {
			data["Reference"], data["IBAN"] = c.Mandate.Reference, c.Mandate.IBANMasked
			if err := m.send(ctx, tx, c.Person, "prenotification", data); err != nil {
				return err
			}
			continue
		}
		// Only members may give a mandate: whoever left is not asked to.
		// Set either way: the texts name it, and a missing key fails them.
		data["CanMandate"] = ""
		if c.Person.IsMember() {
			data["CanMandate"] = "yes"
		}
		ref := "M" + strconv.FormatInt(c.Person.ID, 10)
		data["Remittance"] = remittance(run.Year, ref)
		png, err := giroCodePNG(sepa.GiroCode(s.CreditorName, s.CreditorIBAN, s.CreditorBIC, c.Cents, data["Remittance"]))
		if err != nil {
			return fmt.Errorf("fees: girocode: %w", err)
		}
		if err := m.send(ctx, tx, c.Person, "invoice", data,
			mail.Attachment{Filename: "girocode.png", ContentType: "image/png", Content: png}); err != nil {
			return err
		}
	}
	return nil
}

// returnMail tells the member that their debit came back.
func (m Mailer) returnMail(ctx context.Context, tx pgx.Tx, p members.Person, f Fee) error {
	s := m.cfg.SEPA
	return m.send(ctx, tx, p, "returned", map[string]string{
		"Name": p.Name, "Year": strconv.Itoa(f.Year), "Amount": sepa.Amount(f.Cents), "AmountDE": views.Euros(i18n.DE, sepa.Amount(f.Cents)), "Reference": f.Reference,
		"Reason": f.ReturnReason, "ReasonText": i18n.In(langOf(p), "fees.reason."+f.ReturnReason),
		"Creditor": s.CreditorName, "CreditorIBAN": s.CreditorIBAN.Grouped(),
		"Remittance": remittance(f.Year, f.Reference), "RequestLink": m.cfg.URL("/request_edit"),
	})
}

// giroCodePNG draws the GiroCode at error-correction level M, as EPC069-12
// asks, with the four modules of white border scanners need.
func giroCodePNG(payload string) ([]byte, error) {
	q, err := qr.EncodeText(payload, qr.Medium)
	if err != nil {
		return nil, err
	}
	const scale = 6
	return q.ToPNGBytes(qr.NewQrCodeImgConfig(scale, 4*scale))
}
