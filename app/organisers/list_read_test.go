package organisers

import (
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events"
)

// The rows are read with fastjson; encoding/json (decodeAnswers, lookup,
// answerOf) is the reading they must match, on every kind of value an
// answer can hold, including those the old system left behind.
func TestRowsReadAsEncodingJSONReadsThem(t *testing.T) {
	cols := []column{
		{Path: []string{"text"}}, {Path: []string{"escaped"}}, {Path: []string{"empty"}},
		{Path: []string{"int"}}, {Path: []string{"dec"}}, {Path: []string{"exp"}}, {Path: []string{"neg"}},
		{Path: []string{"yes"}}, {Path: []string{"no"}}, {Path: []string{"null"}}, {Path: []string{"missing"}},
		{Path: []string{"langs", "python"}}, {Path: []string{"langs", "other"}}, {Path: []string{"langs", "deep", "x"}},
		{Path: []string{"list"}}, {Path: []string{"obj"}}, {Path: []string{"list", "0"}}, {Path: []string{"text", "x"}},
	}
	datas := []string{
		// As PostgreSQL's jsonb writes them: keys by length, a space after
		// each colon and comma, control characters escaped.
		`{"dec": 1.50, "exp": 1E+3, "int": 2, "neg": -0.0, "no": false, "obj": {"b": "<&>", "a": 1}, "yes": true, ` +
			`"list": ["a", "b\u0001", 3], "null": null, "name": "  ", "text": "Müller \"der Ältere\" \\ / 😀", ` +
			`"empty": "", "langs": {"deep": {"x": "tief"}, "other": "Julia", "python": true}, "escaped": "a\nb\tc\u0007 \u00fc \ud83d\ude00"}`,
		`{"name": "Lise Meitner", "langs": "keine", "list": {"0": "no list"}, "text": 5}`,
		`{"name": 7}`,
		`{}`,
		`[]`,
		`null`,
		`"text"`,
		`not json`,
		``,
	}
	for _, data := range datas {
		reg := events.Registration{ID: 1, Name: "Person", Data: []byte(data)}
		got := buildList(cols, []events.Registration{reg})[0]
		want := participant{Number: 1, Reg: reg, Name: reg.Name, Answers: make([]answer, len(cols))}
		decoded := decodeAnswers(reg.Data)
		if name, ok := decoded["name"].(string); ok && strings.TrimSpace(name) != "" {
			want.Name = name
		}
		for j, c := range cols {
			want.Answers[j] = answerOf(lookup(decoded, c.Path))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("data %s:\n got  %+v\n want %+v", data, got, want)
		}
	}
}

// Sums are written in digits, past 1e21 with an exponent.
func TestSumsOfHugeAnswers(t *testing.T) {
	for _, tt := range []struct {
		r     *big.Rat
		isInt bool
		want  string
	}{
		{big.NewRat(7, 2), false, "3.5"},
		{big.NewRat(12, 1), true, "12"},
		{new(big.Rat).SetFloat64(1e300), false, "1e+300"},
		{new(big.Rat).SetFloat64(3e21), true, "3e+21"},
		{new(big.Rat).Mul(new(big.Rat).SetFloat64(1.5e308), big.NewRat(2, 1)), false, "3e+308"},
	} {
		if got := ratText(tt.r, tt.isInt); got != tt.want {
			t.Errorf("ratText(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}
