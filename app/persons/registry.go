package persons

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	views "github.com/pepalumni/memberdb/components/members"
)

// Domain is one domain's duty towards the personal data it stores: how it
// is found, exported and erased. Every domain that keeps a table with
// personal data registers one (Register, from its init), and erasure and
// the GDPR export go through all of them, so that a domain's SQL stays in
// its own package and the schema test (coverage_test in app/server) fails
// for a table with personal data that no domain covers.
type Domain struct {
	// Name identifies the domain in errors and on the privacy page.
	Name string
	// Tables are the tables whose personal data this domain erases.
	Tables []string
	// Data are the categories of personal data the domain keeps, for the
	// record of processing (/admin/privacy).
	Data []Category
	// Holds is SQL true while the domain still needs the person p (a
	// row of persons, aliased p): a person nobody holds and nobody has
	// changed for RETAIN_APPLICATIONS is deleted. Empty when the domain
	// never holds anyone.
	Holds string
	// Keeps are the domain's columns that point at a person and neither
	// cascade nor clear when the person is deleted (ON DELETE RESTRICT or
	// NO ACTION): while a row of them does, the person cannot be deleted,
	// only anonymised. The schema test (personal_data_test in app/server)
	// fails for such a foreign key that no domain declares.
	Keeps []Keep
	// Refs returns the ids of the domain's rows that belong to the person,
	// by kind ("registration", "user", …), for the other domains whose
	// rows point at them (mails about a registration, links to it).
	Refs func(ctx context.Context, tx pgx.Tx, s *Subject) (map[string][]int64, error)
	// Erase removes or overwrites the person's data in the domain's
	// tables, keeping the rows that counts rest on.
	Erase func(ctx context.Context, tx pgx.Tx, s *Subject) error
	// Export adds what the domain stores about the person to the export;
	// nil for a domain whose data is not the person's to see (secrets).
	Export func(ctx context.Context, tx pgx.Tx, s *Subject, ex *views.Export) error
}

// Category is one kind of personal data in the record of processing.
// The texts are catalog keys (components/i18n).
type Category struct {
	What, Where, Why, HowLong string
	// InUse is SQL true where the association uses what the category
	// needs (a list of university relations, the fees); "" for always.
	// The record of processing and the privacy statement's draft leave
	// out what it does not use.
	InUse string
}

// Subject is the person whose data is erased or exported: their id and
// address as they were before erasure began, and the ids every domain's
// Refs reported.
type Subject struct {
	ID    int64
	Name  string
	Email string
	Refs  map[string][]int64
}

// RefPerson is the kind of the person's own id.
const RefPerson = "person"

// Ref returns the ids of kind; empty when no domain reported any.
func (s *Subject) Ref(kind string) []int64 {
	if kind == RefPerson {
		return []int64{s.ID}
	}
	if s.Refs[kind] == nil {
		return []int64{}
	}
	return s.Refs[kind]
}

var (
	mu      sync.Mutex
	domains []Domain
)

// Register adds d to the registry; each domain calls it once, from init.
func Register(d Domain) {
	mu.Lock()
	defer mu.Unlock()
	if d.Erase == nil {
		panic("persons: domain " + d.Name + " registered without Erase")
	}
	domains = append(domains, d)
	slices.SortFunc(domains, func(a, b Domain) int { return order(a.Name) - order(b.Name) })
}

// eraseOrder lists the domains whose erasure must come last: links and
// mails are found through the person's address and rows, so the person
// row (members) is overwritten after all others.
var eraseOrder = map[string]int{"members": 1}

func order(name string) int { return eraseOrder[name] }

// Domains returns the registered domains, in the order they erase.
func Domains() []Domain {
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(domains)
}

// Collect asks every domain for the person's rows and returns the subject
// that Erase and Export are called with.
func Collect(ctx context.Context, tx pgx.Tx, id int64, name, email string) (*Subject, error) {
	s := &Subject{ID: id, Name: name, Email: email, Refs: map[string][]int64{}}
	for _, d := range Domains() {
		if d.Refs == nil {
			continue
		}
		refs, err := d.Refs(ctx, tx, s)
		if err != nil {
			return nil, fmt.Errorf("persons: %s: %w", d.Name, err)
		}
		for k, ids := range refs {
			s.Refs[k] = append(s.Refs[k], ids...)
		}
	}
	return s, nil
}

// EraseAll erases the subject's data in every domain, inside tx.
func EraseAll(ctx context.Context, tx pgx.Tx, s *Subject) error {
	for _, d := range Domains() {
		if err := d.Erase(ctx, tx, s); err != nil {
			return fmt.Errorf("persons: erase %s: %w", d.Name, err)
		}
	}
	return nil
}

// ExportAll fills ex from every domain, inside tx.
func ExportAll(ctx context.Context, tx pgx.Tx, s *Subject, ex *views.Export) error {
	for _, d := range Domains() {
		if d.Export == nil {
			continue
		}
		if err := d.Export(ctx, tx, s, ex); err != nil {
			return fmt.Errorf("persons: export %s: %w", d.Name, err)
		}
	}
	return nil
}

// Keep is a column that keeps its person from being deleted.
type Keep struct {
	Table, Column string
	// Rows is the catalog key of the plural (i18n.N) that names n such
	// rows to whoever tries to delete the person.
	Rows string
}

// Kept is what keeps a person from being deleted: Count rows of Keep.
type Kept struct {
	Keep
	Count int
}

// Keeping returns what still keeps person id from being deleted, in the
// domains' order; empty when nothing does.
func Keeping(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id int64) ([]Kept, error) {
	var (
		keeps  []Keep
		counts []string
	)
	for _, d := range Domains() {
		for _, k := range d.Keeps {
			keeps = append(keeps, k)
			counts = append(counts, `(SELECT count(*) FROM `+k.Table+` WHERE `+k.Column+` = $1)`)
		}
	}
	if len(keeps) == 0 {
		return nil, nil
	}
	n := make([]int, len(keeps))
	dest := make([]any, len(keeps))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := q.QueryRow(ctx, `SELECT `+strings.Join(counts, ", "), id).Scan(dest...); err != nil {
		return nil, fmt.Errorf("persons: keeping %d: %w", id, err)
	}
	var out []Kept
	for i, k := range keeps {
		if n[i] > 0 {
			out = append(out, Kept{Keep: k, Count: n[i]})
		}
	}
	return out, nil
}

// Keeps returns every column some domain declares as keeping its person.
func Keeps() []Keep {
	var out []Keep
	for _, d := range Domains() {
		out = append(out, d.Keeps...)
	}
	return out
}

// Covered returns every table some domain declares, with its domain.
func Covered() map[string]string {
	out := map[string]string{}
	for _, d := range Domains() {
		for _, t := range d.Tables {
			out[t] = d.Name
		}
	}
	return out
}

// ISOTime formats a time as the export shows it.
func ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ISOTimePtr is ISOTime for a time that may be absent.
func ISOTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ISOTime(*t)
	return &s
}

// Placeholder is the address an erased person's address is replaced with.
func Placeholder(id int64) string { return "anonymised-" + strconv.FormatInt(id, 10) + "@invalid" }

// AnonymisedName replaces the name of an erased person.
const AnonymisedName = "Anonymisiert"

// Purged is what one purge step took: how many rows, and the oldest of
// them (nil when none).
type Purged struct {
	Count  int
	Oldest *time.Time
}

// Add counts o in too.
func (p *Purged) Add(o Purged) {
	p.Count += o.Count
	if o.Oldest != nil && (p.Oldest == nil || o.Oldest.Before(*p.Oldest)) {
		p.Oldest = o.Oldest
	}
}

// PurgeRows runs q, which must return one row of the count and the oldest
// time of what it removed (typically WITH gone AS (DELETE … RETURNING t)
// SELECT count(*), min(t) FROM gone).
func PurgeRows(ctx context.Context, tx pgx.Tx, q string, args ...any) (Purged, error) {
	var p Purged
	err := tx.QueryRow(ctx, q, args...).Scan(&p.Count, &p.Oldest)
	return p, err
}

// NewPlaceholders creates n erased persons for rows that must keep
// pointing at someone (a registration kept for the counts) after their
// person was cut off; each gets its own, so that nothing links them.
func NewPlaceholders(ctx context.Context, tx pgx.Tx, n int) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		INSERT INTO persons (name, email, email_valid, anonymised_at)
		SELECT $1, 'anonymised-' || gen_random_uuid() || '@invalid', false, now() FROM generate_series(1, $2)
		RETURNING id`, AnonymisedName, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Held is SQL true while any domain still needs the person p.
func Held() string {
	var conds []string
	for _, d := range Domains() {
		if d.Holds != "" {
			conds = append(conds, "("+d.Holds+")")
		}
	}
	if len(conds) == 0 {
		return "false"
	}
	return strings.Join(conds, " OR ")
}

// DomainFees names the fees domain, which members ask HeldBy about and
// cannot import.
const DomainFees = "fees"

// HeldBy reports whether the domain named still needs person id (its
// Holds), for pages that stay open to a former member while it does: a
// mandate is revoked and a returned fee paid after leaving. A domain not
// registered holds nobody.
func HeldBy(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string, id int64) (bool, error) {
	var held bool
	err := q.QueryRow(ctx, `SELECT `+HeldByDomain(name)+` FROM persons p WHERE p.id = $1`, id).Scan(&held)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return held, err
}

// HeldByDomain is SQL true while the domain named still needs the person
// p, for lists that ask it of every row in their own query. A binary
// without the domain (a package's tests) has nobody it holds.
func HeldByDomain(name string) string {
	for _, d := range Domains() {
		if d.Name == name && d.Holds != "" {
			return "(" + d.Holds + ")"
		}
	}
	return "false"
}

// RefsQuery is a Domain.Refs that reports the ids q (with the person's id
// as $1) returns, as kind.
func RefsQuery(kind, q string) func(context.Context, pgx.Tx, *Subject) (map[string][]int64, error) {
	return func(ctx context.Context, tx pgx.Tx, s *Subject) (map[string][]int64, error) {
		rows, err := tx.Query(ctx, q, s.ID)
		if err != nil {
			return nil, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		return map[string][]int64{kind: ids}, err
	}
}

// SearchPattern is the LIKE pattern (SQL) that finds the word the SQL
// expression expr holds in persons.search_text: folded as search_text is
// (search_fold: case, accents, and ae/oe/ue as the bare vowel; migration
// 0147), LIKE's special characters escaped after folding, since unaccent
// turns some characters into them (％ into %). The admin's person search
// and the door's search both match with it.
func SearchPattern(expr string) string {
	return `'%' || regexp_replace(search_fold(` + expr + `), '([\\%_])', '\\\1', 'g') || '%'`
}

// umlautSpellings are ä, ö and ü as typed without umlauts.
var umlautSpellings = strings.NewReplacer("ae", "a", "oe", "o", "ue", "u")

// FoldSpelledUmlauts is search_fold's last step in Go, for text already
// without case and accents: ae, oe and ue become the bare vowel, as ä, ö
// and ü did, so both spellings of a name meet.
func FoldSpelledUmlauts(s string) string {
	if !strings.Contains(s, "e") {
		return s
	}
	return umlautSpellings.Replace(s)
}
