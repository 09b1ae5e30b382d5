package audit

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// The log's entries in words, for the board's audit log and for the
// person's own view of their data: tables, fields and the values the
// code logs in words of its own, in the reader's language.

// TableName is a logged table's name.
func TableName(ctx context.Context, table string) string {
	return textOr(ctx, table, "admin.audit.table."+table, "admin."+table+".title")
}

// FieldName is a logged field's name in its table.
func FieldName(ctx context.Context, table, field string) string {
	if field == "" {
		return ""
	}
	return textOr(ctx, field, "admin."+table+"."+field, "admin.audit.field."+field)
}

// ValueName words a logged value: a registration's status, a yes or no,
// a state of a mail by its label; anything else as stored.
func ValueName(ctx context.Context, table, field string, v *string) string {
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
	case *v == "true":
		return i18n.T(ctx, "admin.yes")
	case *v == "false":
		return i18n.T(ctx, "admin.no")
	case field == "status" || field == "membership_status":
		return textOr(ctx, *v, "admin.audit.status."+*v, "admin.status."+*v)
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
	if at, ok := loggedTime(v); ok {
		return at
	}
	if rest, ok := strings.CutPrefix(v, "until "); ok {
		if at, ok := loggedTime(rest); ok {
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
	return textOr(ctx, v, "admin.audit.value."+strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(v))
}

// loggedTime is a time the code logged (RFC 3339, UTC) as the log's
// other times are shown.
func loggedTime(v string) (string, bool) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return "", false
	}
	return t.In(web.Berlin).Format("2006-01-02 15:04:05"), true
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
		return i18n.T(ctx, "admin.audit.anonymised")
	case old == nil && new != nil:
		return i18n.T(ctx, "admin.audit.created")
	case new == nil:
		return i18n.T(ctx, "admin.audit.deleted")
	}
	return ""
}
