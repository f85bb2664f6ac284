package remote

import (
	"context"
	"errors"
	"time"
)

// Backfill pages an outbox or a Group's events collection (bounded) and
// returns the upcoming Event objects.
func Backfill(ctx context.Context, c *Client, outboxOrGroupURL string, maxPages, maxItems int) ([]map[string]any, error) {
	return nil, errors.New("remote: backfill: not implemented yet")
}

// BackfillGraphQL asks a Mobilizon instance's public GraphQL API for a
// group's upcoming events.
func BackfillGraphQL(ctx context.Context, c *Client, instanceBaseURL, groupPreferredUsername string, after time.Time, max int) ([]map[string]any, error) {
	return nil, errors.New("remote: graphql backfill: not implemented yet")
}

// GetWebFinger resolves "@name@host", "name@host" or "acct:name@host" to
// an ActivityPub actor URL.
func (c *Client) GetWebFinger(ctx context.Context, acct string) (string, error) {
	return "", errors.New("remote: webfinger: not implemented yet")
}
