package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/text"
	"github.com/pepalumni/memberdb/components/i18n"
)

// CheckInput refuses, before any handler runs, what a visitor can send but
// no person types: invalid UTF-8 or control characters (other than tab and
// line breaks) in the path, the query or a posted form. PostgreSQL would
// reject such text with an error, so every form would answer 500.
//
// Forms are parsed here (urlencoded bodies; multipart bodies are checked by
// the one handler that accepts them, with CheckValues), so a handler that
// reads r.PostFormValue sees only checked text. A field is named in the
// answer, 422 in the user's language; the request changes nothing.
func (s *Site) CheckInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if badText(r.URL.Path) {
			s.Error(w, r, http.StatusNotFound, "")
			return
		}
		if isURLEncoded(r) {
			if !s.parseBody(w, r) {
				return
			}
		} else if err := r.ParseForm(); err != nil {
			// Only the query was parsed: a malformed one is a bad request.
			s.Error(w, r, http.StatusBadRequest, "")
			return
		}
		if field, bad := CheckValues(r.Form); bad {
			s.RejectField(w, r, field)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RejectField answers 422 naming field, for text that CheckValues refused.
// Hooks registered in BadInputHooks see the request first (the login
// counts such an attempt against the client's limit).
func (s *Site) RejectField(w http.ResponseWriter, r *http.Request, field string) {
	for _, hook := range s.BadInputHooks {
		hook(r)
	}
	s.Error(w, r, http.StatusUnprocessableEntity, i18n.T(r.Context(), "error.input.field", printableName(field)))
}

// parseBody reads a urlencoded body; an unreadable one (a client that
// stopped sending) is 400, one over the limit 413.
func (s *Site) parseBody(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	switch {
	case err == nil:
		return true
	case ClientGone(r):
		s.Error(w, r, http.StatusBadRequest, "")
	case IsTooLarge(err):
		s.Error(w, r, http.StatusRequestEntityTooLarge, "")
	default:
		s.Error(w, r, http.StatusBadRequest, "")
	}
	return false
}

// AcceptBodies refuses, with 415, an unsafe request whose body is not of
// one of types: a form sent as multipart or plain text would reach a
// handler that reads urlencoded forms as an empty one. A request without a
// body passes; so does its Content-Type, which says nothing then.
func (s *Site) AcceptBodies(types ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hasBody(r) {
				mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if err != nil || !slices.Contains(types, mt) {
					s.Error(w, r, http.StatusUnsupportedMediaType, "")
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// hasBody reports whether r carries a body (of unknown length, when
// chunked).
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

func isURLEncoded(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// CheckValues reports the first field (in name order, so the answer is
// stable) whose name or any value is not clean text.
func CheckValues(values url.Values) (field string, bad bool) {
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if badText(name) {
			return name, true
		}
		for _, v := range values[name] {
			if badText(v) {
				return name, true
			}
		}
	}
	return "", false
}

// badText is text no person types (text.Bad).
func badText(s string) bool { return text.Bad(s) }

// printableName shows a refused field's name safely: its bad bytes would
// otherwise end up in the page.
func printableName(name string) string {
	if !badText(name) && utf8.RuneCountInString(name) <= 64 {
		return name
	}
	q := strconv.QuoteToASCII(name)
	q = q[1 : len(q)-1]
	if len(q) > 64 {
		q = q[:64] + "…"
	}
	return q
}

// DecodeJSON reads a JSON body into v. It answers itself and reports false
// when the body is over the limit (413), not JSON (400, with invalidJSON
// as the message) or holds a string that is not clean text (422 naming its
// field), so a JSON client meets the same rules as a form.
func (s *Site) DecodeJSON(w http.ResponseWriter, r *http.Request, v any, invalidJSON string) bool {
	raw, err := io.ReadAll(r.Body)
	switch {
	case ClientGone(r):
		s.logGone(r, err)
		return false
	case IsTooLarge(err):
		s.Error(w, r, http.StatusRequestEntityTooLarge, "")
		return false
	case err != nil:
		s.Error(w, r, http.StatusBadRequest, "")
		return false
	}
	var generic any
	if utf8.Valid(raw) && json.Unmarshal(raw, &generic) != nil {
		JSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": invalidJSON})
		return false
	}
	// The decoder would replace invalid UTF-8 silently; refuse it instead
	// (it cannot be told which field held it).
	field, bad := "JSON", !utf8.Valid(raw)
	if !bad {
		field, bad = badJSON("", generic)
	}
	if bad {
		for _, hook := range s.BadInputHooks {
			hook(r)
		}
		JSON(w, http.StatusUnprocessableEntity, map[string]string{"status": "error",
			"message": i18n.T(r.Context(), "error.input.field", printableName(field))})
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		JSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": invalidJSON})
		return false
	}
	return true
}

// badJSON walks a decoded JSON value for a key or string that is not clean
// text and names where it is.
func badJSON(path string, v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, badText(v)
	case []any:
		for i, e := range v {
			if p, bad := badJSON(fmt.Sprintf("%s[%d]", path, i), e); bad {
				return p, true
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			name := k
			if path != "" {
				name = path + "." + k
			}
			if badText(k) {
				return name, true
			}
			if p, bad := badJSON(name, v[k]); bad {
				return p, true
			}
		}
	}
	return "", false
}
