package legacy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The converters below turn what either driver returns into Go values:
// SQLite hands out int64 for booleans and text (or time.Time, when the
// column is declared DATE/DATETIME) for dates; PostgreSQL typed values.
// ok is false for NULL.

func text(v any) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return string(x), true
	case time.Time:
		return x.Format(time.RFC3339Nano), true
	default:
		return fmt.Sprint(x), true
	}
}

func integer(v any) (n int64, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return x, true, nil
	case int32:
		return int64(x), true, nil
	case int:
		return int64(x), true, nil
	case float64:
		if x != float64(int64(x)) {
			return 0, false, fmt.Errorf("%v is not a whole number", x)
		}
		return int64(x), true, nil
	case string, []byte:
		s, _ := text(x)
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not a number", s)
		}
		return n, true, nil
	default:
		return 0, false, fmt.Errorf("%v (%T) is not a number", x, x)
	}
}

func boolean(v any) (b bool, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return false, false, nil
	case bool:
		return x, true, nil
	case int64:
		return x != 0, true, nil
	case string, []byte:
		s, _ := text(x)
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "1", "t", "true":
			return true, true, nil
		case "0", "f", "false":
			return false, true, nil
		}
		return false, false, fmt.Errorf("%q is not a boolean", s)
	default:
		return false, false, fmt.Errorf("%v (%T) is not a boolean", x, x)
	}
}

// date returns YYYY-MM-DD.
func date(v any) (d string, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case time.Time:
		return x.Format(time.DateOnly), true, nil
	case string, []byte:
		s, _ := text(x)
		s = strings.TrimSpace(s)
		if len(s) >= 10 {
			if t, err := time.Parse(time.DateOnly, s[:10]); err == nil {
				return t.Format(time.DateOnly), true, nil
			}
		}
		return "", false, fmt.Errorf("%q is not a date", s)
	default:
		return "", false, fmt.Errorf("%v (%T) is not a date", x, x)
	}
}

// sqliteTimes are the forms SQLAlchemy wrote into SQLite: naive, meaning UTC.
var sqliteTimes = []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00"}

// timestamp returns the instant in UTC.
func timestamp(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return x.UTC(), true, nil
	case string, []byte:
		s, _ := text(x)
		s = strings.TrimSpace(s)
		for _, layout := range sqliteTimes {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true, nil
			}
		}
		return time.Time{}, false, fmt.Errorf("%q is not a time", s)
	default:
		return time.Time{}, false, fmt.Errorf("%v (%T) is not a time", x, x)
	}
}
