package fees

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// Fees stay when their person is erased, for the association's books;
// feesInUse is true once the association keeps fees: a rate, a mandate,
// a fee or a reduced category.
const feesInUse = `EXISTS (SELECT 1 FROM fee_rates) OR EXISTS (SELECT 1 FROM sepa_mandates)
	OR EXISTS (SELECT 1 FROM fees) OR EXISTS (SELECT 1 FROM fee_categories)`

// what names the person or their account goes: the mandates' holder,
// sealed IBAN, BIC and address are overwritten and the mandates revoked,
// and so is what each fee kept for its bank file.
func init() {
	persons.Register(persons.Domain{
		Name:   persons.DomainFees,
		Tables: []string{"sepa_mandates", "fees", "fee_categories"},
		Holds: `EXISTS (SELECT 1 FROM sepa_mandates WHERE person_id = p.id AND revoked_at IS NULL)
			OR EXISTS (SELECT 1 FROM fees f WHERE f.person_id = p.id
			           AND (f.status = 'due' OR f.status = 'returned' AND NOT ` + collectedAgain + `))`,
		// Mandates and fees, revoked and paid ones too, are the books:
		// their person is anonymised, never deleted.
		Keeps: []persons.Keep{
			{Table: "sepa_mandates", Column: "person_id", Rows: "admin.persons.kept.mandates"},
			{Table: "fees", Column: "person_id", Rows: "admin.persons.kept.fees"},
			{Table: "fee_categories", Column: "person_id", Rows: "admin.persons.kept.fee_categories"},
		},
		Data: []persons.Category{
			{What: "privacy.data.mandates", Where: "sepa_mandates",
				Why: "privacy.why.mandates", HowLong: "privacy.while_person", InUse: feesInUse},
			{What: "privacy.data.fees", Where: "fees, fee_categories",
				Why: "privacy.why.fees", HowLong: "privacy.while_person", InUse: feesInUse},
		},
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			// The mandates first, as a revocation takes them, then the
			// runs (lockOpenRuns): a run not yet at the bank no longer
			// collects from the erased account; its fee stays open, as an
			// invoice.
			if err := lock(ctx, tx, "mandate", s.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `SELECT 1 FROM sepa_mandates WHERE person_id = $1 ORDER BY id FOR NO KEY UPDATE`, s.ID); err != nil {
				return err
			}
			if _, err := withdraw(ctx, tx, "f.person_id = $1", s.ID); err != nil {
				return err
			}
			for _, q := range []string{
				`UPDATE sepa_mandates SET account_holder = $2, iban_sealed = '\x'::bytea, iban_masked = '', bic = NULL,
				        address_lines = '{}', country = NULL, original_iban_sealed = NULL,
				        revoked_at = coalesce(revoked_at, now()), updated_at = now()
				 WHERE person_id = $1`,
				`DELETE FROM fee_categories WHERE person_id = $1 AND $2 <> ''`,
				`UPDATE fees SET account_holder = NULL, iban_sealed = NULL, original_iban_sealed = NULL, bic = NULL,
				        address_lines = '{}', country = NULL, updated_at = now()
				 WHERE person_id = $1 AND $2 <> ''`,
			} {
				if _, err := tx.Exec(ctx, q, s.ID, persons.AnonymisedName); err != nil {
					return err
				}
			}
			return nil
		},
		Export: exportFees,
	})
}

func exportFees(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	rows, err := tx.Query(ctx, `SELECT reference, account_holder, iban_masked, signed_on::text, paper,
		last_collected_on::text, revoked_at, `+lapsedSQL+` FROM sepa_mandates WHERE person_id = $1 ORDER BY id`, s.ID)
	if err != nil {
		return err
	}
	ex.Mandates, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportMandate, error) {
		var (
			m       views.ExportMandate
			revoked *time.Time
		)
		err := row.Scan(&m.Reference, &m.AccountHolder, &m.IBAN, &m.SignedOn, &m.Paper, &m.LastCollectedOn, &revoked, &m.Lapsed)
		// A time as every other of the export's (RFC 3339), not as
		// PostgreSQL writes it.
		m.RevokedAt = persons.ISOTimePtr(revoked)
		return m, err
	})
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT year, cents, status, coalesce(mandate_reference, ''), return_reason
		FROM fees WHERE person_id = $1 ORDER BY year`, s.ID)
	if err != nil {
		return err
	}
	ex.Fees, err = pgx.CollectRows(rows, pgx.RowToStructByPos[views.ExportFee])
	if err != nil {
		return err
	}
	var category string
	err = tx.QueryRow(ctx, `SELECT category FROM fee_categories WHERE person_id = $1`, s.ID).Scan(&category)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	ex.FeeCategory = &category
	return err
}
