package fees

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/members"
)

// Errors of creating a run; the handler names them next to the fields.
var (
	ErrDueDay   = errors.New("fees: the due date is not a TARGET2 business day")
	ErrDueSoon  = errors.New("fees: the due date leaves too little time for the pre-notification")
	ErrDueFar   = errors.New("fees: the due date is more than a year ahead")
	ErrNoRate   = errors.New("fees: the schedule has no amount for a category")
	ErrNoDebtor = errors.New("fees: nobody to collect from")
)

// Candidate is a confirmed member a run for a year would collect from.
type Candidate struct {
	Person   members.Person
	Category string
	Cents    int64
	Mandate  *Mandate // nil: no valid mandate, the member gets an invoice
}

// NoRateError is ErrNoRate for a category of the schedule without an
// amount in a year, with one member of it.
type NoRateError struct {
	Category, Name string
	Year           int
}

func (e *NoRateError) Error() string {
	return fmt.Sprintf("%v: %s (%s) in %d", ErrNoRate, e.Category, e.Name, e.Year)
}

func (e *NoRateError) Unwrap() error { return ErrNoRate }

// memberCategories are the members confirmed in year and the category of
// the schedule each pays by: their reduced one, else their membership
// type's, else (without a type) the first type's in the admin's order.
func memberCategories(ctx context.Context, q pgxQuerier, year int) ([]members.Person, func(members.Person) string, error) {
	ms, err := members.ConfirmedMembers(ctx, q, year)
	if err != nil {
		return nil, nil, err
	}
	ts, err := members.LoadTypes(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	rows, err := q.Query(ctx, `SELECT person_id, category FROM fee_categories`)
	if err != nil {
		return nil, nil, err
	}
	reduced := map[int64]string{}
	var pid int64
	var cat string
	if _, err := pgx.ForEachRow(rows, []any{&pid, &cat}, func() error { reduced[pid] = cat; return nil }); err != nil {
		return nil, nil, err
	}
	return ms, func(p members.Person) string {
		switch {
		case reduced[p.ID] != "":
			return reduced[p.ID]
		case p.MembershipType != "":
			return p.MembershipType
		case len(ts) > 0:
			return ts[0].Key
		}
		return ""
	}, nil
}

// MembersIn counts the members confirmed in year who pay by category.
func MembersIn(ctx context.Context, q pgxQuerier, category string, year int) (int, error) {
	ms, categoryOf, err := memberCategories(ctx, q, year)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ms {
		if categoryOf(p) == category {
			n++
		}
	}
	return n, nil
}

// Candidates lists the confirmed members whose fee of year is not yet
// collected or settled, with their amount and mandate.
func Candidates(ctx context.Context, q pgxQuerier, year int, due time.Time) ([]Candidate, error) {
	ms, categoryOf, err := memberCategories(ctx, q, year)
	if err != nil {
		return nil, err
	}
	rates, err := Rates(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT person_id FROM fees WHERE year = $1
		AND NOT (status = 'returned' OR (status = 'due' AND run_id IS NULL))`, year)
	if err != nil {
		return nil, err
	}
	settled, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	mandates, err := activeMandates(ctx, q)
	if err != nil {
		return nil, err
	}
	jan1 := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	var out []Candidate
	for _, p := range ms {
		if slices.Contains(settled, p.ID) {
			continue
		}
		c := Candidate{Person: p, Category: categoryOf(p)}
		cents, ok := rateOn(rates, c.Category, jan1)
		if !ok {
			return nil, &NoRateError{Category: c.Category, Name: p.Name, Year: year}
		}
		if cents == 0 {
			// Nothing to collect: a 0,00 € debit is no valid bank order,
			// and a 0,00 € invoice asks for nothing.
			continue
		}
		c.Cents = cents
		if m, ok := mandates[p.ID]; ok && m.Valid() && !m.LapsedBy(due) {
			// A mandate that lapses before the due date is asked for by
			// invoice: the bank would refuse it then.
			c.Mandate = &m
		}
		out = append(out, c)
	}
	return out, nil
}

// CheckDue tells whether due may be a run's due date when created at now.
func CheckDue(cfg config.SEPA, due, now time.Time) error {
	if !sepa.IsTarget2Day(due) {
		return ErrDueDay
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if due.Before(today.AddDate(0, 0, cfg.PrenotificationDays+1)) {
		return ErrDueSoon
	}
	// A pre-notification more than a year ahead is no notice anyone
	// keeps; such a date is a typo.
	if due.After(today.AddDate(1, 0, 0)) {
		return ErrDueFar
	}
	return nil
}

// Run is a collection run.
type Run struct {
	ID          int64
	Year        int
	DueOn       time.Time
	CreatedBy   string
	CreatedAt   time.Time
	SubmittedAt *time.Time
	// Debits counts what the run collects by debit (LoadRun and Runs; not
	// CreateRun, whose callers read its candidates): a run of invoices
	// alone has nothing to give the bank. Downloaded: its file went out
	// once, so the bank may have debits the run no longer holds.
	Debits     int
	Downloaded bool
}

const runColumns = `id, year, due_on, created_by, created_at, submitted_at,
	(SELECT count(*) FROM fees f WHERE f.run_id = fee_runs.id AND f.mandate_id IS NOT NULL), downloaded_at IS NOT NULL`

// MsgID is the bank file's message id: the same for every download.
func (r Run) MsgID(prefix string) string {
	return prefix + "-RUN-" + strconv.FormatInt(r.ID, 10) + "-" + r.CreatedAt.UTC().Format("20060102150405")
}

// CreateRun creates a run of year due on due for the candidates not in
// exclude, with a fee row each that keeps what the bank file needs.
// Fees with a mandate are debits (FRST for a mandate's first collection,
// RCUR after); the others are invoiced. It returns the run and the fee ids.
// A mandate whose first collection waits in a run not yet given to the
// bank is collected as RCUR: the bank is to see one FRST a mandate, and
// since the rulebook of 2016 may take RCUR for a first collection. by is
// logged as having created the run, with its year, due date and counts.
func CreateRun(ctx context.Context, tx pgx.Tx, cfg config.SEPA, year int, due, now time.Time, exclude []int64, by audit.Entry) (Run, []Candidate, error) {
	if !cfg.Ready() {
		return Run{}, nil, ErrNotConfigured
	}
	if err := CheckDue(cfg, due, now); err != nil {
		return Run{}, nil, err
	}
	if err := lockRuns(ctx, tx); err != nil {
		return Run{}, nil, err
	}
	// A mandate revoked or changed while the run is made waits for it,
	// and then finds the run's debits (withdrawDebits, followAccount).
	if _, err := tx.Exec(ctx, `SELECT 1 FROM sepa_mandates WHERE revoked_at IS NULL FOR SHARE`); err != nil {
		return Run{}, nil, fmt.Errorf("fees: create run: %w", err)
	}
	all, err := Candidates(ctx, tx, year, due)
	if err != nil {
		return Run{}, nil, err
	}
	var cands []Candidate
	for _, c := range all {
		if !slices.Contains(exclude, c.Person.ID) {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return Run{}, nil, ErrNoDebtor
	}
	var run Run
	err = tx.QueryRow(ctx, `INSERT INTO fee_runs (year, due_on, created_by) VALUES ($1, $2, $3)
		RETURNING id, year, due_on, created_by, created_at, submitted_at`, year, due, by.Actor).
		Scan(&run.ID, &run.Year, &run.DueOn, &run.CreatedBy, &run.CreatedAt, &run.SubmittedAt)
	if err != nil {
		return Run{}, nil, fmt.Errorf("fees: create run: %w", err)
	}
	var made []Candidate
	for _, c := range cands {
		var mandateID *int64
		if c.Mandate != nil {
			mandateID = &c.Mandate.ID
		}
		// The mandate's sealed values are copied as they are: the IBAN
		// is never decrypted to create a run.
		const q = `INSERT INTO fees (person_id, year, cents, status, run_id, mandate_id, mandate_reference, signed_on,
		        sequence, account_holder, iban_sealed, original_iban_sealed, bic, country, address_lines)
			SELECT $1, $2, $3, 'due', $4, m.id, m.reference, m.signed_on,
			       CASE WHEN m.id IS NULL THEN NULL
			            WHEN m.last_collected_on IS NULL AND NOT EXISTS (SELECT 1 FROM fees o JOIN fee_runs r ON r.id = o.run_id
			                 WHERE o.mandate_id = m.id AND o.sequence = 'FRST' AND o.status = 'due' AND r.submitted_at IS NULL AND r.id <> $4)
			            THEN 'FRST' ELSE 'RCUR' END,
			       m.account_holder, m.iban_sealed, m.original_iban_sealed, m.bic, m.country, coalesce(m.address_lines, '{}')
			FROM (SELECT 1) one LEFT JOIN sepa_mandates m ON m.id = $5
			ON CONFLICT (person_id, year) WHERE status <> 'returned' DO UPDATE SET cents = EXCLUDED.cents, status = 'due', run_id = EXCLUDED.run_id,
			    mandate_id = EXCLUDED.mandate_id, mandate_reference = EXCLUDED.mandate_reference,
			    signed_on = EXCLUDED.signed_on, sequence = EXCLUDED.sequence, account_holder = EXCLUDED.account_holder,
			    iban_sealed = EXCLUDED.iban_sealed, original_iban_sealed = EXCLUDED.original_iban_sealed,
			    bic = EXCLUDED.bic, country = EXCLUDED.country, address_lines = EXCLUDED.address_lines,
			    updated_at = now()
			WHERE fees.status = 'due' AND fees.run_id IS NULL`
		tag, err := tx.Exec(ctx, q, c.Person.ID, year, c.Cents, run.ID, mandateID)
		if err != nil {
			return Run{}, nil, fmt.Errorf("fees: create run: %w", db.Map(err))
		}
		// A fee settled meanwhile is not collected, nor mailed about.
		if tag.RowsAffected() == 1 {
			made = append(made, c)
		}
	}
	if len(made) == 0 {
		return Run{}, nil, ErrNoDebtor
	}
	return run, made, audit.Record(ctx, tx, runEntries(by, run, made, len(all)-len(cands))...)
}

// lockRuns makes runs one after the other, of every year: a member is
// collected from once a year, and a new mandate is FRST in one run only
// (a run's NOT EXISTS cannot see the FRST of another being made).
func lockRuns(ctx context.Context, tx pgx.Tx) error {
	return lock(ctx, tx, "run", 0)
}

// LoadRun returns run id.
func LoadRun(ctx context.Context, q pgxQuerier, id int64, lock bool) (Run, error) {
	sql := `SELECT ` + runColumns + ` FROM fee_runs WHERE id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var r Run
	err := q.QueryRow(ctx, sql, id).Scan(&r.ID, &r.Year, &r.DueOn, &r.CreatedBy, &r.CreatedAt, &r.SubmittedAt, &r.Debits, &r.Downloaded)
	if err != nil {
		return Run{}, fmt.Errorf("fees: run: %w", db.Map(err))
	}
	return r, nil
}

// Runs lists every run, newest first.
func Runs(ctx context.Context, q pgxQuerier) ([]Run, error) {
	rows, err := q.Query(ctx, `SELECT `+runColumns+` FROM fee_runs ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Run])
}

// Fee is one member's fee in a run, without account data.
type Fee struct {
	ID           int64
	PersonID     int64
	Name         string
	Year         int
	Cents        int64
	Status       string
	Reference    string // mandate reference; empty for an invoice
	Sequence     string
	ReturnReason string
	// Again: a returned debit collected again by a later run.
	Again bool
	// CollectOn is the due date of a debit given to the bank that is
	// still to come: it counts as paid, but the member's account has not
	// been charged yet.
	CollectOn *time.Time
	// RevokedAtBank: the mandate was revoked after the run went to the
	// bank, which still collects on CollectOn.
	RevokedAtBank bool
}

// collectOn is Fee.CollectOn, for fees f LEFT JOINed to their runs r.
const collectOn = `CASE WHEN f.status = 'paid' AND f.mandate_id IS NOT NULL AND f.return_reason IS NULL AND r.submitted_at IS NOT NULL
	AND r.due_on >= ` + berlinToday + ` THEN r.due_on END`

// revokedAtBank is Fee.RevokedAtBank, for fees f joined to their runs r.
const revokedAtBank = `(` + collectOn + ` IS NOT NULL AND EXISTS (SELECT 1 FROM sepa_mandates m WHERE m.id = f.mandate_id AND m.revoked_at > r.submitted_at))`

// collectedAgain tells of fee f whether a later row of its person and
// year took its place.
const collectedAgain = `EXISTS (SELECT 1 FROM fees g WHERE g.person_id = f.person_id AND g.year = f.year AND g.id > f.id)`

// RunFees lists the fees of run id by name.
func RunFees(ctx context.Context, q pgxQuerier, runID int64) ([]Fee, error) {
	rows, err := q.Query(ctx, `SELECT f.id, f.person_id, p.name, f.year, f.cents, f.status, coalesce(f.mandate_reference, ''),
		coalesce(f.sequence, ''), coalesce(f.return_reason, ''), `+collectedAgain+`, `+collectOn+`, `+revokedAtBank+`
		FROM fees f JOIN persons p ON p.id = f.person_id LEFT JOIN fee_runs r ON r.id = f.run_id
		WHERE f.run_id = $1 ORDER BY p.name COLLATE alphabetical, f.id`, runID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Fee])
}

// PersonFees is the fee history of one person, newest first.
func PersonFees(ctx context.Context, q pgxQuerier, personID int64) ([]Fee, error) {
	rows, err := q.Query(ctx, `SELECT f.id, f.person_id, '', f.year, f.cents, f.status, coalesce(f.mandate_reference, ''),
		coalesce(f.sequence, ''), coalesce(f.return_reason, ''), `+collectedAgain+`, `+collectOn+`, `+revokedAtBank+`
		FROM fees f LEFT JOIN fee_runs r ON r.id = f.run_id WHERE f.person_id = $1 ORDER BY f.year DESC, f.id DESC`, personID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Fee])
}

// BankFile builds the run's bank file from what its fees kept, so every
// download of a run gives the same file.
func BankFile(ctx context.Context, q pgxQuerier, box *sepa.Box, cfg config.SEPA, run Run) ([]byte, error) {
	if box == nil || !cfg.Ready() {
		return nil, ErrNotConfigured
	}
	rows, err := q.Query(ctx, `SELECT id, cents, sequence, mandate_reference, signed_on, account_holder, iban_sealed,
		original_iban_sealed, coalesce(bic, ''), coalesce(country, ''), address_lines
		FROM fees WHERE run_id = $1 AND iban_sealed IS NOT NULL AND octet_length(iban_sealed) > 0 ORDER BY id`, run.ID)
	if err != nil {
		return nil, err
	}
	type row struct {
		ID                  int64
		Cents               int64
		Sequence, Reference string
		SignedOn            time.Time
		Holder              string
		Sealed, OrigSealed  []byte
		BIC, Country        string
		AddressLines        []string
	}
	debits, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return nil, err
	}
	f := sepa.File{MsgID: run.MsgID(cfg.Prefix), Created: run.CreatedAt, Due: run.DueOn,
		Creditor: sepa.Creditor{Name: cfg.CreditorName, IBAN: cfg.CreditorIBAN, BIC: cfg.CreditorBIC, ID: cfg.CreditorID}}
	for _, d := range debits {
		iban, err := box.Open(d.Sealed)
		if err != nil {
			return nil, err
		}
		debit := sepa.Debit{
			EndToEndID: cfg.Prefix + "-" + strconv.Itoa(run.Year) + "-" + strconv.FormatInt(d.ID, 10),
			Cents:      d.Cents, Sequence: d.Sequence, MandateID: d.Reference, SignedOn: d.SignedOn,
			DebtorName: d.Holder, IBAN: iban, BIC: d.BIC, Country: d.Country, AddressLines: d.AddressLines,
			Remittance: remittance(run.Year, d.Reference),
		}
		if d.OrigSealed != nil {
			if debit.OriginalIBAN, err = box.Open(d.OrigSealed); err != nil {
				return nil, err
			}
		}
		f.Debits = append(f.Debits, debit)
	}
	return f.XML()
}

// CurrentFile builds run's bank file as it is now, with its version: in
// one transaction that holds the run against changes (they lock it first,
// lockOpenRuns), so the version is the file's.
func CurrentFile(ctx context.Context, pool *pgxpool.Pool, box *sepa.Box, cfg config.SEPA, run Run) (data []byte, version int, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT file_version FROM fee_runs WHERE id = $1 FOR SHARE`, run.ID).Scan(&version); err != nil {
			return fmt.Errorf("fees: file version: %w", err)
		}
		data, err = BankFile(ctx, tx, box, cfg, run)
		return err
	})
	return data, version, err
}

// MarkDownloaded notes that version of run id's file went out, unless the
// file changed since it was built; a change after it is told on the run's
// page (FileChanged), and SubmitRun insists on a download of the file as
// it is. A download that counts is logged as by's, as the step that
// makes the run's file the one for the bank; a file fetched again after
// the submission changes nothing and is not logged.
func MarkDownloaded(ctx context.Context, pool *pgxpool.Pool, id int64, version int, by audit.Entry) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var before *time.Time
		var at time.Time
		err := tx.QueryRow(ctx, `UPDATE fee_runs r SET downloaded_at = now(), downloaded_version = $2
			FROM (SELECT id, downloaded_at FROM fee_runs WHERE id = $1 FOR UPDATE) old
			WHERE r.id = old.id AND r.submitted_at IS NULL AND r.file_version = $2
			RETURNING old.downloaded_at, r.downloaded_at`, id, version).Scan(&before, &at)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("fees: mark downloaded: %w", err)
		}
		var old *string
		if before != nil {
			old = loggedTime(*before)
		}
		return audit.Record(ctx, tx, change(by, auditRuns, id, "downloaded_at", old, loggedTime(at)))
	})
}

// staleFile is true for a run (fee_runs r) whose file as it is now was
// not downloaded: one never downloaded that has debits, or one changed
// since its download (also when the change took its last debit: the bank
// may have the old file).
const staleFile = `(CASE WHEN r.downloaded_version IS NULL
	THEN EXISTS (SELECT 1 FROM fees f WHERE f.run_id = r.id AND f.mandate_id IS NOT NULL)
	ELSE r.downloaded_version <> r.file_version END)`

// FileChanged tells when run id's file was last downloaded, if it was and
// has changed since (a revocation, an account changed), so that the
// downloaded file is not the one to give the bank.
func FileChanged(ctx context.Context, q pgxQuerier, id int64) (*time.Time, error) {
	var at *time.Time
	err := q.QueryRow(ctx, `SELECT r.downloaded_at FROM fee_runs r WHERE r.id = $1 AND r.submitted_at IS NULL
		AND r.downloaded_at IS NOT NULL AND `+staleFile, id).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return at, err
}

// remittance is the text on the member's statement.
func remittance(year int, ref string) string {
	return "Mitgliedsbeitrag " + strconv.Itoa(year) + " " + ref
}

// ErrNoDebits refuses to mark a run submitted that collects nothing by
// debit: there is no file to give the bank.
var ErrNoDebits = errors.New("fees: the run collects no debit")

// ErrFileNotCurrent refuses to mark a run submitted whose bank file was
// never downloaded, or has changed since its last download.
var ErrFileNotCurrent = errors.New("fees: the bank file was not downloaded as it is now")

// SubmitRun marks the run as given to the bank: its debits count as paid,
// their mandates as used on the due date (the next collection is RCUR and
// carries no amendment). by is logged as having submitted it, with the
// number of debits it marked paid.
func SubmitRun(ctx context.Context, tx pgx.Tx, id int64, by audit.Entry) (Run, error) {
	// Locks go mandate, run, fees, as revocations, account changes and
	// erasures take them (lockOpenRuns): the mandates it marks used first.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM sepa_mandates WHERE id IN (SELECT mandate_id FROM fees WHERE run_id = $1)
		ORDER BY id FOR NO KEY UPDATE`, id); err != nil {
		return Run{}, fmt.Errorf("fees: submit: %w", err)
	}
	run, err := LoadRun(ctx, tx, id, true)
	if err != nil {
		return Run{}, err
	}
	if run.SubmittedAt != nil {
		return Run{}, ErrSubmitted
	}
	if run.Debits == 0 {
		return Run{}, ErrNoDebits
	}
	// The bank must have the file as it is now: what is marked submitted
	// is what the run's fees say, not what an older download said.
	var stale bool
	if err := tx.QueryRow(ctx, `SELECT `+staleFile+` FROM fee_runs r WHERE r.id = $1`, id).Scan(&stale); err != nil {
		return Run{}, fmt.Errorf("fees: submit: %w", err)
	}
	if stale {
		return Run{}, ErrFileNotCurrent
	}
	if _, err := tx.Exec(ctx, `UPDATE fee_runs SET submitted_at = now() WHERE id = $1`, id); err != nil {
		return Run{}, fmt.Errorf("fees: submit: %w", err)
	}
	paid, err := tx.Exec(ctx, `UPDATE fees SET status = 'paid', updated_at = now() WHERE run_id = $1 AND mandate_id IS NOT NULL AND status = 'due'`, id)
	if err != nil {
		return Run{}, fmt.Errorf("fees: submit: %w", err)
	}
	// Runs may go to the bank out of the order of their due dates: the
	// mandate's lapse counts from its latest collection.
	if _, err := tx.Exec(ctx, `UPDATE sepa_mandates m SET last_collected_on = greatest(m.last_collected_on, r.due_on), original_iban_sealed = NULL, updated_at = now()
		FROM fees f JOIN fee_runs r ON r.id = f.run_id WHERE f.run_id = $1 AND m.id = f.mandate_id`, id); err != nil {
		return Run{}, fmt.Errorf("fees: submit: %w", err)
	}
	run, err = LoadRun(ctx, tx, id, false)
	if err != nil {
		return Run{}, err
	}
	// One line for the run, not one per debit: the count is what the
	// bank's statement is checked against.
	return run, audit.Record(ctx, tx,
		change(by, auditRuns, id, "submitted_at", nil, loggedTime(*run.SubmittedAt)),
		change(by, auditRuns, id, "paid", nil, audit.Value(strconv.FormatInt(paid.RowsAffected(), 10))))
}

// ReturnCodes are the reasons banks give for returned debits
// (R-transactions) that the treasurer can record.
var ReturnCodes = []string{"AC01", "AC04", "AC06", "AG01", "AG02", "AM04", "AM05", "BE05", "FF01", "MD01", "MD02", "MD06", "MD07", "MS02", "MS03", "RR01", "RR02", "RR03", "RR04", "SL01"}

// ErrNotReturnable is a fee that was not collected by a submitted run,
// or one returned before and paid since by transfer.
var ErrNotReturnable = errors.New("fees: only a collected debit of a submitted run can be returned")

// RecordReturn records that the bank returned fee feeID of run runID with
// reason: the fee is open again, and a returned first collection makes
// the next one a first collection too. by is logged as having recorded it.
func RecordReturn(ctx context.Context, tx pgx.Tx, runID, feeID int64, reason string, by audit.Entry) (Fee, error) {
	run, err := LoadRun(ctx, tx, runID, true)
	if err != nil {
		return Fee{}, err
	}
	if run.SubmittedAt == nil {
		return Fee{}, ErrNotReturnable
	}
	var f Fee
	err = tx.QueryRow(ctx, `UPDATE fees SET status = 'returned', return_reason = $3, returned_at = now(), updated_at = now()
		WHERE id = $2 AND run_id = $1 AND mandate_id IS NOT NULL AND status = 'paid' AND return_reason IS NULL
		RETURNING id, person_id, '', year, cents, status, coalesce(mandate_reference, ''), coalesce(sequence, ''), return_reason`,
		runID, feeID, reason).Scan(&f.ID, &f.PersonID, &f.Name, &f.Year, &f.Cents, &f.Status, &f.Reference, &f.Sequence, &f.ReturnReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return Fee{}, ErrNotReturnable
	}
	if err != nil {
		return Fee{}, fmt.Errorf("fees: return: %w", err)
	}
	// Only a paid debit is returned (the update's condition).
	if err := audit.Record(ctx, tx,
		change(by, auditFees, f.ID, "status", audit.Value("paid"), audit.Value(f.Status)),
		change(by, auditFees, f.ID, "return_reason", nil, audit.Value(f.ReturnReason))); err != nil {
		return Fee{}, err
	}
	if f.Sequence == sepa.First {
		if err := firstAgain(ctx, tx, f.ID, by); err != nil {
			return Fee{}, err
		}
	}
	return f, nil
}

// firstAgain makes the next collection of the mandate whose first one,
// fee feeID, came back a first collection again: the mandate counts as
// unused, and a run made meanwhile and not yet given to the bank
// collects its earliest due debit of it as FRST instead of RCUR (its
// downloaded file is then not the one to give the bank).
func firstAgain(ctx context.Context, tx pgx.Tx, feeID int64, by audit.Entry) error {
	var mandate int64
	if err := tx.QueryRow(ctx, `UPDATE sepa_mandates SET last_collected_on = NULL, updated_at = now()
		WHERE id = (SELECT mandate_id FROM fees WHERE id = $1) RETURNING id`, feeID).Scan(&mandate); err != nil {
		return fmt.Errorf("fees: first again: %w", err)
	}
	if err := lockOpenRuns(ctx, tx, "f.mandate_id = $1", mandate); err != nil {
		return err
	}
	var run, fee int64
	err := tx.QueryRow(ctx, `UPDATE fees f SET sequence = 'FRST', updated_at = now() FROM fee_runs r
		WHERE r.id = f.run_id AND f.sequence = 'RCUR' AND f.id = (
			SELECT f.id FROM fees f, fee_runs r WHERE f.mandate_id = $1 AND `+openRuns+` ORDER BY r.due_on, r.id LIMIT 1)
		RETURNING r.id, f.id`, mandate).Scan(&run, &fee)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("fees: first again: %w", err)
	}
	if err := audit.Record(ctx, tx, change(by, auditFees, fee, "sequence", audit.Value(sepa.Recurrent), audit.Value(sepa.First))); err != nil {
		return err
	}
	return fileChanged(ctx, tx, []int64{run})
}

// ErrNotOpen is a fee that is not open (due or returned) any more.
var ErrNotOpen = errors.New("fees: the fee is not open")

// Settle marks an open fee of run runID as paid (a transfer came in) or
// waived by the board: an invoice, or a returned debit not collected again
// since. A debit the run is still to collect is not open to it: the bank
// file would collect it all the same. by is logged as having settled it.
func Settle(ctx context.Context, tx pgx.Tx, runID, feeID int64, status string, by audit.Entry) error {
	if status != "paid" && status != "waived" {
		return ErrNotOpen
	}
	// A run being made waits, so that it neither collects a fee settled
	// now nor moves it.
	if err := lockRuns(ctx, tx); err != nil {
		return err
	}
	// old is the row as it was: its status is the entry's old value.
	var was string
	err := tx.QueryRow(ctx, `UPDATE fees f SET status = $3, updated_at = now()
		FROM (SELECT id, status FROM fees WHERE id = $2 FOR UPDATE) old
		WHERE f.id = old.id AND f.run_id = $1
		  AND (f.status = 'due' AND f.mandate_id IS NULL OR f.status = 'returned')
		  AND NOT `+collectedAgain+`
		RETURNING old.status`, runID, feeID, status).Scan(&was)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotOpen
	}
	if err != nil {
		return fmt.Errorf("fees: settle: %w", err)
	}
	return audit.Record(ctx, tx, change(by, auditFees, feeID, "status", audit.Value(was), audit.Value(status)))
}
