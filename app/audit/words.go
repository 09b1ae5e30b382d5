package audit

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	feesviews "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// The log's entries in words, for the board's audit log and for the
// person's own view of their data: tables, fields and the values the
// code logs in words of its own, in the reader's language.

// The catalog keys the words come from, one family per prefix; the
// search (search.go) reads the same families back into codes. A table's
// own names are "admin.<table>.title" and "admin.<table>.<field>".
const (
	tableKeys    = "admin.audit.table."
	fieldKeys    = "admin.audit.field."
	actorKeys    = "admin.audit.actor."
	valueKeys    = "admin.audit.value."
	statusKeys   = "admin.audit.status."
	memberKeys   = "admin.status."
	languageKeys = "admin.language."
	rowKeys      = "admin.audit." // + created, deleted, anonymised
)

// choiceKeys are the catalog families of fields whose values are a
// choice among codes, by field: the log shows the choice as its form
// offers it.
var choiceKeys = map[string]string{
	"freed_places":  "admin.freed_places.",
	"formality":     "admin.formality.",
	"return_reason": "fees.reason.",
}

// moneyFields are the fields ("table.field") the fee domain logs amounts
// in, as its bank file writes them ("1234.50").
var moneyFields = map[string]bool{"fee_rates.amount": true, "fee_runs.total": true}

// TableName is a logged table's name.
func TableName(ctx context.Context, table string) string {
	return textOr(ctx, table, tableKeys+table, "admin."+table+".title")
}

// FieldName is a logged field's name in its table.
func FieldName(ctx context.Context, table, field string) string {
	if field == "" {
		return ""
	}
	return textOr(ctx, field, "admin."+table+"."+field, fieldKeys+field)
}

// ActorName is who made a change: a user's name, or the part of the
// system that did, in words.
func ActorName(ctx context.Context, actor string) string {
	return textOr(ctx, actor, actorKeys+strings.ReplaceAll(actor, " ", "_"))
}

// Names are the names of values the log keeps as keys: a person's
// university relation (its id) and membership type (its key), in the
// reader's language.
type Names struct {
	relations, types map[string]string
}

// LoadNames reads the names of the relations and types there are; a
// value of one deleted since stays as logged.
func LoadNames(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) (Names, error) {
	en := i18n.LangOf(ctx) == i18n.EN
	read := func(sql string) (map[string]string, error) {
		rows, err := q.Query(ctx, sql)
		if err != nil {
			return nil, fmt.Errorf("audit: names: %w", err)
		}
		out := map[string]string{}
		var key, de string
		var english *string
		_, err = pgx.ForEachRow(rows, []any{&key, &de, &english}, func() error {
			out[key] = de
			if en && english != nil && *english != "" {
				out[key] = *english
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("audit: names: %w", err)
		}
		return out, nil
	}
	var n Names
	var err error
	if n.relations, err = read(`SELECT id::text, name, name_en FROM tu_status`); err != nil {
		return n, err
	}
	n.types, err = read(`SELECT key, name_de, name_en FROM membership_types`)
	return n, err
}

// ValueName words a logged value: a registration's status, a yes or no,
// a state of a mail by its label, a person's relation, type or language
// by its name; anything else as stored.
func (n Names) ValueName(ctx context.Context, table, field string, v *string) string {
	if v != nil && table == "persons" {
		switch field {
		case "tu_status", "tu_status_id":
			if name, ok := n.relations[*v]; ok {
				return name
			}
		case "membership_type":
			if name, ok := n.types[*v]; ok {
				return name
			}
		case "language":
			return textOr(ctx, *v, languageKeys+*v)
		}
	}
	return valueName(ctx, table, field, v)
}

func valueName(ctx context.Context, table, field string, v *string) string {
	if v == nil {
		// An edited text without one of its values is the default.
		if table == "mail_texts" || table == "page_texts" {
			return i18n.T(ctx, "admin.audit.default_text")
		}
		return ""
	}
	switch {
	case table == "registrations" && field == "status":
		return textOr(ctx, *v, events.StatusKeyPrefix+*v)
	case choiceKeys[field] != "":
		return textOr(ctx, *v, choiceKeys[field]+*v)
	case moneyFields[table+"."+field]:
		return i18n.T(ctx, "fees.money", feesviews.Euros(i18n.LangOf(ctx), *v))
	case *v == "true":
		return i18n.T(ctx, "admin.yes")
	case *v == "false":
		return i18n.T(ctx, "admin.no")
	case field == "status" || field == "membership_status":
		return textOr(ctx, *v, statusKeys+*v, memberKeys+*v)
	}
	return loggedWords(ctx, *v)
}

// The code logs some values in words of its own, in English; the log
// shows them in the reader's language, and its times in local time.
var (
	recipientsLogged = regexp.MustCompile(`^(\d+) recipients, event (\d+)$`)
	importLogged     = regexp.MustCompile(`^imported from the old member database \((.*)\)$`)
)

func loggedWords(ctx context.Context, v string) string {
	lang := i18n.LangOf(ctx)
	if at, ok := loggedTime(lang, v); ok {
		return at
	}
	// A form's local date and time (an event's start), and a day (a
	// joining date), as the reader writes them.
	if at := i18n.DayTime(lang, v); at != v {
		return at
	}
	if day := i18n.Day(lang, v); day != v {
		return day
	}
	if rest, ok := strings.CutPrefix(v, "until "); ok {
		if at, ok := loggedTime(lang, rest); ok {
			return i18n.T(ctx, "admin.audit.value.until", at)
		}
	}
	if m := recipientsLogged.FindStringSubmatch(v); m != nil {
		n, _ := strconv.Atoi(m[1])
		return i18n.N(ctx, "admin.audit.value.recipients", n, m[2])
	}
	if m := importLogged.FindStringSubmatch(v); m != nil {
		return i18n.T(ctx, "admin.audit.value.imported", m[1])
	}
	return textOr(ctx, v, valueKeys+strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(v))
}

// loggedTime is a time the code logged (RFC 3339, UTC) as the log's
// other times are shown.
func loggedTime(lang i18n.Lang, v string) (string, bool) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return "", false
	}
	return Time(lang, t), true
}

// Time is a time as the log shows it: local, to the second, as lang's
// readers write a day.
func Time(lang i18n.Lang, t time.Time) string {
	return t.In(web.Berlin).Format(i18n.DayTimeLayout(lang) + ":05")
}

// textOr is the text of the first of keys the catalog has, or raw.
func textOr(ctx context.Context, raw string, keys ...string) string {
	for _, k := range keys {
		if i18n.Has(ctx, k) {
			return i18n.T(ctx, k)
		}
	}
	return raw
}

// RowEvent words an entry about a whole row (no field): its creation,
// deletion or anonymisation; "" for any other.
func RowEvent(ctx context.Context, old, new *string) string {
	switch {
	case new != nil && *new == "anonymised":
		return i18n.T(ctx, rowKeys+"anonymised")
	case old == nil && new != nil:
		return i18n.T(ctx, rowKeys+"created")
	case new == nil:
		return i18n.T(ctx, rowKeys+"deleted")
	}
	return ""
}
