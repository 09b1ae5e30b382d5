package events

import (
	"context"
	"embed"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
)

// The example schemas of real events are the demo events' forms; the tests
// use the same files.
//
//go:embed testdata/*.json
var exampleSchemas embed.FS

// demoEvent is one event of the demo data. Its times are local to
// Berlin, where the events take place: startDay days from today at
// startClock, ending endDays later at endClock.
type demoEvent struct {
	name, shortlink, schemaFile, description, footer, formality string
	// The English ones, for English visitors; empty: the German.
	nameEN, descriptionEN, footerEN string
	max                             *int
	open, forceTU                   bool
	startDay, endDays               int
	startClock, endClock            string
	// registrations: person index → status.
	registrations []string
}

func intp(i int) *int { return &i }

// demoEvents: one with a single place and a waiting list (in English
// too, for English visitors), one unlimited
// addressing participants with Sie, the graduation ceremony with the
// largest form open to try, and one closed, each saying so.
var demoEvents = []demoEvent{
	{
		name: "Toolbox-Workshop", shortlink: "toolbox", schemaFile: "toolbox-workshop.json", formality: "du",
		description: `<p>Zwei Wochen Werkzeuge fürs Studium: Python, Make, Git und LaTeX. ` +
			`Am Ende setzt du Formeln wie $\int_0^1 x^2\,\mathrm{d}x = \tfrac{1}{3}$ im Schlaf.</p>` +
			`<p>Es gibt nur einen Platz; wer danach kommt, steht auf der Warteliste.</p>`,
		footer: `<p>Fragen? Schreib an <a href="mailto:toolbox@example.org">toolbox@example.org</a>.</p>`,
		nameEN: "Toolbox workshop",
		descriptionEN: `<p>Two weeks of tools for your studies: Python, Make, Git and LaTeX. ` +
			`By the end you typeset formulas like $\int_0^1 x^2\,\mathrm{d}x = \tfrac{1}{3}$ in your sleep.</p>` +
			`<p>There is only one place; whoever comes after is on the waiting list.</p>`,
		footerEN: `<p>Questions? Write to <a href="mailto:toolbox@example.org">toolbox@example.org</a>.</p>`,
		max:      intp(1), open: true, startDay: 30, startClock: "10:00", endDays: 11, endClock: "16:00",
		registrations: []string{StatusConfirmed, StatusWaitinglist, StatusWaitinglist, StatusPending, StatusCanceled},
	},
	{
		name: "Sommerakademie", shortlink: "sommerakademie", schemaFile: "summer-academy.json", formality: "sie",
		description: `<p>Eine Woche Physik, Wandern und Gespräche. Die Zahl der Plätze ist nicht begrenzt.</p>`,
		open:        true, startDay: 90, startClock: "14:00", endDays: 6, endClock: "13:00",
		registrations: []string{StatusConfirmed, StatusConfirmed, StatusPending},
	},
	{
		name: "Absolvent*innenfeier", shortlink: "absolventinnenfeier", schemaFile: "graduation-ceremony.json", formality: "du",
		description: `<p>Wir feiern die Abschlüsse des Jahrgangs mit Zeugnissen, Reden und Buffet. ` +
			`Melde dich mit deiner TU-Adresse an und sag uns, wie viele Gäste du mitbringst.</p>`,
		max: intp(120), open: true, forceTU: true, startDay: 45, startClock: "17:00", endDays: 0, endClock: "23:00",
		registrations: []string{StatusConfirmed, StatusCanceled, StatusConfirmed},
	},
	{
		name: "Führung durch den Reinraum", shortlink: "reinraum", formality: "du",
		description: `<p>Eine Stunde im Reinraum der Experimentellen Physik, in Kittel und Haube. ` +
			`Alle vier Plätze sind vergeben; die Anmeldung ist geschlossen.</p>`,
		max: intp(4), open: false, startDay: 14, startClock: "14:00", endDays: 0, endClock: "15:30",
		registrations: []string{StatusConfirmed, StatusConfirmed, StatusConfirmed, StatusConfirmed},
	},
}

// emptySchema is the form of an event that asks for nothing but name and
// address.
const emptySchema = `{"type": "object", "properties": {}}`

// localTime is the day days after now's day in Berlin, at clock ("15:04").
func localTime(now time.Time, days int, clock string) (time.Time, error) {
	c, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, fmt.Errorf("events: seed: %w", err)
	}
	d := now.In(web.Berlin)
	return time.Date(d.Year(), d.Month(), d.Day()+days, c.Hour(), c.Minute(), 0, 0, web.Berlin), nil
}

var demoPersons = []struct{ name, email string }{
	{"Ada Lovelace", "ada.lovelace@tu-dortmund.de"},
	{"Emmy Noether", "emmy.noether@tu-dortmund.de"},
	{"Lise Meitner", "lise.meitner@tu-dortmund.de"},
	{"Max Planck", "max.planck@tu-dortmund.de"},
	{"Marie Curie", "marie.curie@tu-dortmund.de"},
}

// demoAnswers fit each example schema.
var demoAnswers = map[string]string{
	"toolbox-workshop.json":    `{"toolbox": true, "latex": true, "os": "Debian/Ubuntu/Mint", "skill": "Schon mal programmiert, auch in Python", "languages": {"c": false, "cpp": false, "python": true, "javascript": false, "java": false, "haskell": false, "pascal": false, "fortran": false}, "toolbox_interests": {"git": true, "python": true, "make": false, "cli": true, "plotting": true, "uncertainties": false}, "latex_interests": {"text": true, "math": true, "toc": false, "bib": true, "tikz": false, "beamer": false}}`,
	"summer-academy.json":      `{"phone": "0231 755-0", "semester": 4, "course": "Physik", "nutrition": "Vegetarisch", "arrival_by_myself": false}`,
	"graduation-ceremony.json": `{"course": "Physik", "degree": "Master", "chair": "E5", "guests": 3, "title": "Über $\\alpha$-Zerfälle", "valid_exam_date": true, "allow_contact": true}`,
}

// Seed writes the demo events with registrations in every state, and
// prints a personal link to try. The registrations were made over the
// last days, each confirmed a little after it was made, by persons known
// from before.
func Seed(ctx context.Context, tx pgx.Tx, out io.Writer) error {
	now := time.Now()
	personIDs := make([]int64, len(demoPersons))
	for i, p := range demoPersons {
		id, _, err := persons.FindOrCreate(ctx, tx, persons.New{Name: p.name, Email: p.email, EmailValid: true})
		if err != nil {
			return fmt.Errorf("events: seed: %w", err)
		}
		personIDs[i] = id
	}
	const known = `UPDATE persons SET created_at = $2, updated_at = $2 WHERE id = ANY($1) AND created_at > $2`
	if _, err := tx.Exec(ctx, known, personIDs, now.Add(-60*24*time.Hour)); err != nil {
		return fmt.Errorf("events: seed persons: %w", err)
	}
	for _, d := range demoEvents {
		raw := []byte(emptySchema)
		if d.schemaFile != "" {
			var err error
			if raw, err = exampleSchemas.ReadFile("testdata/" + d.schemaFile); err != nil {
				return err
			}
		}
		starts, err := localTime(now, d.startDay, d.startClock)
		if err != nil {
			return err
		}
		ends, err := localTime(now, d.startDay+d.endDays, d.endClock)
		if err != nil {
			return err
		}
		var eventID int64
		var allowed, allowedDE, allowedEN string
		if d.forceTU {
			allowed, allowedDE, allowedEN = TUAddressPattern, TUAddressMessageDE, TUAddressMessageEN
		}
		const q = `INSERT INTO events (name, description, footer, shortlink, max_participants, registration_open,
				allowed_addresses, allowed_addresses_message_de, allowed_addresses_message_en,
				registration_schema, starts_at, ends_at, formality, created_at, updated_at,
				name_en, description_en, footer_en)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17) RETURNING id`
		err = tx.QueryRow(ctx, q, d.name, d.description, d.footer, d.shortlink, d.max, d.open, allowed, allowedDE, allowedEN,
			raw, starts, ends, d.formality, now.Add(-30*24*time.Hour), d.nameEN, d.descriptionEN, d.footerEN).Scan(&eventID)
		if err != nil {
			return fmt.Errorf("events: seed event %s: %w", d.name, err)
		}
		for i, status := range d.registrations {
			// Made 10 days ago and later, one person after the other
			// (the waiting list keeps that order); confirmed within the
			// hour, cancelled two days later.
			made := now.Add(-time.Duration(10-i) * 24 * time.Hour).Add(time.Duration(i) * time.Hour)
			var confirmed, canceled *time.Time
			if status == StatusConfirmed || status == StatusWaitinglist {
				t := made.Add(20 * time.Minute)
				confirmed = &t
			}
			if status == StatusCanceled {
				t := made.Add(2 * 24 * time.Hour)
				canceled = &t
			}
			last := made
			for _, t := range []*time.Time{confirmed, canceled} {
				if t != nil && t.After(last) {
					last = *t
				}
			}
			var regID int64
			const qr = `INSERT INTO registrations (event_id, person_id, status, data, confirmed_at, canceled_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
			answers := demoAnswers[d.schemaFile]
			if answers == "" {
				answers = "{}"
			}
			err := tx.QueryRow(ctx, qr, eventID, personIDs[i], status, answers, confirmed, canceled, made, last).Scan(&regID)
			if err != nil {
				return fmt.Errorf("events: seed registration: %w", err)
			}
			if d.shortlink == "toolbox" && i == 0 {
				token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.RegistrationManage, SubjectID: regID, TTL: 365 * 24 * time.Hour})
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "personal registration page of %s: /events/registration/%s/\n", demoPersons[i].name, token)
			}
		}
	}
	return nil
}
