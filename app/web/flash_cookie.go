package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/components/layout"
)

// FlashCookie carries the flash messages of a visitor without a session
// to the next page, signed so that nobody else can put words there. A
// message alone is not worth a session: its row costs a commit that waits
// for the disk, once per confirmation link clicked.
const FlashCookie = "memberdb_flash"

// maxFlashCookie bounds what a flash cookie may hold; a longer one is
// ignored (a browser would not keep it anyway).
const maxFlashCookie = 3000

// FlashTo is Flash for a handler that answers itself (a redirect): a
// visitor with a session gets the message in it, one without in a signed
// cookie, so the message alone makes no session. Without a key (the
// site's FlashKey unset or failing) it falls back to Flash.
func (s *Site) FlashTo(w http.ResponseWriter, r *http.Request, kind, text string) {
	if s.FlashKey == nil || s.Sessions.Token(r.Context()) != "" {
		s.Flash(r, kind, text)
		return
	}
	key, err := s.FlashKey(r.Context())
	if err != nil {
		s.Logger.ErrorContext(r.Context(), "flash cookie: no key; the message goes into a session", "err", err)
		s.Flash(r, kind, text)
		return
	}
	var flashes []layout.Flash
	if pending := cookieFlashes(r.Context()); pending != nil {
		// Not yet shown: they travel on with the new one.
		flashes = append(flashes, *pending...)
		*pending = nil
	}
	flashes = append(flashes, layout.Flash{Kind: kind, Text: text})
	b, _ := json.Marshal(flashes)
	value := signFlash(key, b)
	if len(value) > maxFlashCookie {
		s.Flash(r, kind, text)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: FlashCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.Sessions.Cookie.Secure, MaxAge: int(AnonymousSessionLifetime / time.Second),
	})
}

func signFlash(key, msg []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("flash\x00"))
	mac.Write(msg)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(msg) + "." + enc.EncodeToString(mac.Sum(nil))
}

// openFlash returns the messages of a cookie value signed with key, or
// nil for anything else.
func openFlash(key []byte, value string) []layout.Flash {
	if len(value) > maxFlashCookie {
		return nil
	}
	body, sig, ok := strings.Cut(value, ".")
	enc := base64.RawURLEncoding
	msg, err1 := enc.DecodeString(body)
	got, err2 := enc.DecodeString(sig)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("flash\x00"))
	mac.Write(msg)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil
	}
	var flashes []layout.Flash
	if json.Unmarshal(msg, &flashes) != nil {
		return nil
	}
	return flashes
}

type cookieFlashesKey struct{}

// cookieFlashes are the messages the request's flash cookie brought; the
// pointer lets the first page rendered take them.
func cookieFlashes(ctx context.Context) *[]layout.Flash {
	f, _ := ctx.Value(cookieFlashesKey{}).(*[]layout.Flash)
	return f
}

// withCookieFlashes reads a flash cookie and clears it in the answer: its
// messages are shown on this page or not at all, as a session's are.
func (s *Site) withCookieFlashes(w http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(FlashCookie)
	if err != nil || s.FlashKey == nil {
		return r
	}
	http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.Sessions.Cookie.Secure})
	key, err := s.FlashKey(r.Context())
	if err != nil {
		return r
	}
	flashes := openFlash(key, c.Value)
	if len(flashes) == 0 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), cookieFlashesKey{}, &flashes))
}
