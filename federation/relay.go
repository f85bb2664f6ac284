package federation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// backlogPage is how many published objects announceBacklog reads and
// queues in one transaction.
const backlogPage = 200

// announceBacklog announces every live upcoming event to a new follower
// of the relay (its delivery inbox), from the relay: Mobilizon lists a
// remote event only once it got an Announce of it, and the publisher
// announces only what is created or updated after the follow. The window
// is the relay outbox's. Announces are idempotent (Mobilizon's Share,
// Bastide's ingest by id), so a follow repeated sends them again harmlessly.
func (f *Federation) announceBacklog(ctx context.Context, inbox string) (int, error) {
	now := f.cfg.Now()
	from := now.Add(-outboxPast)
	slugs := map[int64]string{}
	n := 0
	for offset := 0; ; offset += backlogPage {
		objs, err := f.store.ListLivePublishedAll(ctx, from, backlogPage, offset)
		if err != nil {
			return n, err
		}
		err = f.store.Tx(ctx, func(tx *sql.Tx) error {
			for _, p := range objs {
				obj, err := f.publishedObject(ctx, p)
				if errors.Is(err, db.ErrNotFound) {
					continue // withdrawn since it was listed
				}
				if err != nil {
					return err
				}
				slug, ok := slugs[p.AssociationID]
				if !ok {
					if slug, err = f.keys.slug(ctx, p.AssociationID); err != nil {
						return err
					}
					slugs[p.AssociationID] = slug
				}
				if err := f.queue(ctx, tx, f.announce(mobilizon.IDOf(obj), f.uris.ActorID(slug), obj, now), 0, []string{inbox}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		if len(objs) < backlogPage {
			break
		}
	}
	if n > 0 {
		wake(f.wakeDeliver)
	}
	return n, nil
}
