package events

import "github.com/pepalumni/memberdb/components/i18n"

// NameIn is the event's name as a reader of lang reads it: the English
// name for English readers where the organiser gave one, else the German.
// Name, description and footer fall back each on its own, so an event
// whose name is the same in both languages may still describe itself in
// English.
func (e *Event) NameIn(lang i18n.Lang) string { return i18n.Pick(lang, e.Name, e.NameEN) }

// DescriptionIn is the event's description (HTML, unsanitised) in lang,
// as NameIn.
func (e *Event) DescriptionIn(lang i18n.Lang) string {
	return i18n.Pick(lang, e.Description, e.DescriptionEN)
}

// FooterIn is the event's footer (HTML, unsanitised) in lang, as NameIn.
func (e *Event) FooterIn(lang i18n.Lang) string { return i18n.Pick(lang, e.Footer, e.FooterEN) }

// LocationIn is where the event takes place, in lang, as NameIn: a
// "Hörsaal 1" may be a "Lecture hall 1" for English readers, while a
// place's own name needs no translation and keeps the German.
func (e *Event) LocationIn(lang i18n.Lang) string { return i18n.Pick(lang, e.Location, e.LocationEN) }
