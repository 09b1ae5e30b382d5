package members

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// demoPersons cover every membership state; their addresses are reserved
// example addresses that receive no mail.
var demoPersons = []struct {
	name, email, status, typ, joined string
}{
	{"Marie Curie", "marie.curie@example.org", StatusConfirmed, TypeRegular, "2019-10-01"},
	{"Lise Meitner", "lise.meitner@example.org", StatusConfirmed, TypeRegular, "2021-04-15"},
	{"Richard Feynman", "richard.feynman@example.org", StatusConfirmed, TypeExtraordinary, "2023-06-30"},
	{"Emmy Noether", "emmy.noether@example.org", StatusPending, TypeRegular, ""},
	{"Paul Dirac", "paul.dirac@example.org", StatusPending, TypeExtraordinary, ""},
	{"Erwin Schrödinger", "erwin.schroedinger@example.org", StatusUnverified, TypeRegular, ""},
	{"Max Planck", "max.planck@example.org", StatusDenied, TypeExtraordinary, ""},
	{"Niels Bohr", "niels.bohr@example.org", StatusCanceled, TypeRegular, "2015-11-11"},
	{"Chien-Shiung Wu", "chien-shiung.wu@example.org", StatusNone, "", ""},
}

// demoTUStatus is the list of relations to the university (also written by
// the migration; repeated so seeding never depends on it).
var demoTUStatus = [][2]string{
	{"Studentin/Student", "Student"}, {"Doktorandin/Doktorand", "Doctoral candidate"}, {"Alumna/Alumnus", "Alumna/Alumnus"},
	{"Mitarbeiterin/Mitarbeiter, Lehrende", "Staff, lecturer"}, {"Sonstiges", "Other"},
}

// Seed writes the tu_status list and a few persons in every membership
// state, for `memberdb seed` and `make run`.
func Seed(ctx context.Context, tx pgx.Tx, out io.Writer) error {
	for i, names := range demoTUStatus {
		const q = `INSERT INTO tu_status (name, name_en, position) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`
		if _, err := tx.Exec(ctx, q, names[0], names[1], (i+1)*10); err != nil {
			return fmt.Errorf("members: seed tu_status: %w", err)
		}
	}
	for i, p := range demoPersons {
		const q = `
			INSERT INTO persons (name, email, email_valid, membership_status, membership_type, joining_date, tu_status_id)
			VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), nullif($6, '')::date,
			        (SELECT id FROM tu_status ORDER BY position, id OFFSET $7 LIMIT 1))
			ON CONFLICT (lower(email)) DO NOTHING
			RETURNING id`
		var id int64
		err := tx.QueryRow(ctx, q, p.name, p.email, p.status != StatusUnverified, p.status, p.typ, p.joined,
			i%len(demoTUStatus)).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("members: seed persons: %w", err)
		}
		if p.status == StatusPending {
			const qa = `INSERT INTO membership_applications (person_id, name, membership_type, verified_at)
				VALUES ($1, $2, $3, now())`
			if _, err := tx.Exec(ctx, qa, id, p.name, p.typ); err != nil {
				return fmt.Errorf("members: seed applications: %w", err)
			}
		}
	}
	fmt.Fprintf(out, "members: %d demo persons in every membership state\n", len(demoPersons))
	return nil
}
