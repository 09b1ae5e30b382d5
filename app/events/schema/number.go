package schema

import (
	"strings"

	"github.com/pepalumni/memberdb/components/i18n"
)

// groupSpaces may stand between groups of digits in either language:
// "1 000", with a no-break, narrow no-break or thin space as a phone's
// keyboard or a copied number may have it.
var groupSpaces = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ")

// plainNumber reads a number as someone writing in lang means it and
// returns it the way strconv reads numbers, or ok false when it is no
// number or could be read two ways. German groups thousands with "." and
// marks decimals with ",", English the other way round; spaces may group
// in both. A lone grouping mark not followed by exactly three digits
// (German "1.5", English "1,5") groups nothing, so it is read as the
// decimal mark it must be; anything else that mixes the marks up
// ("1.50.0", German "1,000.5") is refused rather than guessed. whole
// refuses a decimal part and an exponent.
func plainNumber(raw string, lang i18n.Lang, whole bool) (plain string, ok bool) {
	decimal, group := ",", "."
	if lang == i18n.EN {
		decimal, group = ".", ","
	}
	s, sign := raw, ""
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		sign, s = strings.TrimPrefix(s[:1], "+"), s[1:]
	case strings.HasPrefix(s, "−"): // the typographic minus
		sign, s = "-", strings.TrimPrefix(s, "−")
	}
	exp := ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		digits := strings.TrimLeft(s[i+1:], "+-")
		if whole || digits == "" || len(s[i+1:])-len(digits) > 1 || !allDigits(digits) {
			return "", false
		}
		s, exp = s[:i], "e"+s[i+1:]
	}
	s = groupSpaces.Replace(s)
	intPart, frac, hasFrac := s, "", false
	if i := strings.Index(s, decimal); i >= 0 {
		intPart, frac, hasFrac = s[:i], s[i+1:], true
	} else if i := strings.Index(s, group); i >= 0 && strings.Count(s, group) == 1 && !strings.Contains(s, " ") &&
		(len(s)-i-1 != 3 || s[:i] == "" || s[:i] == "0") {
		intPart, frac, hasFrac = s[:i], s[i+1:], true
	}
	if hasFrac && (whole || !allDigits(frac) || intPart == "" && frac == "") {
		return "", false
	}
	digits, ok := ungroup(intPart, group)
	if !ok || digits == "" && !hasFrac {
		return "", false
	}
	plain = sign + digits
	if frac != "" {
		plain += "." + frac
	}
	return plain + exp, true
}

// ungroup removes the marks between groups of three digits from the
// whole part of a number: "1.000.000" with group ".", or "1 000 000".
// Digits without marks need no grouping.
func ungroup(s, group string) (string, bool) {
	mark := group
	if strings.Contains(s, " ") {
		if strings.Contains(s, group) {
			return "", false
		}
		mark = " "
	}
	parts := strings.Split(s, mark)
	for i, p := range parts {
		if !allDigits(p) || len(parts) > 1 && (p == "" || i == 0 && len(p) > 3 || i > 0 && len(p) != 3) {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// allDigits reports whether s holds ASCII digits only; "" does.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numberProblem is the message for raw, which plainNumber refused: how
// to write the number when raw is made of what numbers are written with
// (digits, marks, signs, an exponent) and so was meant as one, else
// just that a number is asked for.
func numberProblem(raw, notNumber, marks string) problem {
	digits := false
	for _, r := range groupSpaces.Replace(raw) {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case !strings.ContainsRune(".,+-−eE ", r):
			return problemOf(notNumber)
		}
	}
	if !digits {
		return problemOf(notNumber)
	}
	return problemOf(marks)
}
