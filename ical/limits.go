package ical

import "time"

// Limits bounds the work done on one input. The zero value of a field means
// its default (see DefaultLimits).
type Limits struct {
	// MaxBytes bounds the whole body. Default 1 MiB, the size of
	// model.MaxEventData.
	MaxBytes int
	// MaxLineLen bounds one unfolded content line. Default 256 KiB: enough
	// for a long DESCRIPTION or a small inline ATTACH, far below MaxBytes.
	MaxLineLen int
	// MaxDepth bounds BEGIN nesting (VCALENDAR > VEVENT > VALARM is 3).
	// Default 8.
	MaxDepth int
	// MaxComponents bounds the number of components (every BEGIN) in one
	// body. Default 2000 for an object; file imports pass a larger value.
	MaxComponents int
	// MaxInstances bounds the occurrences one expansion returns.
	// Default 5000.
	MaxInstances int
	// MaxSteps bounds the occurrences a rule may generate in one expansion,
	// counting those skipped because they fall before the range asked for, so
	// that FREQ=SECONDLY rules cost a bounded time. Default 200 000.
	MaxSteps int
	// MaxWork bounds the candidate times rrule-go may examine in one
	// expansion, counting those that match nothing (see ruleCost), so that
	// a sparse rule like FREQ=SECONDLY;BYHOUR=5;BYMINUTE=3;BYSECOND=1 costs
	// a bounded time too. A rule that may need more than MaxWork to find a
	// single occurrence is refused by ParseObject. Default 2 000 000.
	MaxWork int
	// Horizon is how far after "now" open-ended rules are expanded when an
	// event is stored. Default 730 days.
	Horizon time.Duration
}

// Default values of Limits.
const (
	DefaultMaxBytes      = 1 << 20
	DefaultMaxLineLen    = 256 << 10
	DefaultMaxDepth      = 8
	DefaultMaxComponents = 2000
	DefaultMaxInstances  = 5000
	DefaultMaxSteps      = 200000
	DefaultMaxWork       = 2000000
	DefaultHorizon       = 730 * 24 * time.Hour
)

// DefaultLimits returns the limits for one calendar object resource.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:      DefaultMaxBytes,
		MaxLineLen:    DefaultMaxLineLen,
		MaxDepth:      DefaultMaxDepth,
		MaxComponents: DefaultMaxComponents,
		MaxInstances:  DefaultMaxInstances,
		MaxSteps:      DefaultMaxSteps,
		MaxWork:       DefaultMaxWork,
		Horizon:       DefaultHorizon,
	}
}

// withDefaults fills the zero fields of lim.
func (lim Limits) withDefaults() Limits {
	d := DefaultLimits()
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = d.MaxBytes
	}
	if lim.MaxLineLen <= 0 {
		lim.MaxLineLen = d.MaxLineLen
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = d.MaxDepth
	}
	if lim.MaxComponents <= 0 {
		lim.MaxComponents = d.MaxComponents
	}
	if lim.MaxInstances <= 0 {
		lim.MaxInstances = d.MaxInstances
	}
	if lim.MaxSteps <= 0 {
		lim.MaxSteps = d.MaxSteps
	}
	if lim.MaxWork <= 0 {
		lim.MaxWork = d.MaxWork
	}
	if lim.Horizon <= 0 {
		lim.Horizon = d.Horizon
	}
	return lim
}
