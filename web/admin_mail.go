package web

import "context"

// Mailer sends a plain-text mail to one address (cmd builds it from the
// optional SMTP settings).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}
