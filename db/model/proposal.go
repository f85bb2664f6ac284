package model

import "time"

// Proposal is who proposed an event from the public form: private, shown
// to moderators only, never copied to any public output.
type Proposal struct {
	ID      int64
	EventID int64
	// Name and Contact (an email address or a phone number) are what the
	// proposer typed, for the moderators to reach them.
	Name    string
	Contact string
	// AddressKey is the client's address as AddressKey reduces it, for the
	// per-address throttle.
	AddressKey string
	CreatedAt  time.Time
}
