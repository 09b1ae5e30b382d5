package organisers

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// participant is one row of the participant list.
type participant struct {
	// Number is the place in confirmation order; filtering keeps it.
	Number  int
	Reg     events.Registration
	Name    string
	Answers []answer
}

// answer is one cell: the value found at a column's path.
type answer struct {
	Kind answerKind
	Text string // strings and numbers as written; JSON for odd values
	Bool bool
}

type answerKind int

const (
	answerEmpty answerKind = iota
	answerText
	answerNumber
	answerBool
)

// buildList turns registrations (already in confirmation order) into rows
// with one answer per column.
func buildList(cols []column, regs []events.Registration) []participant {
	rr := rowReader{cols: cols}
	out := make([]participant, len(regs))
	for i, reg := range regs {
		out[i] = rr.row(i+1, reg)
	}
	return out
}

// rowReader reads the list's rows from registrations. It reads the
// answers with fastjson, which looks values up without building a map of
// them: decoding every registration's answers with encoding/json was half
// of the participants page's time at 5,000 registrations. Its parser is
// reused from row to row, so a rowReader serves one request.
type rowReader struct {
	cols   []column
	parser fastjson.Parser
}

// row is reg as the list's row number n.
func (rr *rowReader) row(n int, reg events.Registration) participant {
	p := participant{Number: n, Reg: reg, Name: reg.Name, Answers: make([]answer, len(rr.cols))}
	root, err := rr.parser.ParseBytes(reg.Data)
	if err != nil || root.Type() != fastjson.TypeObject {
		// Unreadable answers show as empty, as before.
		for j := range p.Answers {
			p.Answers[j] = answer{Kind: answerEmpty}
		}
		return p
	}
	// The name as typed into the form wins, as in the old list.
	if v := root.Get("name"); v != nil && v.Type() == fastjson.TypeString {
		if name := string(v.GetStringBytes()); strings.TrimSpace(name) != "" {
			p.Name = name
		}
	}
	var odd map[string]any
	for j, c := range rr.cols {
		v := valueAt(root, c.Path)
		if v == nil {
			p.Answers[j] = answer{Kind: answerEmpty}
			continue
		}
		switch v.Type() {
		case fastjson.TypeString:
			p.Answers[j] = answerOf(string(v.GetStringBytes()))
		case fastjson.TypeNumber:
			p.Answers[j] = answer{Kind: answerNumber, Text: string(v.MarshalTo(nil))}
		case fastjson.TypeTrue, fastjson.TypeFalse:
			p.Answers[j] = answer{Kind: answerBool, Bool: v.Type() == fastjson.TypeTrue}
		case fastjson.TypeNull:
			p.Answers[j] = answer{Kind: answerEmpty}
		default:
			// A list or an object where the form has one value (answers
			// imported from the old system): shown as encoding/json writes
			// it, which fastjson's writer does not match for every string.
			if odd == nil {
				odd = decodeAnswers(reg.Data)
			}
			p.Answers[j] = answerOf(lookup(odd, c.Path))
		}
	}
	return p
}

// valueAt follows path through nested objects; only objects, as lookup
// does (fastjson's Get would also index lists by number).
func valueAt(v *fastjson.Value, path []string) *fastjson.Value {
	for _, key := range path {
		if v.Type() != fastjson.TypeObject {
			return nil
		}
		if v = v.Get(key); v == nil {
			return nil
		}
	}
	return v
}

func decodeAnswers(raw []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return map[string]any{}
	}
	return m
}

func lookup(data map[string]any, path []string) any {
	var cur any = data
	for _, key := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[key]
	}
	return cur
}

func answerOf(v any) answer {
	switch v := v.(type) {
	case nil:
		return answer{Kind: answerEmpty}
	case string:
		if v == "" {
			return answer{Kind: answerEmpty}
		}
		return answer{Kind: answerText, Text: v}
	case json.Number:
		return answer{Kind: answerNumber, Text: v.String()}
	case bool:
		return answer{Kind: answerBool, Bool: v}
	default:
		b, _ := json.Marshal(v)
		return answer{Kind: answerText, Text: string(b)}
	}
}

// Filter narrows the list to some statuses and a search text.
type Filter struct {
	// Statuses are the statuses shown, in the order of view.Statuses;
	// none shows nobody.
	Statuses []string
	Query    string
	// NotHere keeps only those not checked in yet (at the door, who is
	// still missing).
	NotHere bool
	// words are Query's, folded (searchWords).
	words []string
}

// apply keeps the rows matching f. The search finds every word of it,
// in any order, in the name, the email or any answer, ignoring case and
// accents.
func (f Filter) apply(rows []participant) []participant {
	var out []participant
	for _, p := range rows {
		if f.keeps(p) {
			out = append(out, p)
		}
	}
	return out
}

// keeps reports whether the filter shows p. Someone who cancelled is not
// coming, so not "not here yet" either.
func (f Filter) keeps(p participant) bool {
	if !slices.Contains(f.Statuses, p.Reg.Status) || f.NotHere && (p.Reg.CheckedInAt != nil || p.Reg.Status == events.StatusCanceled) {
		return false
	}
	return len(f.words) == 0 || p.matches(f.words)
}

// matches reports whether every word is in p's name, email or answers.
func (p participant) matches(words []string) bool {
	var b strings.Builder
	b.WriteString(fold(p.Name))
	// A separator no word holds, so that no word spans two fields.
	b.WriteByte(0)
	b.WriteString(fold(p.Reg.Email))
	for _, a := range p.Answers {
		if a.Text != "" {
			b.WriteByte(0)
			b.WriteString(fold(a.Text))
			// A day is found as the page shows it, too (17.05.1990), and
			// a decimal with its comma (12,5).
			if de := i18n.Day(i18n.DE, a.Text); de != a.Text {
				b.WriteString(" " + de + " " + fold(i18n.Day(i18n.EN, a.Text)))
			}
			if a.Kind == answerNumber {
				b.WriteString(" " + i18n.Decimal(i18n.DE, a.Text))
			}
		}
	}
	text := b.String()
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// countStatuses counts rows by status.
func countStatuses(rows []participant) map[string]int {
	counts := map[string]int{}
	for _, p := range rows {
		counts[p.Reg.Status]++
	}
	return counts
}

// total is a column's footer: the sum of numbers or the count of ticks.
// Numbers have their mean too: a sum of guests is what the organiser
// counts, a sum of semesters or ratings says nothing, their mean does.
type total struct {
	Shown bool
	Text  string
	Mean  string
}

// totals adds up number columns and counts ticked checkboxes of rows.
// Sums are exact (big.Rat), so 0.1 + 0.2 shows as 0.3.
func totals(cols []column, rows []participant) []total {
	out := make([]total, len(cols))
	for j, c := range cols {
		switch {
		case c.summable():
			sum := new(big.Rat)
			allInts, n := true, int64(0)
			for _, p := range rows {
				if p.Answers[j].Kind != answerNumber {
					continue
				}
				r, ok := new(big.Rat).SetString(p.Answers[j].Text)
				if !ok {
					continue
				}
				allInts = allInts && r.IsInt()
				n++
				sum.Add(sum, r)
			}
			// Nobody's answer adds up to nothing, not to 0.
			out[j] = total{Shown: n > 0, Text: ratText(sum, allInts)}
			if n > 1 {
				out[j].Mean = meanText(new(big.Rat).Quo(sum, big.NewRat(n, 1)))
			}
		case c.Type == "boolean":
			n := 0
			for _, p := range rows {
				if a := p.Answers[j]; a.Kind == answerBool && a.Bool {
					n++
				}
			}
			out[j] = total{Shown: true, Text: strconv.Itoa(n)}
		}
	}
	return out
}

// hugeNumber is where numbers are written with an exponent, as JSON and
// JavaScript write them.
const hugeNumber = 1e21

// meanText writes a mean to one decimal, as people read an average.
func meanText(r *big.Rat) string {
	if f, _ := r.Float64(); math.Abs(f) >= hugeNumber {
		return ratText(r, false)
	}
	if s := strings.TrimSuffix(r.FloatString(1), ".0"); s != "-0" {
		return s
	}
	return "0"
}

func ratText(r *big.Rat, isInt bool) string {
	// A sum past what anyone writes out in digits (answers like 1e300)
	// is written as the number it is, not three hundred digits wide.
	if f, _ := r.Float64(); math.Abs(f) >= hugeNumber {
		// Through big.Float: a sum past float64's range is no +Inf.
		return new(big.Float).SetPrec(53).SetRat(r).Text('g', -1)
	}
	if isInt {
		return r.Num().String()
	}
	s := r.FloatString(6)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
