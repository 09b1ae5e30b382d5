package schema_test

import (
	"math"
	"net/url"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/i18n"
)

// TestValidateReadsNumbersAsWritten: a German "1.000" is a thousand, not
// one; what could be read two ways is refused with a message saying how
// to write it.
func TestValidateReadsNumbersAsWritten(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {"n": {"type": "number"}, "i": {"type": "integer"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang      i18n.Lang
		field, in string
		want      any // float64 or int64; nil: refused
	}{
		{i18n.DE, "n", "1.000", 1000.0},
		{i18n.DE, "n", "12.345.678", 12345678.0},
		{i18n.DE, "n", "1.500,50", 1500.5},
		{i18n.DE, "n", "1,5", 1.5},
		{i18n.DE, "n", "1.5", 1.5},
		{i18n.DE, "n", "1.50", 1.5},
		{i18n.DE, "n", "0.500", 0.5},
		{i18n.DE, "n", ",5", 0.5},
		{i18n.DE, "n", "1,000", 1.0},
		{i18n.DE, "n", "1 000", 1000.0},
		{i18n.DE, "n", "1\u00a0000,25", 1000.25},
		{i18n.DE, "n", "1\u202f000\u202f000", 1000000.0},
		{i18n.DE, "n", "-1.000,5", -1000.5},
		{i18n.DE, "n", "−2,5", -2.5},
		{i18n.DE, "n", "+3", 3.0},
		{i18n.DE, "n", "1e3", 1000.0},
		{i18n.DE, "n", "2,5E-1", 0.25},
		{i18n.DE, "n", "1.50.0", nil},
		{i18n.DE, "n", "1,000.5", nil},
		{i18n.DE, "n", "1.00.000", nil},
		{i18n.DE, "n", "1234.567", nil},
		{i18n.DE, "n", "1 000.5", nil},
		{i18n.DE, "n", "1,5,0", nil},
		{i18n.DE, "n", "1 00", nil},
		{i18n.DE, "n", ",", nil},
		{i18n.DE, "n", "1e", nil},
		{i18n.DE, "n", "1e+-3", nil},
		{i18n.DE, "n", "0x10", nil},
		{i18n.DE, "n", "Inf", nil},
		{i18n.DE, "n", "1e999", nil},
		{i18n.DE, "n", "--1", nil},
		{i18n.EN, "n", "1,000", 1000.0},
		{i18n.EN, "n", "1,500.50", 1500.5},
		{i18n.EN, "n", "1.5", 1.5},
		{i18n.EN, "n", "1,5", 1.5},
		{i18n.EN, "n", "1.000", 1.0},
		{i18n.EN, "n", "1 000.5", 1000.5},
		{i18n.EN, "n", "1.500,50", nil},
		{i18n.EN, "n", "1,50,0", nil},
		{i18n.DE, "i", "1.000", int64(1000)},
		{i18n.DE, "i", "1 000", int64(1000)},
		{i18n.DE, "i", "-12", int64(-12)},
		{i18n.DE, "i", "1,5", nil},
		{i18n.DE, "i", "1.5", nil},
		{i18n.DE, "i", "1e3", nil},
		{i18n.DE, "i", "99999999999999999999", nil},
		{i18n.EN, "i", "1,000", int64(1000)},
		{i18n.EN, "i", "1.000", nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang)+" "+tt.field+" "+tt.in, func(t *testing.T) {
			answers, errs := schema.Validate(fm, url.Values{tt.field: {tt.in}}, tt.lang)
			if tt.want == nil {
				key := map[string]string{"n": "events.field.number_marks", "i": "events.field.integer_marks"}[tt.field]
				if plain := map[string]bool{"0x10": true, "Inf": true, ",": true, "1e999": true, "99999999999999999999": true}; plain[tt.in] {
					// Not a number, or none the field holds: no hint at marks.
					key = map[string]string{"n": "events.field.number", "i": "events.field.integer"}[tt.field]
				}
				if got, want := errs[tt.field], i18n.In(tt.lang, key); got != want {
					t.Errorf("message = %q, want %q (answer %v)", got, want, answers[tt.field])
				}
				return
			}
			if len(errs) > 0 || answers[tt.field] != tt.want {
				t.Errorf("answer = %#v (errors %v), want %#v", answers[tt.field], errs, tt.want)
			}
		})
	}
}

// TestNumbersRoundTrip: a stored number shown in the form of a German
// reader is read back as itself, and the range in a message is written
// as the reader types numbers.
func TestNumbersRoundTrip(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {"n": {"type": "number", "minimum": 0.5, "maximum": 2000.25, "default": 1.125}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []i18n.Lang{i18n.DE, i18n.EN} {
		for _, x := range []float64{1.125, 1000, 1500.5, 0.5} {
			shown := schema.Values(fm, map[string]any{"n": x}, lang)
			answers, errs := schema.Validate(fm, shown, lang)
			if len(errs) > 0 || answers["n"] != x {
				t.Errorf("%s: %v shown as %q read back as %v (errors %v)", lang, x, shown.Get("n"), answers["n"], errs)
			}
		}
		answers, errs := schema.Validate(fm, schema.Defaults(fm, lang), lang)
		if len(errs) > 0 || answers["n"] != 1.125 {
			t.Errorf("%s: default read back as %v (errors %v)", lang, answers["n"], errs)
		}
	}
	_, errs := schema.Validate(fm, url.Values{"n": {"0,25"}}, i18n.DE)
	if want := i18n.In(i18n.DE, "events.field.between", "0,5", "2000,25"); errs["n"] != want {
		t.Errorf("German range message = %q, want %q", errs["n"], want)
	}
}

// A "-0" is stored as 0, not as a negative zero the pages would show as
// "-0".
func TestMinusZeroIsZero(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {"n": {"type": "number"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"-0", "-0,0", "−0"} {
		answers, errs := schema.Validate(fm, url.Values{"n": {in}}, i18n.DE)
		if x, ok := answers["n"].(float64); !ok || len(errs) > 0 || x != 0 || math.Signbit(x) {
			t.Errorf("%q: answer %#v (errors %v), want 0", in, answers["n"], errs)
		}
	}
}
