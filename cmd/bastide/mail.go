package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"time"
)

// validateSMTP checks the optional mail settings.
func (c *Config) validateSMTP(bad func(string, ...any)) {
	if c.SMTPAddr == "" {
		if c.SMTPFrom != "" || c.SMTPUser != "" {
			bad("--smtp-from (BASTIDE_SMTP_FROM) and BASTIDE_SMTP_USER need --smtp-addr (BASTIDE_SMTP_ADDR), the mail server's host:port")
		}
		return
	}
	if host, port, err := net.SplitHostPort(c.SMTPAddr); err != nil || host == "" {
		bad("--smtp-addr (BASTIDE_SMTP_ADDR) %q is not host:port, e.g. smtp.example.org:587", c.SMTPAddr)
	} else if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		bad("--smtp-addr (BASTIDE_SMTP_ADDR) %q: the port must be a number from 1 to 65535", c.SMTPAddr)
	}
	if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Name != "" {
		bad("--smtp-from (BASTIDE_SMTP_FROM) %q is not a plain e-mail address like agenda@example.org", c.SMTPFrom)
	}
	if (c.SMTPUser == "") != (c.SMTPPassword == "") {
		bad("BASTIDE_SMTP_USER and BASTIDE_SMTP_PASSWORD go together: set both, or neither for a server that needs no sign-in")
	}
}

// smtpMailer sends one plain-text mail per call to the configured server,
// with STARTTLS when the server offers it (and sign-in only then, or on a
// loopback server, as net/smtp's PLAIN requires).
type smtpMailer struct {
	addr, from, user, pass string
	timeout                time.Duration
}

func newSMTPMailer(c *Config) *smtpMailer {
	return &smtpMailer{addr: c.SMTPAddr, from: c.SMTPFrom, user: c.SMTPUser, pass: c.SMTPPassword, timeout: 15 * time.Second}
}

// Send mails body (UTF-8 text) to one address; it gives up when ctx ends
// or after the mailer's timeout.
func (m *smtpMailer) Send(ctx context.Context, to, subject, body string) error {
	if _, err := mail.ParseAddress(to); err != nil {
		return fmt.Errorf("mail: recipient %q: %w", to, err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.addr)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", m.addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	host, _, _ := net.SplitHostPort(m.addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("mail: %s: %w", m.addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if m.user != "" {
		if err := c.Auth(smtp.PlainAuth("", m.user, m.pass, host)); err != nil {
			return fmt.Errorf("mail: sign in: %w", err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if _, err := w.Write(message(m.from, to, subject, body, time.Now())); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return c.Quit()
}

// message is a MIME text mail: headers (the subject encoded for non-ASCII
// letters) and a quoted-printable UTF-8 body. to and from are parsed
// addresses, so no header can be injected through them.
func message(from, to, subject, body string, at time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		from, to, mime.QEncoding.Encode("utf-8", subject), at.Format(time.RFC1123Z))
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(body))
	qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}
