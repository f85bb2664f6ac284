package mobilizon

// Validate applies Mobilizon's ingest rules to an activity or an object.
func Validate(activityOrObject map[string]any) []string {
	return nil // TODO(mobilizon owner): full rules follow in the next commit
}
