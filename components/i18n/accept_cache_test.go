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
	if n := c.n.Load(); n != acceptCacheEntries {
		t.Errorf("the cache holds %d values, want its bound %d", n, acceptCacheEntries)
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
