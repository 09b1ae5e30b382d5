package web

import (
	"net/http"
	"strconv"
	"time"
)

// TooManyRequests answers 429 with Retry-After in whole seconds, rounded up
// so a client that waits exactly that long is let in.
func (s *Site) TooManyRequests(w http.ResponseWriter, r *http.Request, retryAfter time.Duration) {
	secs := int64((retryAfter + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	s.Error(w, r, http.StatusTooManyRequests, "")
}
