package formbuilder

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ErrNoField is returned for a path that names no field.
var ErrNoField = errors.New("formbuilder: no such field")

// Paths name a field by its name, a group's field as group.name.

// siblings returns the list holding the field at path and its index.
func (fm *Form) siblings(path string) (*[]*Field, int, error) {
	list := &fm.Fields
	parts := strings.Split(path, ".")
	if len(parts) > 2 {
		return nil, 0, ErrNoField
	}
	if len(parts) == 2 {
		g := fm.Find(parts[0])
		if g == nil || g.Kind != KindGroup {
			return nil, 0, ErrNoField
		}
		list = &g.Children
	}
	i := slices.IndexFunc(*list, func(f *Field) bool { return f.Name == parts[len(parts)-1] })
	if i < 0 {
		return nil, 0, ErrNoField
	}
	return list, i, nil
}

// Find returns the field at path, nil when there is none.
func (fm *Form) Find(path string) *Field {
	parts := strings.Split(path, ".")
	list := fm.Fields
	var found *Field
	for _, p := range parts {
		found = nil
		for _, f := range list {
			if f.Name == p {
				found = f
			}
		}
		if found == nil {
			return nil
		}
		list = found.Children
	}
	return found
}

// newName is the name of a field just added, until its label names it.
var newName = regexp.MustCompile(`^field_[0-9]+$`)

// IsNew reports whether the field still has the name it was added with:
// saving its label then names it.
func (f *Field) IsNew() bool { return newName.MatchString(f.Name) }

// Add inserts a new field of kind after the field at after ("" adds at
// the end of the form; into a group's path with inGroup adds at the end of
// the group) and returns its path.
func (fm *Form) Add(kind, after string, inGroup bool) (string, error) {
	if !slices.Contains(Kinds, kind) {
		return "", fmt.Errorf("formbuilder: unknown kind %q", kind)
	}
	list, at, prefix := &fm.Fields, len(fm.Fields), ""
	switch {
	case inGroup:
		g := fm.Find(after)
		if g == nil || g.Kind != KindGroup {
			return "", ErrNoField
		}
		if kind == KindGroup {
			return "", fmt.Errorf("formbuilder: a group inside a group")
		}
		list, at, prefix = &g.Children, len(g.Children), g.Name+"."
	case after != "":
		var err error
		if list, at, err = fm.siblings(after); err != nil {
			return "", err
		}
		at++
		if i := strings.IndexByte(after, '.'); i >= 0 {
			if kind == KindGroup {
				return "", fmt.Errorf("formbuilder: a group inside a group")
			}
			prefix = after[:i+1]
		}
	}
	f := &Field{Name: freeName(*list, "field_1"), Kind: kind}
	if kind == KindChoice {
		f.Options = []string{"A", "B"}
	}
	*list = slices.Insert(*list, at, f)
	return prefix + f.Name, nil
}

// freeName is name, or name with a number, not taken in list.
func freeName(list []*Field, name string) string {
	taken := func(n string) bool {
		return slices.ContainsFunc(list, func(f *Field) bool { return f.Name == n })
	}
	base := strings.TrimRightFunc(name, func(r rune) bool { return r >= '0' && r <= '9' || r == '_' })
	if base == "" {
		base = "field"
	}
	if !taken(name) {
		return name
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", base, i)
		if !taken(n) {
			return n
		}
	}
}

// Delete removes the field at path.
func (fm *Form) Delete(path string) error {
	list, i, err := fm.siblings(path)
	if err != nil {
		return err
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

// Duplicate inserts a copy of the field at path after it, under a free
// name, and returns the copy's path.
func (fm *Form) Duplicate(path string) (string, error) {
	list, i, err := fm.siblings(path)
	if err != nil {
		return "", err
	}
	c := (*list)[i].clone()
	c.Name = freeName(*list, c.Name+"_2")
	*list = slices.Insert(*list, i+1, c)
	return strings.TrimSuffix(path, (*list)[i].Name) + c.Name, nil
}

func (f *Field) clone() *Field {
	c := *f
	c.members = slices.Clone(f.members)
	c.Options = slices.Clone(f.Options)
	c.Children = make([]*Field, len(f.Children))
	for i, ch := range f.Children {
		c.Children[i] = ch.clone()
	}
	if f.Children == nil {
		c.Children = nil
	}
	return &c
}

// Move moves the field at path to position to among its siblings
// (clamped to the list).
func (fm *Form) Move(path string, to int) error {
	list, i, err := fm.siblings(path)
	if err != nil {
		return err
	}
	f := (*list)[i]
	*list = slices.Delete(*list, i, i+1)
	to = min(max(to, 0), len(*list))
	*list = slices.Insert(*list, to, f)
	return nil
}

// Index is the position of the field at path among its siblings.
func (fm *Form) Index(path string) (int, error) {
	_, i, err := fm.siblings(path)
	return i, err
}

// Rename gives the field at path a new name, which must be free among its
// siblings; it returns the new path.
func (fm *Form) Rename(path, name string) (string, error) {
	list, i, err := fm.siblings(path)
	if err != nil {
		return "", err
	}
	if (*list)[i].Name == name {
		return path, nil
	}
	if slices.ContainsFunc(*list, func(f *Field) bool { return f.Name == name }) {
		return "", ErrNameTaken
	}
	(*list)[i].Name = name
	return strings.TrimSuffix(path, strings.Split(path, ".")[len(strings.Split(path, "."))-1]) + name, nil
}

// ErrNameTaken is returned when a sibling already has the name.
var ErrNameTaken = errors.New("formbuilder: name taken")

// NameFor makes a field name from a label: lower case letters, digits and
// _, umlauts spelt out, at most 40 characters; "field" when nothing is
// left. A formula ($…$) is left out: its source makes no name
// ("n_in_mathbb_n").
func NameFor(label string) string {
	var b strings.Builder
	repl := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")
	underscore := false
	for _, r := range strings.ToLower(repl.Replace(plainText(formula.ReplaceAllString(label, " ")))) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			underscore = false
		case !underscore && b.Len() > 0:
			b.WriteByte('_')
			underscore = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	name := strings.Trim(b.String(), "_")
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		name = "field_" + name
	}
	return strings.TrimRight(name, "_")
}

var (
	tag     = regexp.MustCompile(`<[^>]*>|&[a-z]+;|\$`)
	formula = regexp.MustCompile(`\$[^$]*\$`)
)

func plainText(label string) string { return tag.ReplaceAllString(label, " ") }
