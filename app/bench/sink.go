package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// Sink is the SMTP server memberdb delivers to during the benchmark. It
// keeps only what the scenarios ask about: how many mails each address got,
// their subjects and the links in them; never whole messages, so a long run
// does not grow memory by the megabyte.
type Sink struct {
	Host string
	Port int

	srv   *smtp.Server
	links *regexp.Regexp

	mu    sync.Mutex
	total int
	last  time.Time
	// wake is closed and replaced whenever a mail arrives (WaitTotal).
	wake  chan struct{}
	boxes map[string]*mailbox
}

type mailbox struct {
	subjects []string
	links    []string
	// wake, when someone waits for this address, is closed at its next mail.
	wake chan struct{}
}

// StartSink listens on a free loopback port. links matches the URLs worth
// keeping (those of the app's base URL).
func StartSink(links *regexp.Regexp) (*Sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{links: links, wake: make(chan struct{}), boxes: make(map[string]*mailbox)}
	tcp := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = tcp.IP.String(), tcp.Port
	s.srv = mailtest.Serve(l, func() smtp.Session { return &sinkSession{sink: s} })
	return s, nil
}

// Close stops the server.
func (s *Sink) Close() { _ = s.srv.Close() }

// Total is the number of mails received so far and when the last arrived.
func (s *Sink) Total() (int, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, s.last
}

// Count is the number of mails addr received.
func (s *Sink) Count(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.boxes[strings.ToLower(addr)]; b != nil {
		return len(b.subjects)
	}
	return 0
}

// Subjects lists the subjects of the mails addr received, in order.
func (s *Sink) Subjects(addr string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.boxes[strings.ToLower(addr)]; b != nil {
		return append([]string(nil), b.subjects...)
	}
	return nil
}

// WaitLink waits until a mail to addr contained a link with the given
// substring and returns the first such link.
func (s *Sink) WaitLink(ctx context.Context, addr, contains string) (string, error) {
	addr = strings.ToLower(addr)
	for {
		s.mu.Lock()
		b := s.boxes[addr]
		if b == nil {
			b = &mailbox{}
			s.boxes[addr] = b
		}
		for _, l := range b.links {
			if strings.Contains(l, contains) {
				s.mu.Unlock()
				return l, nil
			}
		}
		if b.wake == nil {
			b.wake = make(chan struct{})
		}
		wake := b.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return "", fmt.Errorf("no mail with a link to %s for %s: %w", contains, addr, ctx.Err())
		}
	}
}

// WaitTotal waits until n mails arrived in total and returns when the n-th
// (or a later one) arrived.
func (s *Sink) WaitTotal(ctx context.Context, n int) (time.Time, error) {
	for {
		s.mu.Lock()
		total, last, wake := s.total, s.last, s.wake
		s.mu.Unlock()
		if total >= n {
			return last, nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%d of %d mails arrived: %w", total, n, ctx.Err())
		}
	}
}

func (s *Sink) receive(rcpt []string, raw []byte) error {
	msg, err := mailtest.Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unparseable message"}
	}
	links := s.links.FindAllString(msg.Text+"\n"+msg.HTML, -1)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rcpt {
		key := strings.ToLower(r)
		b := s.boxes[key]
		if b == nil {
			b = &mailbox{}
			s.boxes[key] = b
		}
		b.subjects = append(b.subjects, msg.Subject)
		b.links = append(b.links, links...)
		if b.wake != nil {
			close(b.wake)
			b.wake = nil
		}
	}
	s.total++
	s.last = now
	close(s.wake)
	s.wake = make(chan struct{})
	return nil
}

type sinkSession struct {
	sink *Sink
	rcpt []string
}

func (s *sinkSession) AuthPlain(string, string) error       { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Reset()                               { s.rcpt = nil }
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return s.sink.receive(s.rcpt, raw)
}
