package members

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// Membership statuses (persons.membership_status); a person who never
// applied has none. Their values are declared with the templates that show
// them (components/members), which cannot import this package.
const (
	StatusNone       = views.StatusNone
	StatusUnverified = views.StatusUnverified
	StatusPending    = views.StatusPending
	StatusConfirmed  = views.StatusConfirmed
	StatusDenied     = views.StatusDenied
	StatusCanceled   = views.StatusCanceled
)

// Statuses lists every membership status a person can have.
var Statuses = views.Statuses

// Errors of this domain.
var (
	// ErrGone: a link was valid but what it points to no longer exists.
	ErrGone = errors.New("members: the person or application no longer exists")
	// ErrAlreadyDecided: someone else decided the application first.
	ErrAlreadyDecided = errors.New("members: application already decided")
	// ErrChanged: the person was changed since the form was loaded.
	ErrChanged = errors.New("members: changed meanwhile")
	// ErrAnonymised: the person's data is erased already.
	ErrAnonymised = errors.New("members: person is anonymised")
)

// Person is a row of persons. Nullable text columns read as "".
type Person struct {
	ID               int64
	Name             string
	Email            string
	EmailValid       bool
	DateOfBirth      *time.Time
	JoiningDate      *time.Time
	LeavingDate      *time.Time
	MembershipStatus string
	MembershipType   string
	TUStatusID       *int64
	Language         string
	AnonymisedAt     *time.Time
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// IsMember reports whether the person is a member (or applied and was not
// yet decided on): they may choose a membership type.
func (p Person) IsMember() bool {
	return p.MembershipStatus == StatusConfirmed || p.MembershipStatus == StatusPending
}

const personColumns = `id, name, email, email_valid, date_of_birth, joining_date, leaving_date,
	coalesce(membership_status, ''), coalesce(membership_type, ''), tu_status_id, language,
	anonymised_at, version, created_at, updated_at`

func scanPerson(row pgx.Row) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.Name, &p.Email, &p.EmailValid, &p.DateOfBirth, &p.JoiningDate, &p.LeavingDate,
		&p.MembershipStatus, &p.MembershipType, &p.TUStatusID, &p.Language,
		&p.AnonymisedAt, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// loadPerson returns the person with id; lock takes a row lock for the
// transaction's change. An anonymised person is ErrGone: their links died
// with their data.
func loadPerson(ctx context.Context, q querier, id int64, lock bool) (Person, error) {
	sql := `SELECT ` + personColumns + ` FROM persons WHERE id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	p, err := scanPerson(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Person{}, ErrGone
	}
	if err != nil {
		return Person{}, fmt.Errorf("members: load person: %w", db.Map(err))
	}
	if p.AnonymisedAt != nil {
		return Person{}, ErrGone
	}
	return p, nil
}

// findByEmail returns the not anonymised person with the address, compared
// without case, or db.ErrNotFound.
func findByEmail(ctx context.Context, q querier, email string) (Person, error) {
	const sql = `SELECT ` + personColumns + ` FROM persons WHERE lower(email) = lower($1) AND anonymised_at IS NULL`
	p, err := scanPerson(q.QueryRow(ctx, sql, email))
	if err != nil {
		return Person{}, fmt.Errorf("members: find person: %w", db.Map(err))
	}
	return p, nil
}

// tuStatuses returns the list people choose their relation to the
// university from, in its order.
func tuStatuses(ctx context.Context, q querier) ([]tuStatus, error) {
	rows, err := q.Query(ctx, `SELECT id, name, name_en FROM tu_status ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("members: tu status: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[tuStatus])
	if err != nil {
		return nil, fmt.Errorf("members: tu status: %w", err)
	}
	return list, nil
}

type tuStatus struct {
	ID     int64
	Name   string
	NameEN *string
}

// TUStatusName is a university relation's name in lang: the English one
// where it has one, else the German.
func TUStatusName(lang i18n.Lang, de string, en *string) string {
	if en == nil {
		return de
	}
	return i18n.Pick(lang, de, *en)
}

// dayAt is the association's date at the instant t, as yyyy-mm-dd.
func dayAt(t time.Time) string { return t.In(web.Berlin).Format(time.DateOnly) }

func isoDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func isoDatePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// isoTime and isoTimePtr format times as every domain's export does.
var (
	isoTime    = persons.ISOTime
	isoTimePtr = persons.ISOTimePtr
)

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
