package admin

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// localTimeSQL reads a timestamptz column as a datetime-local input wants it.
func localTimeSQL(column string) string {
	return "to_char(" + column + " AT TIME ZONE '" + web.Zone + `', 'YYYY-MM-DD"T"HH24:MI')`
}

func tr(ctx context.Context, key string, args ...any) string { return i18n.T(ctx, key, args...) }

type parseFunc = func(ctx context.Context, q querier, raw string) (any, string, error)

// maxText bounds one-line texts; descriptions have their own bound.
const maxText = 200

// textParser accepts trimmed text up to max characters. Empty text is NULL
// for nullable columns.
func textParser(required, nullable bool, max int) parseFunc {
	return func(ctx context.Context, _ querier, raw string) (any, string, error) {
		// Browsers send a textarea's lines with CRLF; stored texts use LF,
		// so an untouched text saves unchanged.
		s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
		switch {
		case s == "" && required:
			return nil, tr(ctx, "admin.error.required"), nil
		case len([]rune(s)) > max:
			return nil, tr(ctx, "admin.error.too_long", max), nil
		case s == "" && nullable:
			return nil, "", nil
		}
		return s, "", nil
	}
}

// value parses raw as f's value. A single-line input cannot hold a line
// break, so one comes from a crafted request; in a name it would fake a
// line of every mail that greets the person or names the event.
func (f *field) value(ctx context.Context, q querier, raw string) (any, string, error) {
	if f.kind == "text" && strings.ContainsAny(raw, "\r\n") {
		return nil, tr(ctx, "admin.error.line_break"), nil
	}
	return f.parse(ctx, q, raw)
}

// emailParser accepts one plain address.
func emailParser(required bool) parseFunc {
	return func(ctx context.Context, _ querier, raw string) (any, string, error) {
		s := strings.TrimSpace(raw)
		if s == "" {
			if required {
				return nil, tr(ctx, "admin.error.required"), nil
			}
			return nil, "", nil
		}
		if !mail.ValidAddress(s) {
			return nil, tr(ctx, "admin.error.email"), nil
		}
		return s, "", nil
	}
}

// enumParser accepts one of values; empty is NULL unless required.
func enumParser(values []string, required bool) parseFunc {
	return func(ctx context.Context, _ querier, raw string) (any, string, error) {
		s := strings.TrimSpace(raw)
		if s == "" && !required {
			return nil, "", nil
		}
		if !slices.Contains(values, s) {
			return nil, tr(ctx, "admin.error.choice"), nil
		}
		return s, "", nil
	}
}

// enumOptions offers values with their catalog labels prefix+value; an
// empty choice first unless required.
func enumOptions(prefix string, values []string, required bool) func(ctx context.Context, _ querier) ([]adminui.Option, error) {
	return func(ctx context.Context, _ querier) ([]adminui.Option, error) {
		var out []adminui.Option
		if !required {
			out = append(out, adminui.Option{Value: "", Label: "–"})
		}
		for _, v := range values {
			out = append(out, adminui.Option{Value: v, Label: tr(ctx, prefix+v)})
		}
		return out, nil
	}
}

func enumDisplay(prefix string) func(ctx context.Context, stored string) string {
	return func(ctx context.Context, stored string) string {
		if stored == "" {
			return ""
		}
		return tr(ctx, prefix+stored)
	}
}

// maxInt is the largest number a number field takes (places, positions).
const maxInt = 1_000_000

// intParser accepts a whole number of at least min and at most maxInt;
// empty is NULL unless required.
func intParser(min int, required bool) parseFunc {
	return func(ctx context.Context, _ querier, raw string) (any, string, error) {
		s := strings.TrimSpace(raw)
		if s == "" {
			if required {
				return nil, tr(ctx, "admin.error.required"), nil
			}
			return nil, "", nil
		}
		n, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) {
			// A whole number, only far too large or too small.
			n, err = maxInt+1, nil
			if strings.HasPrefix(s, "-") {
				n = min - 1
			}
		}
		switch {
		case err != nil:
			return nil, tr(ctx, "admin.error.number"), nil
		case n > maxInt:
			return nil, tr(ctx, "admin.error.number_max", maxInt), nil
		case n < min:
			return nil, tr(ctx, "admin.error.min", min), nil
		}
		return n, "", nil
	}
}

// dateParser accepts YYYY-MM-DD; notFuture refuses dates after today.
func dateParser(notFuture bool) parseFunc {
	return func(ctx context.Context, _ querier, raw string) (any, string, error) {
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, "", nil
		}
		d, err := time.ParseInLocation("2006-01-02", s, web.Berlin)
		if err != nil || d.Year() < 1900 {
			return nil, tr(ctx, "admin.error.date"), nil
		}
		if notFuture && d.After(time.Now().In(web.Berlin)) {
			return nil, tr(ctx, "admin.error.future"), nil
		}
		return d.Format("2006-01-02"), "", nil
	}
}

// timeParser accepts a datetime-local value in the association's zone.
func timeParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, "", nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, web.Berlin); err == nil && t.Year() >= 1900 && t.Year() < 3000 {
			return t, "", nil
		}
	}
	return nil, tr(ctx, "admin.error.datetime"), nil
}

// boolParser reads a checkbox: "true" when ticked, absent otherwise.
func boolParser(_ context.Context, _ querier, raw string) (any, string, error) {
	return raw == "true" || raw == "on", "", nil
}

func boolDisplay(ctx context.Context, stored string) string {
	if stored == "true" {
		return tr(ctx, "admin.yes")
	}
	return tr(ctx, "admin.no")
}
