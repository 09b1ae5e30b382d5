package admin

import (
	"maps"
	"net/url"
	"strconv"

	adminui "github.com/pepalumni/memberdb/components/admin"
)

// expected is what a save must still find in the row it changes, else it
// is refused as a conflict (errVersion).
//
// A detail form shows every field at once: any change of the row since
// it was shown is a conflict. An inline editor shows one field: only a
// change of that field is, so two people editing different cells of one
// row both keep their edit. That holds because the save compares with the
// locked row and every rule that reads other fields (a joining date set
// with the membership, whose address an account depends on) runs on the
// row as it is then, not as the editor saw it.
type expected struct {
	// version of the row as the form showed it; used without loaded.
	version int
	// loaded are the digests (adminui.Digest) of the fields' values as
	// the editor showed them.
	loaded map[string]string
	// still are fields an undo puts back besides its value, with what its
	// save left in them: one changed since keeps the newer value.
	still map[string]string
}

// expectedOf reads what an inline save of f expects: the value its editor
// loaded (its digest), or the row's version from an editor rendered before editors
// carried their value (a page open across an update); the undo's other
// fields with what their save left in them.
func expectedOf(f *field, form url.Values, with undoWith) expected {
	version, _ := strconv.Atoi(form.Get("version"))
	exp := expected{version: version, still: with.was}
	if loaded, ok := form[adminui.LoadedName]; ok && len(loaded) == 1 {
		exp.loaded = map[string]string{f.name: loaded[0]}
	}
	return exp
}

// holds tells whether the locked row st is still the one exp was made for.
func (exp expected) holds(t *table, st rowState) bool {
	if exp.loaded == nil {
		return !t.versioned || st.version == exp.version
	}
	for name, v := range exp.loaded {
		if adminui.Digest(st.text(name)) != v {
			return false
		}
	}
	return true
}

// unchanged is values without the undo's other fields that no longer hold
// what its save left: those keep what someone else set since.
func (exp expected) unchanged(st rowState, values map[string]any) map[string]any {
	if exp.loaded == nil || len(exp.still) == 0 {
		return values
	}
	kept := maps.Clone(values)
	for name, was := range exp.still {
		if st.text(name) != was {
			delete(kept, name)
		}
	}
	return kept
}
