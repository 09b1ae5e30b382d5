package members

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// The keys of PeP's two membership types, which migration 0125 seeds and
// the demo data and the legacy import use. Other associations have their
// own types: every other piece of code reads them (LoadTypes).
const (
	TypeRegular       = "ordentlich"
	TypeExtraordinary = "ausserordentlich"
)

// MembershipType is a row of membership_types: what persons,
// applications and the fee schedule name by its key.
type MembershipType struct {
	ID            int64
	Key           string
	NameDE        string
	NameEN        string
	DescriptionDE string
	DescriptionEN string
	Position      int
	// Public types may be chosen on the membership form.
	Public bool
	// Hidden types are offered for no new choice; who has one keeps it.
	Hidden bool
}

// Name is the type's name in lang.
func (t MembershipType) Name(lang i18n.Lang) string {
	if lang == i18n.EN {
		return t.NameEN
	}
	return t.NameDE
}

// Description is the type's description in lang.
func (t MembershipType) Description(lang i18n.Lang) string {
	if lang == i18n.EN {
		return t.DescriptionEN
	}
	return t.DescriptionDE
}

// Types are the membership types in their order.
type Types []MembershipType

// LoadTypes reads every membership type, hidden ones too, in their order.
func LoadTypes(ctx context.Context, q querier) (Types, error) {
	rows, err := q.Query(ctx, `SELECT id, key, name_de, name_en, description_de, description_en, position, public, hidden
		FROM membership_types ORDER BY position, key`)
	if err != nil {
		return nil, fmt.Errorf("members: types: %w", err)
	}
	ts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[MembershipType])
	if err != nil {
		return nil, fmt.Errorf("members: types: %w", err)
	}
	return ts, nil
}

// Find returns the type with key.
func (ts Types) Find(key string) (MembershipType, bool) {
	for _, t := range ts {
		if t.Key == key {
			return t, true
		}
	}
	return MembershipType{}, false
}

// Keys lists the types' keys.
func (ts Types) Keys() []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key
	}
	return out
}

// NameOf is the name in lang of the type with key: "none" for no type,
// the key itself for a type that is gone.
func (ts Types) NameOf(lang i18n.Lang, key string) string {
	if key == "" {
		return i18n.In(lang, "members.type.none")
	}
	if t, ok := ts.Find(key); ok {
		return t.Name(lang)
	}
	return key
}

// Choosable tells whether key may be chosen by someone whose type is
// current: a type offered for new choices (public ones only on the public
// forms), or the one they have.
func (ts Types) Choosable(key, current string, publicOnly bool) bool {
	t, ok := ts.Find(key)
	switch {
	case !ok:
		return false
	case key == current:
		return true
	}
	return !t.Hidden && (t.Public || !publicOnly)
}

// Choices are the types a form offers to someone whose type is current,
// in lang (see Choosable).
func (ts Types) Choices(lang i18n.Lang, current string, publicOnly bool) []views.TypeOption {
	var out []views.TypeOption
	for _, t := range ts {
		if ts.Choosable(t.Key, current, publicOnly) {
			out = append(out, views.TypeOption{Key: t.Key, Name: t.Name(lang), Description: t.Description(lang)})
		}
	}
	return out
}

// TypeName is the name in lang of the membership type with key, read from
// the table, for mails and pages outside this package.
func TypeName(ctx context.Context, q querier, lang i18n.Lang, key string) (string, error) {
	ts, err := LoadTypes(ctx, q)
	if err != nil {
		return "", err
	}
	return ts.NameOf(lang, key), nil
}
