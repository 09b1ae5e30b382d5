package auth

import "sync"

// Levels are explained to the people who grant them. Each domain says,
// next to the levels it declares, which area of the association's work
// they open (Describe); the admin console shows the levels grouped by
// area, each with a translated description of what it allows.

var areas = struct {
	sync.Mutex
	of map[Level]string
}{of: map[Level]string{}}

// Describe declares that levels belong to area, a short name of the part
// of the work they open ("events", "members"). Call it from the init of
// the package declaring the levels, beside their declaration.
func Describe(area string, levels ...Level) {
	areas.Lock()
	defer areas.Unlock()
	for _, l := range levels {
		areas.of[l] = area
	}
}

// AreaOf returns the area level belongs to; "" when no code describes it
// (a level made by hand, or one the code no longer declares).
func AreaOf(level Level) string {
	areas.Lock()
	defer areas.Unlock()
	return areas.of[level]
}
