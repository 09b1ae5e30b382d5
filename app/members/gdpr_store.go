package members

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// collectExport gathers everything stored about the person from every
// domain (persons.ExportAll), read in one snapshot so the parts agree.
func collectExport(ctx context.Context, tx pgx.Tx, personID int64) (views.Export, error) {
	p, err := loadPerson(ctx, tx, personID, false)
	if err != nil {
		return views.Export{}, err
	}
	ex := views.Export{GeneratedAt: isoTime(time.Now()), Person: exportPerson(p)}
	ts, err := LoadTypes(ctx, tx)
	if err != nil {
		return views.Export{}, fmt.Errorf("members: export: %w", err)
	}
	if p.MembershipType != "" {
		name := ts.NameOf(i18n.LangOf(ctx), p.MembershipType)
		ex.Person.MembershipTypeName = &name
	}
	if p.TUStatusID != nil {
		var de string
		var en *string
		if err := tx.QueryRow(ctx, `SELECT name, name_en FROM tu_status WHERE id = $1`, *p.TUStatusID).Scan(&de, &en); err != nil {
			return views.Export{}, fmt.Errorf("members: export: university relation: %w", err)
		}
		name := TUStatusName(i18n.LangOf(ctx), de, en)
		ex.Person.TUStatus = &name
	}
	s, err := persons.Collect(ctx, tx, p.ID, p.Name, p.Email)
	if err != nil {
		return views.Export{}, fmt.Errorf("members: export: %w", err)
	}
	if err := persons.ExportAll(ctx, tx, s, &ex); err != nil {
		return views.Export{}, fmt.Errorf("members: export: %w", err)
	}
	for i, a := range ex.Applications {
		ex.Applications[i].MembershipTypeName = ts.NameOf(i18n.LangOf(ctx), a.MembershipType)
	}
	return ex, nil
}

func exportPerson(p Person) views.ExportPerson {
	return views.ExportPerson{
		PersonJSON: views.PersonJSON{
			ID:               p.ID,
			Name:             p.Name,
			Email:            p.Email,
			EmailValid:       p.EmailValid,
			DateOfBirth:      isoDatePtr(p.DateOfBirth),
			JoiningDate:      isoDatePtr(p.JoiningDate),
			MembershipStatus: nullable(p.MembershipStatus),
			MembershipType:   nullable(p.MembershipType),
		},
		LeavingDate: isoDatePtr(p.LeavingDate),
		Language:    p.Language,
		CreatedAt:   isoTime(p.CreatedAt),
		UpdatedAt:   isoTime(p.UpdatedAt),
	}
}

func exportApplications(ctx context.Context, tx pgx.Tx, p *persons.Subject, ex *views.Export) error {
	rows, err := tx.Query(ctx, `SELECT name, membership_type, created_at, verified_at
		FROM membership_applications WHERE person_id = $1 ORDER BY created_at, id`, p.ID)
	if err != nil {
		return err
	}
	ex.Applications, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportApplication, error) {
		var (
			a        views.ExportApplication
			at       time.Time
			verified *time.Time
		)
		err := row.Scan(&a.Name, &a.MembershipType, &at, &verified)
		a.CreatedAt, a.VerifiedAt = isoTime(at), isoTimePtr(verified)
		return a, err
	})
	return err
}

func exportDeletions(ctx context.Context, tx pgx.Tx, p *persons.Subject, ex *views.Export) error {
	rows, err := tx.Query(ctx, `SELECT requested_at, done_at FROM deletion_requests
		WHERE person_id = $1 ORDER BY requested_at`, p.ID)
	if err != nil {
		return err
	}
	ex.DeletionRequests, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportDeletion, error) {
		var (
			d    views.ExportDeletion
			at   time.Time
			done *time.Time
		)
		err := row.Scan(&at, &done)
		d.RequestedAt, d.DoneAt = isoTime(at), isoTimePtr(done)
		return d, err
	})
	return err
}
