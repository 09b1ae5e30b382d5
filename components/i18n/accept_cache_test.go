package i18n

import (
	"fmt"
	"strings"
	"testing"
)

func TestAcceptLanguageCacheIsBounded(t *testing.T) {
	var c acceptCache
	for i := range 3 * acceptCacheEntries {
		h := fmt.Sprintf("x-%d,en;q=0.5", i)
		if got := c.lang(h); got != EN {
			t.Fatalf("lang(%q) = %s, want en", h, got)
		}
	}
	if n := c.n.Load(); n < 1 || n > acceptCacheEntries {
		t.Errorf("the cache counts %d values, want 1 to its bound %d", n, acceptCacheEntries)
	}
	held := 0
	c.m.Range(func(_, _ any) bool { held++; return true })
	if held != int(c.n.Load()) {
		t.Errorf("the cache holds %d values and counts %d", held, c.n.Load())
	}
	// A full cache starts again, so values seen later are kept too.
	last := fmt.Sprintf("x-%d,en;q=0.5", 3*acceptCacheEntries-1)
	if _, kept := c.m.Load(last); !kept {
		t.Error("the value seen last was not kept")
	}
	long := strings.Repeat("fr-FR,", acceptCacheValue) + "en"
	var d acceptCache
	if got := d.lang(long); got != EN {
		t.Errorf("a long header picks %s, want en", got)
	}
	if _, kept := d.m.Load(long); kept {
		t.Error("a header longer than the bound was kept")
	}
	if got := c.lang("de-DE,de;q=0.9"); got != DE {
		t.Errorf("a full cache still answers: got %s, want de", got)
	}
}
