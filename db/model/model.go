// Package model holds Bastide's plain domain types and their rules.
// It imports only the standard library, so that every other package can use
// the types without pulling in SQLite or the network.
package model

import (
	"time"
)

// Role is what a member may do in an association.
type Role string

// The three membership roles, from the most to the least powerful.
const (
	RoleOwner  Role = "owner"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the three known roles.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleEditor || r == RoleViewer
}

// CanWrite reports whether the role may create, change and delete events.
func (r Role) CanWrite() bool { return r == RoleOwner || r == RoleEditor }

// CanAdmin reports whether the role may manage calendars and members.
func (r Role) CanAdmin() bool { return r == RoleOwner }

// User is a person who signs in: a volunteer or the admin.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Email        string
	PasswordHash string
	Admin        bool
	// Disabled accounts cannot sign in anywhere (web, CalDAV, app
	// passwords); their data stays.
	Disabled  bool
	CreatedAt time.Time
}

// AppPassword is a per-device password for calendar apps, stored hashed.
type AppPassword struct {
	ID         int64
	UserID     int64
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// Association is a local association: it owns calendars and is a Group actor
// on the fediverse.
type Association struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Website     string
	Email       string
	// CommuneINSEE is the INSEE code of the association's home commune.
	CommuneINSEE string
	// PrivateKeyPEM and PublicKeyPEM are the Group actor's RSA key pair.
	PrivateKeyPEM string
	PublicKeyPEM  string
	// ManuallyApprovesFollowers makes Follow requests wait for an owner.
	ManuallyApprovesFollowers bool
	CreatedAt                 time.Time
	// ArchivedAt is when the association was archived (zero if it is
	// not): it keeps everything but shows nothing in public, and its
	// calendars take no writes, until it is un-archived.
	ArchivedAt time.Time
	// RemovingAt is when its removal was asked (zero if it was not): it
	// is withdrawn like an archived one while the fediverse is told, then
	// purged.
	RemovingAt time.Time
}

// Withdrawn reports whether the association is archived or being
// removed: nothing of it is public and its calendars are read-only.
func (a *Association) Withdrawn() bool {
	return !a.ArchivedAt.IsZero() || !a.RemovingAt.IsZero()
}

// Membership links a user to an association with a role.
type Membership struct {
	UserID        int64
	AssociationID int64
	Role          Role
}

// Calendar kinds: an association's calendar, a user's personal calendar, or a
// calendar that mirrors a remote source (a Mobilizon group or instance).
const (
	CalendarAssociation = "association"
	CalendarPersonal    = "personal"
	CalendarRemote      = "remote"
)

// Calendar is a collection of events.
type Calendar struct {
	ID int64
	// Kind is CalendarAssociation, CalendarPersonal or CalendarRemote.
	Kind string
	// AssociationID is set for association calendars (and for remote
	// calendars attached to an association, if any), zero otherwise.
	AssociationID int64
	// OwnerUserID is set for personal calendars, zero otherwise.
	OwnerUserID int64
	Slug        string
	Name        string
	Description string
	// Color is a CSS hex colour, "#RRGGBB" or "#RRGGBBAA".
	Color string
	// Order is the Apple calendar-order property.
	Order int
	// Timezone is the calendar-timezone property (a VTIMEZONE text), or empty.
	Timezone string
	// Public calendars feed the common agenda and the fediverse.
	Public bool
	// Withdrawn is set when the calendar's association is archived or
	// being removed (Association.Withdrawn): nothing of it is public, and
	// it takes no writes (ReadOnlyReason).
	Withdrawn bool
	// Components lists the supported components, "VEVENT" and/or "VTODO".
	Components []string
	// Source is the ActivityPub id of the remote source of a remote calendar.
	Source string
	// Trusted remote sources have their events approved automatically.
	Trusted bool
	// Seq is the sequence of the calendar's last change (the CTag).
	Seq       int64
	CreatedAt time.Time
	// SubscriptionURL is the ICS feed the calendar follows, or empty (read
	// from the subscriptions table; see ReadOnlySource).
	SubscriptionURL string
}

// ReadOnlySource returns the URL of the feed that is the source of truth
// of a subscribed calendar, or "" when the calendar may be written. Every
// writer but the subscription refresh (CalDAV, the event form) refuses to
// write into a calendar with a source, naming it.
func (c *Calendar) ReadOnlySource() string { return c.SubscriptionURL }

// Event origins.
const (
	OriginLocal  = "local"
	OriginRemote = "remote"
)

// Moderation states of an event.
const (
	ModerationApproved = "approved"
	ModerationPending  = "pending"
	ModerationRejected = "rejected"
)

// Event statuses (the iCalendar STATUS values for VEVENT).
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// Event is one calendar object (a VEVENT or VTODO with its overrides), as
// stored, with the fields the agenda indexes.
type Event struct {
	ID         int64
	CalendarID int64
	// UUID is the public identifier used in /events/{uuid} URLs.
	UUID string
	// Href is the object's name inside its calendar, for example "abc.ics".
	Href string
	UID  string
	// ETag is the strong entity tag of Data, quoted.
	ETag string
	// Data is the iCalendar text as stored.
	Data string
	// Component is "VEVENT" or "VTODO".
	Component   string
	Summary     string
	Description string
	Location    string
	// Start and End are the first occurrence's bounds in UTC. For all-day
	// and floating events they hold the wall-clock values read as UTC.
	Start     time.Time
	End       time.Time
	AllDay    bool
	Floating  bool
	TZID      string
	Recurring bool
	// RRule is the recurrence rule text, if any, for display.
	RRule      string
	Status     string
	Class      string
	Categories []string
	URL        string
	// Details the public pages show, read from the text at write time
	// (ical's Event; see the README, "Web agenda, feeds and widget"):
	// the price, the accessibility notes, the online link and the
	// poster's address and media type.
	Price     string
	Access    []string
	Online    string
	ImageURL  string
	ImageType string
	// Place fields, resolved from LOCATION, GEO or a remote Place.
	PlaceID      int64
	CommuneINSEE string
	Lat, Lon     float64
	HasGeo       bool
	Origin       string
	// APID is the ActivityPub id of a remote event.
	APID       string
	Moderation string
	Sequence   int
	Created    time.Time
	Updated    time.Time
	// Instances are the occurrences, expanded at write time.
	Instances []Instance
	// InstancesCapped is true when expansion stopped at the instance cap or
	// the horizon while the rule would have gone on.
	InstancesCapped bool
}

// Instance is one occurrence of an event.
type Instance struct {
	EventID int64
	Start   time.Time
	End     time.Time
	// RecurrenceID identifies the occurrence in the series (zero for a
	// non-recurring event).
	RecurrenceID time.Time
	// Override is true when the occurrence comes from a RECURRENCE-ID
	// component (moved or changed).
	Override bool
	// Status of this occurrence; a cancelled override is kept with
	// StatusCancelled so that feeds can show it.
	Status string
	// OtherKind is true for an occurrence whose times are not of its
	// event's kind: a timed override of an all-day or floating series
	// (Start and End are then instants in UTC, not wall clock), or an
	// all-day or floating override of a timed series (then wall clock
	// read as UTC). False for every other occurrence.
	OtherKind bool
	// Summary, Description and Location are an override's own texts;
	// empty means the series' (see Occurrence).
	Summary     string
	Description string
	Location    string
	// Class is an override's own CLASS, upper-case; empty means the
	// series'.
	Class string
	// CommuneINSEE is the commune of the occurrence: the series' one, or
	// for an override held somewhere else, the one its LOCATION names.
	CommuneINSEE string
}

// Place is a physical place where events happen.
type Place struct {
	ID int64
	// AssociationID is the association whose owners keep the place (its
	// event form offers it); 0 for a place met in an import or a remote
	// event.
	AssociationID int64
	Name          string
	Street        string
	PostalCode    string
	Locality      string
	CommuneINSEE  string
	Lat, Lon      float64
	HasGeo        bool
}

// ChangeKind says whether a change wrote or removed an object.
type ChangeKind string

// Change kinds.
const (
	ChangePut    ChangeKind = "put"
	ChangeDelete ChangeKind = "delete"
)

// Change is one row of the change log: every write to an event appends one.
type Change struct {
	Seq        int64
	CalendarID int64
	EventID    int64
	Href       string
	UID        string
	UUID       string
	Kind       ChangeKind
	At         time.Time
}

// AccountLinkKind says what a single-use account link does.
type AccountLinkKind string

// The two kinds of account links.
const (
	// LinkInvite lets someone make their account (and join an
	// association with a role, when one is set).
	LinkInvite AccountLinkKind = "invite"
	// LinkReset lets an existing user choose a new password.
	LinkReset AccountLinkKind = "reset"
)

// AccountLink is a single-use, expiring link made by the admin or an
// association owner. Only a hash of its token is stored.
type AccountLink struct {
	ID            int64
	Kind          AccountLinkKind
	AssociationID int64 // invite: 0 for an account without association
	Role          Role  // invite: the role in AssociationID
	Username      string
	UserID        int64 // reset: whose password
	CreatedBy     int64
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        time.Time
}

// Image is a picture uploaded in the back office, already re-encoded (PNG
// or JPEG) and named by the SHA-256 of its bytes.
type Image struct {
	SHA256    string
	MIME      string
	Width     int
	Height    int
	Bytes     []byte
	CreatedAt time.Time
}
