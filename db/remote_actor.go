package db

import (
	"context"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// RemoteActor is an ActivityPub actor of another server, as last fetched.
// Its ids and URLs are stored as model.NormalizeIRI spells them.
type RemoteActor struct {
	APID              string
	Type              string
	PreferredUsername string
	Name              string
	Inbox             string
	SharedInbox       string
	Outbox            string
	KeyID             string
	PublicKeyPEM      string
	FetchedAt         time.Time
}

// DeliveryInbox is where activities for the actor go: its shared inbox
// when it has one, its own inbox otherwise.
func (a *RemoteActor) DeliveryInbox() string {
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

const remoteActorCols = `ap_id, type, preferred_username, name, inbox, shared_inbox, outbox, key_id, public_key_pem, fetched_at`

func scanRemoteActor(row interface{ Scan(...any) error }) (*RemoteActor, error) {
	var a RemoteActor
	var at string
	if err := row.Scan(&a.APID, &a.Type, &a.PreferredUsername, &a.Name, &a.Inbox, &a.SharedInbox, &a.Outbox,
		&a.KeyID, &a.PublicKeyPEM, &at); err != nil {
		return nil, mapErr(err)
	}
	a.FetchedAt = parseTime(at)
	return &a, nil
}

// PutRemoteActor stores or refreshes a remote actor.
func (s *Store) PutRemoteActor(ctx context.Context, a *RemoteActor) error {
	if a.FetchedAt.IsZero() {
		a.FetchedAt = now()
	}
	for _, u := range []*string{&a.APID, &a.Inbox, &a.SharedInbox, &a.Outbox, &a.KeyID} {
		*u = model.NormalizeIRI(*u)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO remote_actors (`+remoteActorCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ap_id) DO UPDATE SET type = excluded.type, preferred_username = excluded.preferred_username,
		name = excluded.name, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, outbox = excluded.outbox,
		key_id = excluded.key_id, public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at`,
		a.APID, a.Type, a.PreferredUsername, a.Name, a.Inbox, a.SharedInbox, a.Outbox, a.KeyID, a.PublicKeyPEM,
		fmtTime(a.FetchedAt))
	if err != nil {
		return fmt.Errorf("db: put remote actor %s: %w", a.APID, mapErr(err))
	}
	return nil
}

// GetRemoteActor returns a remote actor by its ActivityPub id.
func (s *Store) GetRemoteActor(ctx context.Context, apID string) (*RemoteActor, error) {
	a, err := scanRemoteActor(s.r.QueryRowContext(ctx, "SELECT "+remoteActorCols+" FROM remote_actors WHERE ap_id = +?", model.NormalizeIRI(apID)))
	if err != nil {
		return nil, fmt.Errorf("db: get remote actor %s: %w", apID, err)
	}
	return a, nil
}

// GetRemoteActorByKeyID returns the remote actor whose public key has this id.
func (s *Store) GetRemoteActorByKeyID(ctx context.Context, keyID string) (*RemoteActor, error) {
	a, err := scanRemoteActor(s.r.QueryRowContext(ctx, "SELECT "+remoteActorCols+" FROM remote_actors WHERE key_id = +? LIMIT 1", model.NormalizeIRI(keyID)))
	if err != nil {
		return nil, fmt.Errorf("db: get remote actor of key %s: %w", keyID, err)
	}
	return a, nil
}

// InitMeta stores a small state value unless the key is already set, and
// returns the value that is stored: of two processes initialising the same
// key (a key pair), both end up with the first one's.
func (s *Store) InitMeta(ctx context.Context, key, value string) (string, error) {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("db: init %s: %w", key, err)
	}
	var v string
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("db: init %s: %w", key, mapErr(err))
	}
	return v, nil
}
