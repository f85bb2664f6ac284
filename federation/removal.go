package federation

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// finishRemovals moves on the associations being removed
// (db.RemoveAssociation). Their events were logged as changed when the
// removal was asked; once the publisher's cursor has passed those changes
// (so the Deletes of their events are queued, signed by the Group) and
// they are delivered (or given up), the Group's own Delete is queued to
// its followers and to the relay's; once
// nothing the Group signs waits for delivery, the association is purged
// with its key. Every step is a row in the database, so a restart in the
// middle carries on where it stopped, and nothing is sent twice.
//
// Archiving is not a removal: the events are withdrawn the same way (they
// are no longer public), but the Group, its key and its followers stay,
// so that un-archiving publishes the events again (under new ids, see
// RepublishUUID).
func (f *Federation) finishRemovals(ctx context.Context) error {
	rms, err := f.store.ListRemovals(ctx)
	if err != nil || len(rms) == 0 {
		return err
	}
	cursor := int64(0)
	if v, err := f.store.GetMeta(ctx, metaPublisherSeq); err == nil {
		cursor, _ = strconv.ParseInt(v, 10, 64)
	} else if !errors.Is(err, db.ErrNotFound) {
		return err
	}
	for _, rm := range rms {
		a := rm.Association
		switch {
		case cursor < rm.Seq:
			continue // the Deletes of its events are not queued yet
		case !rm.Farewell && rm.Pending > 0:
			continue // the Group's Delete leaves after its events' (Mobilizon checks them with its key)
		case !rm.Farewell:
			group, relay, err := f.recipients(ctx, a.ID)
			if err != nil {
				return err
			}
			actor := f.uris.ActorID(a.Slug)
			now := f.cfg.Now()
			act := activity("Delete", f.uris.ActivityID(actor, "delete", f.token()), actor,
				[]any{mobilizon.Public}, []any{f.uris.FollowersID(a.Slug)}, actor, now)
			if err := f.store.Tx(ctx, func(tx *sql.Tx) error {
				if err := f.queue(ctx, tx, act, a.ID, union(group, relay)); err != nil {
					return err
				}
				return db.MarkFarewellTx(ctx, tx, a.ID)
			}); err != nil {
				return err
			}
			f.log.InfoContext(ctx, "federation: removed association's Group deleted on the fediverse", "association", a.Slug)
			wake(f.wakeDeliver)
		case rm.Pending == 0:
			if err := f.store.PurgeAssociation(ctx, a.ID); err != nil {
				return err
			}
			f.keys.forget(a.ID)
			f.log.InfoContext(ctx, "federation: association removed", "association", a.Slug)
		}
	}
	return nil
}
