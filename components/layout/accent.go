package layout

import "regexp"

var (
	hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	rgbList   = regexp.MustCompile(`^[0-9]{1,3}, [0-9]{1,3}, [0-9]{1,3}$`)
)

// accentStyle sets the accent colour's custom properties, which app.css
// applies to buttons, links and the navigation bar. The values are checked
// here once more, as they go into the page unescaped.
func accentStyle(a Accent) string {
	if !hexColour.MatchString(a.Colour) || !hexColour.MatchString(a.Dark) || !rgbList.MatchString(a.RGB) || !rgbList.MatchString(a.DarkRGB) {
		return ""
	}
	return "<style>:root{--accent:" + a.Colour + ";--accent-dark:" + a.Dark + ";--accent-rgb:" + a.RGB + ";--accent-dark-rgb:" + a.DarkRGB + "}</style>"
}
