package fees

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Domain errors.
var (
	ErrNotConfigured = errors.New("fees: SEPA is not configured")
	ErrNoMandate     = errors.New("fees: no valid mandate")
	ErrSubmitted     = errors.New("fees: the run was submitted and cannot change")
	ErrNotFound      = db.ErrNotFound
	// ErrHasMandate is a paper mandate for a member who has a valid one:
	// it would only change that one's account, dropping the paper's date.
	ErrHasMandate = errors.New("fees: the member has a valid mandate")
	// ErrUnchanged is a mandate given again with the data it has (the
	// form sent twice): nothing is written, nobody is mailed.
	ErrUnchanged = errors.New("fees: the mandate has these data already")
	// ErrNotMember is a mandate for someone who is no member (any more)
	// nor applying: denied or left while the form was on its way.
	ErrNotMember = errors.New("fees: not a member")
)

// How long a mandate stays valid without a collection (SEPA rulebook: 36
// months), for Go and for SQL; the two say the same.
const (
	lapseMonths = 36
	lapse       = "36 months"
)

// berlinToday is today's date where the association is, in SQL: due
// dates and lapses are the association's calendar days, whatever the
// session's time zone.
const berlinToday = `(now() AT TIME ZONE 'Europe/Berlin')::date`

// MandateInput is a valid mandate to store: from the member's form or a
// paper mandate the treasurer enters.
type MandateInput struct {
	PersonID      int64
	AccountHolder string
	IBAN          sepa.IBAN
	BIC           string   // only outside the EEA
	AddressLines  []string // only outside the EEA
	Country       string   // the debtor's country, with the address
	SignedOn      time.Time
	Paper         bool
	// Prefix starts a new mandate's reference (config.SEPA.Prefix).
	Prefix string
}

// Mandate is a stored mandate, its IBAN only masked.
type Mandate struct {
	ID              int64
	PersonID        int64
	Reference       string
	AccountHolder   string
	IBANMasked      string
	BIC             string
	SignedOn        time.Time
	Paper           bool
	LastCollectedOn *time.Time
	RevokedAt       *time.Time
	// Lapsed: unused for 36 months.
	Lapsed bool
}

// LapsedBy reports whether the mandate, unused since, has lapsed by day.
func (m Mandate) LapsedBy(day time.Time) bool {
	last := m.SignedOn
	if m.LastCollectedOn != nil {
		last = *m.LastCollectedOn
	}
	return last.Before(day.AddDate(0, -lapseMonths, 0))
}

// Valid reports whether debits may be collected with the mandate.
func (m Mandate) Valid() bool { return m.RevokedAt == nil && !m.Lapsed }

const mandateColumns = `id, person_id, reference, account_holder, iban_masked, coalesce(bic, ''), signed_on, paper,
	last_collected_on, revoked_at, ` + lapsedSQL

// lapsedSQL is true for a mandate unused for 36 months.
const lapsedSQL = `coalesce(last_collected_on, signed_on) < ` + berlinToday + ` - interval '` + lapse + `'`

func scanMandate(row pgx.Row) (Mandate, error) {
	var m Mandate
	err := row.Scan(&m.ID, &m.PersonID, &m.Reference, &m.AccountHolder, &m.IBANMasked, &m.BIC, &m.SignedOn, &m.Paper,
		&m.LastCollectedOn, &m.RevokedAt, &m.Lapsed)
	return m, err
}

// ActiveMandate returns the person's mandate that is not revoked (it may
// have lapsed), or ErrNotFound.
func ActiveMandate(ctx context.Context, q pgxQuerier, personID int64) (Mandate, error) {
	m, err := scanMandate(q.QueryRow(ctx, `SELECT `+mandateColumns+` FROM sepa_mandates
		WHERE person_id = $1 AND revoked_at IS NULL`, personID))
	if err != nil {
		return Mandate{}, fmt.Errorf("fees: mandate: %w", db.Map(err))
	}
	return m, nil
}

// activeMandates are the mandates not revoked, by member: a run's
// candidates read them at once, not with a query a member.
func activeMandates(ctx context.Context, q pgxQuerier) (map[int64]Mandate, error) {
	rows, err := q.Query(ctx, `SELECT `+mandateColumns+` FROM sepa_mandates WHERE revoked_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("fees: mandates: %w", err)
	}
	defer rows.Close()
	out := map[int64]Mandate{}
	for rows.Next() {
		m, err := scanMandate(rows)
		if err != nil {
			return nil, err
		}
		out[m.PersonID] = m
	}
	return out, rows.Err()
}

type pgxQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// GiveMandate stores a new mandate for in.PersonID, revoking one that
// lapsed, or, when they have a valid one, changes its account: the next
// collection then carries the amendment with the account of the last
// collection. It records who did it and, for the account, only that it
// changed. changed tells which happened.
func GiveMandate(ctx context.Context, tx pgx.Tx, box *sepa.Box, in MandateInput, actor audit.Entry) (m Mandate, changed bool, err error) {
	if box == nil {
		return Mandate{}, false, ErrNotConfigured
	}
	// Whoever gives one is a member or applying, read under a share lock
	// before the mandate's own, in the order a denial takes them: a
	// denial committed meanwhile is seen (its revocation found nothing to
	// revoke), one after it waits and then revokes this mandate.
	var member bool
	if err := tx.QueryRow(ctx, `SELECT membership_status IN ('confirmed', 'pending') AND anonymised_at IS NULL FROM persons WHERE id = $1 FOR SHARE`,
		in.PersonID).Scan(&member); err != nil {
		return Mandate{}, false, fmt.Errorf("fees: the mandate's person: %w", db.Map(err))
	}
	if !member {
		return Mandate{}, false, ErrNotMember
	}
	// Two forms sent at once for one person would both find no mandate;
	// the second waits here and then changes the first one's account.
	if err := lock(ctx, tx, "mandate", in.PersonID); err != nil {
		return Mandate{}, false, err
	}
	old, err := ActiveMandate(ctx, tx, in.PersonID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return Mandate{}, false, err
	case old.Lapsed:
		if _, err := tx.Exec(ctx, `UPDATE sepa_mandates SET revoked_at = now(), updated_at = now() WHERE id = $1`, old.ID); err != nil {
			return Mandate{}, false, err
		}
		// Its debits, should a run hold any, are no longer collected
		// (no mail: the new mandate's confirmation follows).
		withdrawn, err := withdrawDebits(ctx, tx, old.ID)
		if err != nil {
			return Mandate{}, false, err
		}
		if err := audit.Record(ctx, tx, withdrawnEntries(actor, withdrawn)...); err != nil {
			return Mandate{}, false, err
		}
	case in.Paper:
		return old, false, ErrHasMandate
	default:
		return changeAccount(ctx, tx, box, old, in, actor)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) + 1 FROM sepa_mandates WHERE person_id = $1`, in.PersonID).Scan(&n); err != nil {
		return Mandate{}, false, err
	}
	ref := in.Prefix + "-" + strconv.FormatInt(in.PersonID, 10) + "-" + strconv.Itoa(n)
	const q = `INSERT INTO sepa_mandates (person_id, reference, account_holder, iban_sealed, iban_masked, bic,
		address_lines, country, signed_on, paper)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, nullif($8, ''), $9, $10)
		RETURNING ` + mandateColumns
	m, err = scanMandate(tx.QueryRow(ctx, q, in.PersonID, ref, in.AccountHolder, box.Seal(in.IBAN), in.IBAN.Masked(), in.BIC,
		nonNil(in.AddressLines), in.Country, in.SignedOn, in.Paper))
	if err != nil {
		return Mandate{}, false, fmt.Errorf("fees: give mandate: %w", db.Map(err))
	}
	actor.Table, actor.RowID, actor.Field, actor.NewValue = "sepa_mandates", strconv.FormatInt(m.ID, 10), "", audit.Value("mandate given")
	return m, false, audit.Record(ctx, tx, actor)
}

func changeAccount(ctx context.Context, tx pgx.Tx, box *sepa.Box, old Mandate, in MandateInput, actor audit.Entry) (Mandate, bool, error) {
	if same, err := sameAccount(ctx, tx, box, old.ID, in); err != nil || same {
		if err == nil {
			err = ErrUnchanged
		}
		return old, false, err
	}
	// The amendment names the account of the last collection; a mandate
	// never collected has nothing to amend, and a second change before
	// the next collection keeps the first original.
	const q = `UPDATE sepa_mandates SET account_holder = $2, iban_sealed = $3, iban_masked = $4, bic = nullif($5, ''),
		address_lines = $6, country = nullif($7, ''),
		original_iban_sealed = CASE WHEN last_collected_on IS NULL THEN NULL ELSE coalesce(original_iban_sealed, iban_sealed) END,
		updated_at = now()
		WHERE id = $1 RETURNING ` + mandateColumns
	m, err := scanMandate(tx.QueryRow(ctx, q, old.ID, in.AccountHolder, box.Seal(in.IBAN), in.IBAN.Masked(), in.BIC,
		nonNil(in.AddressLines), in.Country))
	if err != nil {
		return Mandate{}, false, fmt.Errorf("fees: change account: %w", db.Map(err))
	}
	if err := followAccount(ctx, tx, m.ID); err != nil {
		return Mandate{}, false, err
	}
	actor.Table, actor.RowID, actor.Field, actor.NewValue = "sepa_mandates", strconv.FormatInt(m.ID, 10), "iban", audit.Value("IBAN changed")
	return m, true, audit.Record(ctx, tx, actor)
}

// sameAccount reports whether mandate id has the account in gives already.
func sameAccount(ctx context.Context, tx pgx.Tx, box *sepa.Box, id int64, in MandateInput) (bool, error) {
	var (
		sealed               []byte
		holder, bic, country string
		lines                []string
	)
	err := tx.QueryRow(ctx, `SELECT iban_sealed, account_holder, coalesce(bic, ''), coalesce(address_lines, '{}'), coalesce(country, '')
		FROM sepa_mandates WHERE id = $1`, id).Scan(&sealed, &holder, &bic, &lines, &country)
	if err != nil {
		return false, fmt.Errorf("fees: mandate account: %w", err)
	}
	iban, err := box.Open(sealed)
	if err != nil {
		return false, nil // sealed with another key: the new data replace it
	}
	return iban == in.IBAN && holder == in.AccountHolder && bic == in.BIC && country == in.Country &&
		slices.Equal(lines, nonNil(in.AddressLines)), nil
}

// openRuns limits an UPDATE of fees f to the due debits of runs not yet
// given to the bank (fee_runs r): what a run collects may change until
// then, and never after.
const openRuns = `f.status = 'due' AND r.id = f.run_id AND r.submitted_at IS NULL`

// followAccount gives mandate id's debits in runs not yet given to the
// bank the mandate's account as it is now: the mail confirming a change
// says the next collection is from the new account.
func followAccount(ctx context.Context, tx pgx.Tx, id int64) error {
	if err := lockOpenRuns(ctx, tx, "f.mandate_id = $1", id); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `UPDATE fees f SET account_holder = m.account_holder, iban_sealed = m.iban_sealed,
		original_iban_sealed = m.original_iban_sealed, bic = m.bic, country = m.country,
		address_lines = coalesce(m.address_lines, '{}'), updated_at = now()
		FROM sepa_mandates m, fee_runs r WHERE m.id = $1 AND f.mandate_id = m.id AND `+openRuns+` RETURNING r.id`, id)
	if err != nil {
		return fmt.Errorf("fees: follow the account: %w", err)
	}
	runs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("fees: follow the account: %w", err)
	}
	return fileChanged(ctx, tx, runs)
}

// lockOpenRuns locks the runs not yet given to the bank that hold a due
// debit of fees f matching which ($1 is arg), before their fees are
// changed. Every writer takes mandate, run, fees in this order (the
// caller holds the mandates already; SubmitRun locks its mandates first),
// so that a change and a submission wait for each other instead of
// deadlocking, and a submission sees the change's new file version.
func lockOpenRuns(ctx context.Context, tx pgx.Tx, which string, arg int64) error {
	_, err := tx.Exec(ctx, `SELECT id FROM fee_runs WHERE submitted_at IS NULL AND id IN (
		SELECT f.run_id FROM fees f WHERE `+which+` AND f.mandate_id IS NOT NULL AND f.status = 'due')
		ORDER BY id FOR UPDATE`, arg)
	if err != nil {
		return fmt.Errorf("fees: lock the open runs: %w", err)
	}
	return nil
}

// fileChanged raises the file version of runs whose debits changed: a
// file downloaded before is not the one to give the bank.
func fileChanged(ctx context.Context, tx pgx.Tx, runs []int64) error {
	if len(runs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE fee_runs SET file_version = file_version + 1 WHERE id = ANY($1)`, runs); err != nil {
		return fmt.Errorf("fees: file version: %w", err)
	}
	return nil
}

// Withdrawn is a debit of a run not yet given to the bank that a revoked
// mandate turned into an invoice.
type Withdrawn struct {
	Run   Run
	FeeID int64
	Cents int64
}

// withdrawDebits turns mandate id's debits in runs not yet given to the
// bank into invoices: a revoked mandate is not collected from, even by a
// run made before the revocation.
func withdrawDebits(ctx context.Context, tx pgx.Tx, id int64) ([]Withdrawn, error) {
	return withdraw(ctx, tx, "f.mandate_id = $1", id)
}

// withdraw turns the debits of fees f matching which ($1 is arg) in runs
// not yet given to the bank into invoices, forgetting their accounts.
func withdraw(ctx context.Context, tx pgx.Tx, which string, arg int64) ([]Withdrawn, error) {
	if err := lockOpenRuns(ctx, tx, which, arg); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `UPDATE fees f SET mandate_id = NULL, mandate_reference = NULL, signed_on = NULL,
		sequence = NULL, account_holder = NULL, iban_sealed = NULL, original_iban_sealed = NULL, bic = NULL,
		country = NULL, address_lines = '{}', updated_at = now()
		FROM fee_runs r WHERE `+which+` AND f.mandate_id IS NOT NULL AND `+openRuns+`
		RETURNING r.id, r.year, r.due_on, r.created_by, r.created_at, r.submitted_at, f.id, f.cents`, arg)
	if err != nil {
		return nil, fmt.Errorf("fees: withdraw debits: %w", err)
	}
	var out []Withdrawn
	var w Withdrawn
	_, err = pgx.ForEachRow(rows, []any{&w.Run.ID, &w.Run.Year, &w.Run.DueOn, &w.Run.CreatedBy, &w.Run.CreatedAt, &w.Run.SubmittedAt, &w.FeeID, &w.Cents},
		func() error { out = append(out, w); return nil })
	if err != nil {
		return nil, fmt.Errorf("fees: withdraw debits: %w", err)
	}
	runs := make([]int64, len(out))
	for i, w := range out {
		runs[i] = w.Run.ID
	}
	return out, fileChanged(ctx, tx, runs)
}

// Debit is a collection of a mandate: its amount and due date.
type Debit struct {
	Cents int64
	Due   time.Time
}

// DebitAtBank is the next debit of mandate id that a submitted run still
// has the bank collect (its due date is today or later), nil when none:
// revoking the mandate cannot stop it any more.
func DebitAtBank(ctx context.Context, q pgxQuerier, mandateID int64) (*Debit, error) {
	var d Debit
	err := q.QueryRow(ctx, `SELECT f.cents, r.due_on FROM fees f JOIN fee_runs r ON r.id = f.run_id
		WHERE f.mandate_id = $1 AND f.status = 'paid' AND f.return_reason IS NULL AND r.submitted_at IS NOT NULL
		AND r.due_on >= `+berlinToday+` ORDER BY r.due_on LIMIT 1`, mandateID).Scan(&d.Cents, &d.Due)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fees: debit at the bank: %w", err)
	}
	return &d, nil
}

// RevokeMandate ends the person's mandate; ErrNotFound when they have none.
// Its debits in runs not yet given to the bank become invoices, returned
// for their mails.
func RevokeMandate(ctx context.Context, tx pgx.Tx, personID int64, actor audit.Entry) (Mandate, []Withdrawn, error) {
	// A change of the account sent at the same time goes first or after,
	// never to a revoked mandate (GiveMandate takes the same lock).
	if err := lock(ctx, tx, "mandate", personID); err != nil {
		return Mandate{}, nil, err
	}
	m, err := scanMandate(tx.QueryRow(ctx, `UPDATE sepa_mandates SET revoked_at = now(), updated_at = now()
		WHERE person_id = $1 AND revoked_at IS NULL RETURNING `+mandateColumns, personID))
	if err != nil {
		return Mandate{}, nil, fmt.Errorf("fees: revoke: %w", db.Map(err))
	}
	withdrawn, err := withdrawDebits(ctx, tx, m.ID)
	if err != nil {
		return Mandate{}, nil, err
	}
	by := actor
	by.Table, by.RowID, by.Field, by.NewValue = "sepa_mandates", strconv.FormatInt(m.ID, 10), "revoked_at", audit.Value("revoked")
	return m, withdrawn, audit.Record(ctx, tx, append([]audit.Entry{by}, withdrawnEntries(actor, withdrawn)...)...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Mandates lists the mandates that are not revoked, by member, masked.
func Mandates(ctx context.Context, q pgxQuerier) ([]views.MandateRow, error) {
	rows, err := q.Query(ctx, `SELECT p.name, coalesce(p.membership_status, ''), m.* FROM persons p
		JOIN (SELECT `+mandateColumns+` FROM sepa_mandates WHERE revoked_at IS NULL) m ON m.person_id = p.id
		ORDER BY p.name COLLATE alphabetical, m.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []views.MandateRow
	for rows.Next() {
		var name, status string
		var m Mandate
		if err := rows.Scan(&name, &status, &m.ID, &m.PersonID, &m.Reference, &m.AccountHolder, &m.IBANMasked, &m.BIC, &m.SignedOn, &m.Paper,
			&m.LastCollectedOn, &m.RevokedAt, &m.Lapsed); err != nil {
			return nil, err
		}
		// An applicant may give one before the board decides.
		out = append(out, views.MandateRow{PersonID: m.PersonID, Name: name, NotMember: status != "confirmed" && status != "pending",
			Applying: status == "pending", MandateView: mandateView(m, i18n.LangOf(ctx))})
	}
	return out, rows.Err()
}

// lockSpace is the first key of the domain's advisory locks, apart from
// the jobs' (app/jobs) and anyone else's.
const lockSpace = 0x4645_4553 // "FEES"

// lock takes a transaction's advisory lock on what (a kind) and id.
func lock(ctx context.Context, tx pgx.Tx, what string, id int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2 || ':' || $3::bigint))`, lockSpace, what, id)
	return err
}
