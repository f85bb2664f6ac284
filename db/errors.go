package db

import (
	"database/sql"
	"errors"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Sentinel errors. Callers test them with errors.Is and map them to their
// protocol's status at the edge.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("db: not found")
	// ErrConflict: a unique key is already taken (a slug, a username, a UID
	// already used by another object of the calendar).
	ErrConflict = errors.New("db: conflict")
	// ErrPrecondition: an If-Match / If-None-Match condition does not hold.
	ErrPrecondition = errors.New("db: precondition failed")
	// ErrLastOwner: the change would leave an association without an
	// owner (its last owner leaving, or demoted).
	ErrLastOwner = errors.New("db: an association keeps at least one owner")
	// ErrWithdrawn: the association is archived or being removed; nothing
	// of it is public and its calendars take no writes.
	ErrWithdrawn = errors.New("db: the association is archived")
)

// LastOwnerError refuses to delete an account that is the last owner of
// associations (their slugs): name another owner of each first, or
// remove the association. It is an ErrLastOwner.
type LastOwnerError struct {
	Associations []string
}

func (e *LastOwnerError) Error() string {
	return "db: last owner of " + strings.Join(e.Associations, ", ")
}

// Is makes a LastOwnerError an ErrLastOwner.
func (e *LastOwnerError) Is(target error) bool { return target == ErrLastOwner }

// IsFull reports whether err comes from a write refused because the disk
// (or the database's size limit) is full: SQLite answers SQLITE_FULL, rolls
// the transaction back and keeps serving reads, and writes work again once
// there is room, without a restart. Edges answer 507 Insufficient Storage.
func IsFull(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrFull
}

// mapErr turns driver errors into the package sentinels, keeping the
// original text for logs.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		if se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
			return errors.Join(ErrConflict, err)
		}
	}
	return err
}
