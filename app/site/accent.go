package site

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/pepalumni/memberdb/components/layout"
)

// Reasons an accent colour is refused.
var (
	ErrAccentFormat = errors.New("site: accent colour is not #rrggbb")
	ErrAccentLight  = errors.New("site: accent colour too light for white text")
)

// MinAccentContrast is the contrast an accent colour needs against
// accentBackground, the lightest grey links stand on (hovered table rows)
// and so against white too: buttons carry white text on it and links are
// written in it (WCAG AA for normal text, which the pages' accessibility
// check tests).
const (
	MinAccentContrast = 4.5
	accentBackground  = "#e9ecef"
)

var (
	hexColour   = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	shortColour = regexp.MustCompile(`^#[0-9a-f]{3}$`)
)

// CheckAccent returns colour as stored (#rrggbb in lower case), or why it
// cannot be the accent colour.
func CheckAccent(colour string) (string, error) {
	colour = strings.ToLower(strings.TrimSpace(colour))
	// Copied from a style guide, a colour often comes without its # or
	// in three digits.
	if !strings.HasPrefix(colour, "#") {
		colour = "#" + colour
	}
	if shortColour.MatchString(colour) {
		colour = "#" + strings.Repeat(colour[1:2], 2) + strings.Repeat(colour[2:3], 2) + strings.Repeat(colour[3:4], 2)
	}
	if !hexColour.MatchString(colour) {
		return "", ErrAccentFormat
	}
	if Contrast(colour, accentBackground) < MinAccentContrast {
		return "", ErrAccentLight
	}
	return colour, nil
}

// Contrast is the WCAG contrast ratio of two #rrggbb colours.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(colour string) float64 {
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(colour[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

// darker mixes colour with black by share (0–1), for hover and pressed
// states.
func darker(colour string, share float64) string {
	var b strings.Builder
	b.WriteByte('#')
	for i := range 3 {
		v, _ := strconv.ParseUint(colour[1+2*i:3+2*i], 16, 8)
		d := uint64(math.Round(float64(v) * (1 - share)))
		if d < 16 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatUint(d, 16))
	}
	return b.String()
}

// Theme is colour (as CheckAccent returns it) for the page shell; the
// zero Accent for "".
func Theme(colour string) layout.Accent {
	if !hexColour.MatchString(colour) {
		return layout.Accent{}
	}
	dark := darker(colour, 0.2)
	return layout.Accent{Colour: colour, Dark: dark, RGB: rgb(colour), DarkRGB: rgb(dark)}
}

func rgb(colour string) string {
	parts := make([]string, 3)
	for i := range 3 {
		v, _ := strconv.ParseUint(colour[1+2*i:3+2*i], 16, 8)
		parts[i] = strconv.FormatUint(v, 10)
	}
	return strings.Join(parts, ", ")
}
