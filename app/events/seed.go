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
)

// The example schemas of real events are the demo events' forms; the tests
// use the same files.
//
//go:embed testdata/*.json
var exampleSchemas embed.FS

// demoEvent is one event of the demo data.
type demoEvent struct {
	name, shortlink, schemaFile, description, footer, formality string
	max                                                         *int
	open, forceTU                                               bool
	startsIn                                                    time.Duration
	// registrations: person index → status.
	registrations []string
}

func intp(i int) *int { return &i }

var demoEvents = []demoEvent{
	{
		name: "Toolbox-Workshop", shortlink: "toolbox", schemaFile: "toolbox-workshop.json", formality: "du",
		description: `<p>Zwei Wochen Werkzeuge fürs Studium: Python, Make, Git und LaTeX. ` +
			`Am Ende setzt du Formeln wie $\int_0^1 x^2\,\mathrm{d}x = \tfrac{1}{3}$ im Schlaf.</p>`,
		footer: `<p>Fragen? Schreib an <a href="mailto:toolbox@example.org">toolbox@example.org</a>.</p>`,
		max:    intp(1), open: true, startsIn: 30 * 24 * time.Hour,
		registrations: []string{StatusConfirmed, StatusWaitinglist, StatusWaitinglist, StatusPending, StatusCanceled},
	},
	{
		name: "Sommerakademie", shortlink: "sommerakademie", schemaFile: "summer-academy.json", formality: "sie",
		description: `<p>Eine Woche Physik, Wandern und Gespräche. Die Zahl der Plätze ist nicht begrenzt.</p>`,
		open:        true, startsIn: 90 * 24 * time.Hour,
		registrations: []string{StatusConfirmed, StatusConfirmed, StatusPending},
	},
	{
		name: "Absolvent*innenfeier", shortlink: "absolventinnenfeier", schemaFile: "graduation-ceremony.json", formality: "du",
		description: `<p>Wir feiern die Abschlüsse des Jahrgangs. Die Anmeldung ist schon geschlossen.</p>`,
		max:         intp(120), open: false, forceTU: true, startsIn: 10 * 24 * time.Hour,
		registrations: []string{StatusConfirmed, StatusCanceled},
	},
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

// Seed writes the demo events (one with a single place, one unlimited,
// one closed) with registrations in every state, and prints a personal
// link to try.
func Seed(ctx context.Context, tx pgx.Tx, out io.Writer) error {
	personIDs := make([]int64, len(demoPersons))
	for i, p := range demoPersons {
		id, _, err := persons.FindOrCreate(ctx, tx, persons.New{Name: p.name, Email: p.email, EmailValid: true})
		if err != nil {
			return fmt.Errorf("events: seed: %w", err)
		}
		personIDs[i] = id
	}
	for _, d := range demoEvents {
		raw, err := exampleSchemas.ReadFile("testdata/" + d.schemaFile)
		if err != nil {
			return err
		}
		starts := time.Now().Add(d.startsIn).Truncate(time.Hour)
		var eventID int64
		const q = `INSERT INTO events (name, description, footer, shortlink, max_participants, registration_open,
				force_tu_mail, registration_schema, starts_at, ends_at, formality)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
		err = tx.QueryRow(ctx, q, d.name, d.description, d.footer, d.shortlink, d.max, d.open, d.forceTU,
			raw, starts, starts.Add(8*time.Hour), d.formality).Scan(&eventID)
		if err != nil {
			return fmt.Errorf("events: seed event %s: %w", d.name, err)
		}
		for i, status := range d.registrations {
			var regID int64
			const qr = `INSERT INTO registrations (event_id, person_id, status, data, confirmed_at, canceled_at)
				VALUES ($1, $2, $3, $4,
					CASE WHEN $3 IN ('confirmed', 'waitinglist') THEN now() - make_interval(mins => 60 - $5) END,
					CASE WHEN $3 = 'canceled' THEN now() END)
				RETURNING id`
			if err := tx.QueryRow(ctx, qr, eventID, personIDs[i], status, demoAnswers[d.schemaFile], i).Scan(&regID); err != nil {
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
