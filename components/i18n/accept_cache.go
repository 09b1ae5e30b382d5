package i18n

import (
	"sync"
	"sync/atomic"
)

// acceptCache remembers the language picked for each Accept-Language value
// it has seen. Parsing and matching a header took about 4 % of memberdb's
// CPU for a page rendered per request, while browsers send few distinct
// values. It is bounded in entries and in the length of a value it keeps,
// so headers made up by a client cannot grow it; concurrent misses may
// pass the bound by a few entries before the next one clears it.
type acceptCache struct {
	m sync.Map // header → Lang
	n atomic.Int32
}

const (
	acceptCacheEntries = 1024
	acceptCacheValue   = 256
)

var accepted acceptCache

func (c *acceptCache) lang(header string) Lang {
	if l, ok := c.m.Load(header); ok {
		return l.(Lang)
	}
	l := matchAcceptLanguage(header)
	if len(header) > acceptCacheValue {
		return l
	}
	// Full, it starts again rather than keeping for good the first values
	// it saw (which made-up headers could have been).
	if c.n.Load() >= acceptCacheEntries {
		c.m.Clear()
		c.n.Store(0)
	}
	if _, loaded := c.m.LoadOrStore(header, l); !loaded {
		c.n.Add(1)
	}
	return l
}
