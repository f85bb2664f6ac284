package web

// adminInstanceMessages are the messages of the instance admin's pages
// (moderation, dashboard, fediverse, settings), kept apart from the rest
// of the back office's catalogue. Same typography as adminMessages.
var adminInstanceMessages = map[string]message{
	"admin.nav.moderation":            {"Modération", "Moderation"},
	"admin.moderation.title":          {"Événements à modérer", "Events to moderate"},
	"admin.moderation.help":           {"Ces événements viennent de sources que l'instance suit sans leur faire confiance, ou de propositions anonymes. Approuvé, un événement paraît aussitôt dans l'agenda, les flux et les applications d'agenda\u00a0; refusé, il reste caché, même si sa source l'envoie de nouveau.", "These events come from sources the instance follows without trusting them, or from anonymous proposals. Once approved, an event appears at once on the agenda, in the feeds and in calendar apps; once rejected, it stays hidden, even if its source sends it again."},
	"admin.moderation.count.one":      {"%d\u00a0événement attend une décision.", "%d event waits for a decision."},
	"admin.moderation.count.other":    {"%d\u00a0événements attendent une décision.", "%d events wait for a decision."},
	"admin.moderation.shown":          {"Les %d plus proches sont affichés.", "The %d soonest are shown."},
	"admin.moderation.empty":          {"Aucun événement n'attend de décision.", "No event waits for a decision."},
	"admin.moderation.from":           {"Source\u00a0:", "Source:"},
	"admin.moderation.original":       {"page d'origine", "original page"},
	"admin.moderation.approve":        {"Approuver", "Approve"},
	"admin.moderation.reject":         {"Refuser", "Reject"},
	"admin.moderation.trust":          {"Toujours approuver cette source", "Always approve this source"},
	"admin.moderation.unknown":        {"Cet événement n'existe plus\u00a0: sa source l'a peut-être supprimé.", "This event no longer exists: its source may have deleted it."},
	"admin.moderation.decided":        {"Une décision a déjà été prise pour cet événement.", "A decision was already made on this event."},
	"admin.moderation.source_unknown": {"Cette source n'est plus suivie.", "This source is no longer followed."},
}

func init() {
	for k, m := range adminInstanceMessages {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		messages[k] = m
	}
}
