package schema

import "sync"

// cacheSize bounds the parsed forms kept: far more than the events open
// for registration at once, small enough not to matter in memory.
const cacheSize = 128

// forms keeps parsed forms by their schema text. Compiling a schema costs
// far more than rendering its form, and every registration page, POST and
// confirmation mail needs it. A Form is never changed after Parse, so
// requests share one.
var forms = struct {
	sync.RWMutex
	byRaw map[string]*Form
}{byRaw: make(map[string]*Form)}

// ParseCached is Parse for stored schemas, which were checked when they
// were saved: the same text gives the same *Form, which callers must not
// change. Errors are not kept.
func ParseCached(raw []byte) (*Form, error) {
	forms.RLock()
	fm := forms.byRaw[string(raw)]
	forms.RUnlock()
	if fm != nil {
		return fm, nil
	}
	fm, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	forms.Lock()
	defer forms.Unlock()
	if len(forms.byRaw) >= cacheSize {
		// Forgetting all is simpler than an LRU and costs one parse per
		// open event when a site has more than cacheSize forms in use.
		clear(forms.byRaw)
	}
	forms.byRaw[string(raw)] = fm
	return fm, nil
}
