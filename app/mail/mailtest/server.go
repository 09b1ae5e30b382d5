// Package mailtest is a real SMTP server inside the test process: mails the
// worker delivers arrive here, decoded, for assertions.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/pepalumni/memberdb/app/apptest/wait"
)

// Message is one delivered mail.
type Message struct {
	From   string   // envelope sender
	Rcpt   []string // envelope recipients (To, Cc and Bcc)
	Raw    []byte
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// Text is the decoded text/plain body; HTML the text/html alternative.
	// Both have their SMTP line ends (CRLF) turned into LF.
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a decoded attached file.
type Attachment struct {
	Filename    string
	ContentType string
	Content     []byte
	// Params are the Content-Type's parameters (charset, method, …).
	Params map[string]string
	// Inline is a part shown in the HTML body, ContentID its cid without
	// the angle brackets.
	Inline    bool
	ContentID string
}

// Server is a running SMTP server on a loopback port.
type Server struct {
	Host string
	Port int

	srv      *smtp.Server
	listener net.Listener
	mu       sync.Mutex
	messages []Message
	// reject, when set, answers DATA with this error instead of accepting.
	reject *smtp.SMTPError
	delay  time.Duration
}

// Start runs a server until t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen runs a server on addr (port 0 picks a free one); restarting on a
// known port lets tests stop and bring back "the mail server".
func Listen(addr string) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{listener: l}
	tcp := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = tcp.IP.String(), tcp.Port
	s.srv = Serve(l, func() smtp.Session { return &session{server: s} })
	return s, nil
}

// Serve answers SMTP on l with a session from newSession per connection,
// as a local test server does: no TLS, any login accepted, mails up to
// 32 MB. The benchmark's sink uses it too. Close the server to stop.
func Serve(l net.Listener, newSession func() smtp.Session) *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return newSession(), nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 32 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	go func() { _ = srv.Serve(l) }()
	return srv
}

// Addr is host:port.
func (s *Server) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// Close stops the server.
func (s *Server) Close() { _ = s.srv.Close() }

// Reject makes the server answer every mail with code (4xx temporary, 5xx
// permanent) until Accept is called.
func (s *Server) Reject(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: text}
}

// Delay makes the server take d over every mail, as a slow mail server
// does, so that a test can find mails in sending.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Accept undoes Reject.
func (s *Server) Accept() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = nil
}

// Messages returns the mails received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// To returns the mails whose envelope includes addr.
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, r := range m.Rcpt {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// WaitTo waits until n mails to addr arrived and returns them; it fails t
// after timeout, saying how many had come.
func (s *Server) WaitTo(t testing.TB, addr string, n int, timeout time.Duration) []Message {
	t.Helper()
	wait.For(t, timeout, fmt.Sprintf("%d mails to %s", n, addr), func() (int, bool) {
		got := len(s.To(addr))
		return got, got >= n
	})
	return s.To(addr)
}

// WaitCount waits until at least n mails arrived in total and returns all.
func (s *Server) WaitCount(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	wait.For(t, timeout, fmt.Sprintf("%d mails in all", n), func() (int, bool) {
		got := len(s.Messages())
		return got, got >= n
	})
	return s.Messages()
}

type session struct {
	server *Server
	from   string
	rcpt   []string
}

func (s *session) AuthPlain(username, password string) error { return nil }
func (s *session) Reset()                                    { s.from, s.rcpt = "", nil }
func (s *session) Logout() error                             { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	delay := s.server.delay
	s.server.mu.Unlock()
	time.Sleep(delay) // a slow server, not a wait for a condition
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.reject != nil {
		return s.server.reject
	}
	msg, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable message: " + err.Error()}
	}
	msg.From, msg.Rcpt = s.from, append([]string(nil), s.rcpt...)
	s.server.messages = append(s.server.messages, msg)
	return nil
}

// Parse decodes a raw mail: headers, text and HTML bodies, attachments.
func Parse(raw []byte) (Message, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	msg := Message{Raw: raw, Header: m.Header, Subject: subject}
	err = walk(&msg, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"),
		m.Header.Get("Content-Disposition"), m.Header.Get("Content-ID"), m.Body)
	return msg, err
}

func walk(msg *Message, contentType, encoding, disposition, contentID string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=utf-8"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(msg, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"),
				part.Header.Get("Content-Disposition"), part.Header.Get("Content-ID"), part); err != nil {
				return err
			}
		}
	}
	content, err := decodeBody(encoding, body)
	if err != nil {
		return err
	}
	_, dparams, _ := mime.ParseMediaType(disposition)
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	// Mail clients decode a name sent as RFC 2047 encoded words.
	if decoded, err := new(mime.WordDecoder).DecodeHeader(filename); err == nil {
		filename = decoded
	}
	switch {
	case filename != "" || strings.HasPrefix(disposition, "attachment"):
		msg.Attachments = append(msg.Attachments, Attachment{Filename: filename, ContentType: mt, Content: content,
			Params: params, Inline: strings.HasPrefix(disposition, "inline"), ContentID: strings.Trim(contentID, "<>")})
	case mt == "text/plain" && msg.Text == "":
		msg.Text = unixLines(content)
	case mt == "text/html" && msg.HTML == "":
		msg.HTML = unixLines(content)
	}
	return nil
}

func decodeBody(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, stripNewlines{body}))
	default:
		return io.ReadAll(body)
	}
}

// stripNewlines drops CR and LF so base64 lines decode as one stream.
type stripNewlines struct{ r io.Reader }

func (s stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}

// unixLines turns the CRLF line ends SMTP requires back into the LF the
// text was written with, so tests compare with ordinary Go strings.
func unixLines(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
