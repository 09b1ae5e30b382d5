package sepa

import (
	"errors"
	"testing"
)

func TestParseIBAN(t *testing.T) {
	tests := []struct {
		in      string
		want    IBAN
		wantErr error
	}{
		{in: "DE89 3704 0044 0532 0130 00", want: "DE89370400440532013000"},
		{in: "de89370400440532013000", want: "DE89370400440532013000"},
		{in: "AT61 1904 3002 3457 3201", want: "AT611904300234573201"},
		{in: "FR14 2004 1010 0505 0001 3M02 606", want: "FR1420041010050500013M02606"},
		{in: "CH93 0076 2011 6238 5295 7", want: "CH9300762011623852957"},
		{in: "GB29 NWBK 6016 1331 9268 19", want: "GB29NWBK60161331926819"},
		{in: "NL91 ABNA 0417 1643 00", want: "NL91ABNA0417164300"},
		{in: "NO93 8601 1117 947", want: "NO9386011117947"},
		{in: "MT84 MALT 0110 0001 2345 MTLC AST0 01S", want: "MT84MALT011000012345MTLCAST001S"},
		{in: "DE89 3704 0044 0532 0130 01", wantErr: ErrIBANChecksum},
		{in: "DE88 3704 0044 0532 0130 00", wantErr: ErrIBANChecksum},
		{in: "DE89 3704 0044 0532 0130 0", wantErr: ErrIBANLength},
		{in: "AT61 1904 3002 3457 3201 1", wantErr: ErrIBANLength},
		{in: "XX89 3704 0044 0532 0130 00", wantErr: ErrIBANCountry},
		{in: "DE89-3704-0044-0532-0130-00", wantErr: ErrIBANChars},
		{in: "DE89 3704 0044 0532 0130 0Ä", wantErr: ErrIBANChars},
		{in: "", wantErr: ErrIBANLength},
		{in: "DE", wantErr: ErrIBANLength},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIBAN(tt.in)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("ParseIBAN(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMasked(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DE89370400440532013000", "DE89 •••• •••• •••• ••30 00"},
		{"NO9386011117947", "NO93 •••• •••7 947"},
		{"BE68539007547034", "BE68 •••• •••• 7034"},
	}
	for _, tt := range tests {
		if got := IBAN(tt.in).Masked(); got != tt.want {
			t.Errorf("Masked(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseCreditorID(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"DE98ZZZ09999999999", "DE98ZZZ09999999999", true},
		{"de98 zzz 0999 9999 999", "DE98ZZZ09999999999", true},
		{"DE98ABC09999999999", "DE98ABC09999999999", true}, // the business code is not checked
		{"AT61ZZZ01234567890", "AT61ZZZ01234567890", true},
		{"NL69ZZZ123456780000", "NL69ZZZ123456780000", true},
		{"IT42ZZZ0123456789012", "IT42ZZZ0123456789012", true},
		{"NL97ZZZ123456780000", "", false},
		{"DE97ZZZ09999999999", "", false},
		{"DE98ZZZ09999999998", "", false},
		{"DE98ZZZ0999999999", "", false}, // German ones have 18 characters
		{"US98ZZZ09999999999", "", false},
		{"DE98ZZZ0999999999!", "", false},
		{"DE9", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCreditorID(tt.in)
			if (err == nil) != tt.wantOK || got != tt.want {
				t.Errorf("ParseCreditorID(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseBIC(t *testing.T) {
	for in, ok := range map[string]bool{
		"COBADEFFXXX": true, "cobadeff": true, "UBSWCHZH80A": true,
		"COBADEF": false, "C0BADEFF": false, "COBADEFFXX": false, "COBA-EFF": false,
	} {
		if _, err := ParseBIC(in); (err == nil) != ok {
			t.Errorf("ParseBIC(%q): %v, want ok %v", in, err, ok)
		}
	}
}

func TestCountries(t *testing.T) {
	for c, want := range map[string][2]bool{"DE": {true, true}, "NO": {true, true}, "CH": {false, true}, "GB": {false, true}, "US": {false, false}} {
		if InEEA(c) != want[0] || InSEPA(c) != want[1] {
			t.Errorf("%s: EEA %v SEPA %v, want %v", c, InEEA(c), InSEPA(c), want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for in, want := range map[IBAN]string{
		"DE89370400440532013000": "DE89 3704 0044 0532 0130 00",
		"NO9386011117947":        "NO93 8601 1117 947",
	} {
		if got := in.Grouped(); got != want {
			t.Errorf("Grouped(%s) = %q, want %q", in, got, want)
		}
	}
}
