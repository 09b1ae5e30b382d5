package mail

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/pepalumni/memberdb/components/i18n"
)

// Mail is one text of the book as the editor knows it: its default words
// and the placeholders those use. A text may use only the placeholders
// its defaults use (the data the code hands it), and must keep the
// required ones.
type Mail struct {
	Key     string // "domain/name"
	Domain  string
	Name    string
	Default map[i18n.Lang]Text
	// Placeholders are the fields the defaults use, sorted: "Name",
	// "Link", "Org.Name".
	Placeholders []string
	// Required are the placeholders an edited text of a language must
	// keep: the links and codes the mail exists to deliver.
	Required map[i18n.Lang][]string
	// Formal: the mail has a formal (Sie) and an informal (du) wording.
	Formal bool
	// elements are the fields of the elements of a list placeholder
	// ({{range .Answers}}{{.Label}}{{end}}).
	elements map[string][]string
}

// OrgPlaceholders are what every text may say of the association.
var OrgPlaceholders = []string{"Org.Name", "Org.Email", "Org.Website"}

// vital are the placeholders a mail is sent for: a text that uses one by
// default must keep it. Besides links and codes, the words someone else
// wrote for the mail: an organiser's subject and message, the board's
// reason.
var vital = regexp.MustCompile(`Link$|Links$|^Ticket$|^Code$|^Reference$|^Subject$|^Body$|^Message$`)

// ErrText is what Check finds wrong with an edited text.
type ErrText struct {
	// Kind is "syntax", "unclosed", "construct", "unknown", "required",
	// "subject", "render", "glued" (a personal link run into other
	// text) or "link_use" (a link used other than printed or tested).
	Kind string
	// Field is "subject" or "body"; Line counts in it from 1 (0: the
	// whole text).
	Field string
	Line  int
	// Placeholder names the unknown or missing placeholder.
	Placeholder string
	// Block is the word of a block left without its {{end}} ("if").
	Block string
	// Detail is the template package's words, for the log.
	Detail string
}

func (e *ErrText) Error() string {
	return fmt.Sprintf("mail: text %s in %s line %d: %s %s", e.Kind, e.Field, e.Line, e.Placeholder, e.Detail)
}

// analyse finds the placeholders the defaults use.
func (m *Mail) analyse() error {
	m.elements = map[string][]string{}
	m.Required = map[i18n.Lang][]string{}
	all := map[string]bool{}
	for _, l := range i18n.Langs {
		tmpl, err := Parse(m.Key, l, m.Default[l])
		if err != nil {
			return err
		}
		used := map[string]bool{}
		walk(tmpl.Tree.Root, "", func(scope string, chain []string, _ parse.Node) {
			name := placeholder(chain)
			switch scope {
			case "":
				used[name] = true
				all[name] = true
			case "?":
			default:
				if !slices.Contains(m.elements[scope], chain[0]) {
					m.elements[scope] = append(m.elements[scope], chain[0])
				}
			}
		})
		for name := range used {
			if vital.MatchString(name) {
				m.Required[l] = append(m.Required[l], name)
			}
		}
		slices.Sort(m.Required[l])
	}
	for name := range all {
		m.Placeholders = append(m.Placeholders, name)
	}
	slices.Sort(m.Placeholders)
	m.Formal = all["Sie"]
	return nil
}

// Known lists the placeholders a text of m may use, each once: m's own,
// then the association's (a default that names the association has some
// of them already).
func (m *Mail) Known() []string {
	out := slices.Clone(m.Placeholders)
	for _, p := range OrgPlaceholders {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Elements are the fields of the elements of list placeholder p, as the
// defaults use them inside {{range .p}}; nil when p is no list.
func (m *Mail) Elements(p string) []string { return m.elements[p] }

// UsesSie reports whether t has a formal and an informal wording.
func UsesSie(t Text) bool {
	return strings.Contains(t.Subject, ".Sie") || strings.Contains(t.Body, ".Sie")
}

// placeholder names a field chain as the editor lists it: the first
// field, or two for the association's ("Org.Name").
func placeholder(chain []string) string {
	if chain[0] == "Org" && len(chain) > 1 {
		return "Org." + chain[1]
	}
	return chain[0]
}

// walk calls visit for every field chain in the tree: scope is "" at the
// top, the list placeholder's name inside its {{range}}, "?" where the
// dot is something else ({{with}}, nested ranges).
func walk(n parse.Node, scope string, visit func(scope string, chain []string, n parse.Node)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, scope, visit)
		}
	case *parse.ActionNode:
		walk(n.Pipe, scope, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			for _, a := range c.Args {
				walk(a, scope, visit)
			}
		}
	case *parse.FieldNode:
		visit(scope, n.Ident, n)
	case *parse.VariableNode:
		if n.Ident[0] == "$" && len(n.Ident) > 1 {
			visit("", n.Ident[1:], n)
		}
	case *parse.ChainNode:
		walk(n.Node, scope, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, scope, scope, visit)
	case *parse.RangeNode:
		inner := "?"
		if scope == "" && len(n.Pipe.Cmds) == 1 && len(n.Pipe.Cmds[0].Args) == 1 {
			if f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode); ok && len(f.Ident) == 1 {
				inner = f.Ident[0]
			}
		}
		walkBranch(&n.BranchNode, scope, inner, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, scope, "?", visit)
	case *parse.TemplateNode:
		walk(n.Pipe, scope, visit)
	}
}

func walkBranch(b *parse.BranchNode, scope, inner string, visit func(string, []string, parse.Node)) {
	walk(b.Pipe, scope, visit)
	walk(b.List, inner, visit)
	walk(b.ElseList, scope, visit)
}

// lineOf finds the line in a template error or location ("name:3:5").
var lineOf = regexp.MustCompile(`^(?:template: )?[^:]*:(\d+)`)

// blockAction is an action that opens a block to be closed by {{end}}, or
// that {{end}} itself.
var blockAction = regexp.MustCompile(`\{\{-?\s*(if|range|with|block|define|end)\b`)

// unclosed finds the line and the word of the innermost block action of
// src left without its {{end}}: text/template reports a missing end at
// the end of the text, far from where the writer forgot it.
func unclosed(src string) (line int, word string, ok bool) {
	type open struct {
		at   int
		word string
	}
	var stack []open
	for _, m := range blockAction.FindAllStringSubmatchIndex(src, -1) {
		w := src[m[2]:m[3]]
		if w != "end" {
			stack = append(stack, open{m[0], w})
		} else if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return 0, "", false
	}
	last := stack[len(stack)-1]
	return strings.Count(src[:last.at], "\n") + 1, last.word, true
}

// where turns a line of the whole text (subject line, blank line, body)
// into a field and a line in it.
func where(line int) (field string, n int) {
	if line <= 1 {
		return "subject", 1
	}
	return "body", max(line-2, 1)
}

func located(kind, detail, location string) *ErrText {
	e := &ErrText{Kind: kind, Field: "body", Detail: detail}
	if mm := lineOf.FindStringSubmatch(location); mm != nil {
		n, _ := strconv.Atoi(mm[1])
		e.Field, e.Line = where(n)
	}
	return e
}

// Check says what is wrong with t as m's text in lang (an *ErrText), or
// nil: the template must parse, use only m's placeholders, keep the
// required ones, and render with sample data in both forms of address.
func (m *Mail) Check(lang i18n.Lang, t Text) error {
	if strings.ContainsAny(t.Subject, "\r\n") {
		return &ErrText{Kind: "subject", Field: "subject", Line: 1}
	}
	// The subject alone first: an action it leaves open would otherwise
	// be blamed on a line of the body.
	if _, err := parseText(m.Key, "Subject: "+t.Subject); err != nil {
		return &ErrText{Kind: "syntax", Field: "subject", Line: 1, Detail: err.Error()}
	}
	tmpl, err := Parse(m.Key, lang, t)
	if err != nil {
		if te := (*ErrText)(nil); errors.As(err, &te) {
			return te
		}
		if line, word, ok := unclosed(t.source()); ok && strings.Contains(err.Error(), "unexpected EOF") {
			e := &ErrText{Kind: "unclosed", Block: word, Detail: err.Error()}
			e.Field, e.Line = where(line)
			return e
		}
		return located("syntax", err.Error(), err.Error())
	}
	if n := refusedConstruct(tmpl, func(p string) bool { return m.elements[p] != nil }); n != nil {
		return constructError(tmpl, n)
	}
	if n := linkMisused(tmpl.Tree); n != nil {
		loc, _ := tmpl.Tree.ErrorContext(n)
		return located("link_use", "", loc)
	}
	var unknown *ErrText
	used := map[string]bool{}
	known := m.Known()
	walk(tmpl.Tree.Root, "", func(scope string, chain []string, n parse.Node) {
		name, ok := placeholder(chain), true
		switch scope {
		case "":
			used[name] = true
			ok = slices.Contains(known, name)
		case "?":
		default:
			name = chain[0]
			ok = slices.Contains(m.elements[scope], name)
		}
		if !ok && unknown == nil {
			loc, _ := tmpl.Tree.ErrorContext(n)
			unknown = located("unknown", "", loc)
			unknown.Placeholder = name
		}
	})
	if unknown != nil {
		return unknown
	}
	for _, name := range m.Required[lang] {
		if !used[name] {
			return &ErrText{Kind: "required", Placeholder: name}
		}
	}
	org := Org{Name: "Org", Email: "org@example.org", Website: "https://example.org"}
	for _, sie := range []bool{false, true} {
		subject, body, err := execute(tmpl, m.Key, m.sample(lang, sie, org), org)
		if err != nil {
			var ee template.ExecError
			if errors.As(err, &ee) {
				return located("render", ee.Err.Error(), ee.Err.Error())
			}
			return &ErrText{Kind: "render", Detail: err.Error()}
		}
		if runsInto(subject, sampleLink) || runsInto(subject, samples["Ticket"][0]) {
			return &ErrText{Kind: "glued", Field: "subject"}
		}
		if runsInto(body, sampleLink) || runsInto(body, samples["Ticket"][0]) {
			return &ErrText{Kind: "glued", Field: "body"}
		}
	}
	return nil
}

// sampleLink is what a personal link says in a preview and in Check.
const sampleLink = "https://example.org/l/Xb3kQ9"

// sample is data for a preview: each placeholder with a likely value.
func (m *Mail) sample(lang i18n.Lang, sie bool, org Org) map[string]any {
	data := map[string]any{"Org": org}
	for _, p := range m.Placeholders {
		switch {
		case strings.HasPrefix(p, "Org."):
		case p == "Sie":
			data[p] = sie
		case p == "Full":
			// The preview shows what a full event's mail adds.
			data[p] = true
		case p == "OfferHours":
			// A number, which texts compare ({{if eq .OfferHours 1}}).
			data[p] = 48
		case m.elements[p] != nil:
			el := map[string]any{}
			for _, f := range m.elements[p] {
				el[f] = sampleValue(lang, f)
			}
			data[p] = []map[string]any{el}
		default:
			data[p] = sampleValue(lang, p)
			if own, ok := mailSamples[m.Key+"."+p]; ok {
				data[p] = inLang(lang, own)
			}
		}
	}
	return data
}

// mailSamples are preview values of placeholders that a mail fills in a
// format of its own: the retention notice's When is the day the answers go.
var mailSamples = map[string][2]string{
	"events/registration_retention.When": {"04.07.2026", "4 Jul 2026"},
}

// samples are the preview's values of the common placeholders, in the
// formats the mails fill in (events' when and deadline, a ticket's code, a
// mandate's masked IBAN, the fees' dates); a link not named here is a short one, and a placeholder
// without a sample (a test keeps there being none) shows its own name.
var samples = map[string][2]string{
	"Name":         {"Erika Mustermann", "Erika Mustermann"},
	"Email":        {"erika@example.org", "erika@example.org"},
	"EventName":    {"Sommerfest", "Summer party"},
	"Event":        {"Sommerfest", "Summer party"},
	"When":         {"04.07.2026, 18:00–21:00", "4 Jul 2026, 18:00–21:00"},
	"Label":        {"Essen", "Food"},
	"Value":        {"vegetarisch", "vegetarian"},
	"Status":       {"confirmed", "confirmed"},
	"StatusText":   {"bestätigt", "confirmed"},
	"Validity":     {"48 Stunden", "48 hours"},
	"Type":         {"Vollmitglied", "full member"},
	"JoiningDate":  {"01.07.2026", "1 July 2026"},
	"Ticket":       {"K7QXB-M2PD4", "K7QXB-M2PD4"},
	"Deadline":     {"06.07.2026, 12:00 Uhr", "6 Jul 2026, 12:00"},
	"Username":     {"erika", "erika"},
	"Message":      {"Vielen Dank für dein Interesse.", "Thank you for your interest."},
	"Subject":      {"Treffpunkt", "Meeting point"},
	"Body":         {"Wir treffen uns am Haupteingang.", "We meet at the main entrance."},
	"SenderName":   {"Max Beispiel", "Max Beispiel"},
	"SenderEmail":  {"max@example.org", "max@example.org"},
	"Position":     {"2", "2"},
	"Year":         {"2026", "2026"},
	"Amount":       {"30.00", "30.00"},
	"AmountDE":     {"30,00", "30,00"},
	"IBAN":         {"DE02 •••• •••• •••• ••20 51", "DE02 •••• •••• •••• ••20 51"},
	"Holder":       {"Erika Mustermann", "Erika Mustermann"},
	"Reference":    {"VEREIN-123-1", "VEREIN-123-1"},
	"CanMandate":   {"ja", "yes"},
	"SignedOn":     {"01.12.2026", "1 Dec 2026"},
	"Due":          {"15.01.2027", "15 Jan 2027"},
	"Reason":       {"AC04", "AC04"},
	"ReasonText":   {"Konto erloschen", "account closed"},
	"Remittance":   {"Mitgliedsbeitrag 2026 VEREIN-123-1", "Mitgliedsbeitrag 2026 VEREIN-123-1"},
	"Creditor":     {"Musterverein e.V.", "Musterverein e.V."},
	"CreditorID":   {"DE98ZZZ09999999999", "DE98ZZZ09999999999"},
	"CreditorIBAN": {"DE02 1203 0000 0000 2020 51", "DE02 1203 0000 0000 2020 51"},
	"CreditorBIC":  {"BYLADEM1001", "BYLADEM1001"},
	"Confirmed":    {"58", "58"},
	"Waiting":      {"3", "3"},
	"Max":          {"60", "60"},
	"Registrants":  {"42", "42"},
	"CSV":          {"https://example.org/events/12/participants.csv", "https://example.org/events/12/participants.csv"},
	"Edit":         {"https://example.org/admin/events/12", "https://example.org/admin/events/12"},
}

func sampleValue(lang i18n.Lang, name string) string {
	if s, ok := samples[name]; ok {
		return inLang(lang, s)
	}
	if vital.MatchString(name) && strings.HasSuffix(name, "Link") {
		return sampleLink
	}
	return "‹" + name + "›"
}

// inLang picks the German or the English of a pair.
func inLang(lang i18n.Lang, pair [2]string) string {
	if lang == i18n.EN {
		return pair[1]
	}
	return pair[0]
}
