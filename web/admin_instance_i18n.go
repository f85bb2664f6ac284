package web

// adminInstanceMessages are the messages of the instance admin's pages
// (moderation, dashboard, fediverse, settings), kept apart from the rest
// of the back office's catalogue. Same typography as adminMessages.
var adminInstanceMessages = map[string]message{
	"admin.nav.moderation":                  {"Modération", "Moderation"},
	"admin.moderation.title":                {"Événements à modérer", "Events to moderate"},
	"admin.moderation.help":                 {"Ces événements viennent de sources que l'instance suit sans leur faire confiance, ou de propositions anonymes. Approuvé, un événement paraît aussitôt dans l'agenda, les flux et les applications d'agenda\u00a0; refusé, il reste caché, même si sa source l'envoie de nouveau.", "These events come from sources the instance follows without trusting them, or from anonymous proposals. Once approved, an event appears at once on the agenda, in the feeds and in calendar apps; once rejected, it stays hidden, even if its source sends it again."},
	"admin.moderation.count.one":            {"%d\u00a0événement attend une décision.", "%d event waits for a decision."},
	"admin.moderation.count.other":          {"%d\u00a0événements attendent une décision.", "%d events wait for a decision."},
	"admin.moderation.shown":                {"Les %d plus proches sont affichés.", "The %d soonest are shown."},
	"admin.moderation.empty":                {"Aucun événement n'attend de décision.", "No event waits for a decision."},
	"admin.moderation.from":                 {"Source\u00a0:", "Source:"},
	"admin.moderation.original":             {"page d'origine", "original page"},
	"admin.moderation.approve":              {"Approuver", "Approve"},
	"admin.moderation.reject":               {"Refuser", "Reject"},
	"admin.moderation.trust":                {"Toujours approuver cette source", "Always approve this source"},
	"admin.moderation.unknown":              {"Cet événement n'existe plus\u00a0: sa source l'a peut-être supprimé.", "This event no longer exists: its source may have deleted it."},
	"admin.moderation.decided":              {"Une décision a déjà été prise pour cet événement.", "A decision was already made on this event."},
	"admin.moderation.source_unknown":       {"Cette source n'est plus suivie.", "This source is no longer followed."},
	"admin.nav.instance":                    {"Tableau de bord", "Dashboard"},
	"admin.instance.title":                  {"Tableau de bord de l'instance", "Instance dashboard"},
	"admin.instance.associations.one":       {"%d\u00a0association", "%d association"},
	"admin.instance.associations.other":     {"%d\u00a0associations", "%d associations"},
	"admin.instance.users.one":              {"%d\u00a0compte", "%d account"},
	"admin.instance.users.other":            {"%d\u00a0comptes", "%d accounts"},
	"admin.instance.events.one":             {"%d\u00a0événement", "%d event"},
	"admin.instance.events.other":           {"%d\u00a0événements", "%d events"},
	"admin.instance.pending.one":            {"%d\u00a0événement à modérer", "%d event to moderate"},
	"admin.instance.pending.other":          {"%d\u00a0événements à modérer", "%d events to moderate"},
	"admin.instance.follows.one":            {"%d\u00a0source suivie", "%d followed source"},
	"admin.instance.follows.other":          {"%d\u00a0sources suivies", "%d followed sources"},
	"admin.instance.publisher":              {"Publication vers le fédivers", "Publishing to the fediverse"},
	"admin.instance.published":              {"Toutes les modifications sont publiées.", "Every change is published."},
	"admin.instance.unpublished.one":        {"%d\u00a0modification attend d'être publiée.", "%d change waits to be published."},
	"admin.instance.unpublished.other":      {"%d\u00a0modifications attendent d'être publiées.", "%d changes wait to be published."},
	"admin.instance.oldest":                 {"(la plus ancienne\u00a0: %s)", "(the oldest: %s)"},
	"admin.instance.publish_failures.one":   {"%d\u00a0événement n'a pas pu être publié et sera réessayé.", "%d event could not be published and will be retried."},
	"admin.instance.publish_failures.other": {"%d\u00a0événements n'ont pas pu être publiés et seront réessayés.", "%d events could not be published and will be retried."},
	"admin.instance.deliveries":             {"Envois en attente par serveur", "Deliveries waiting, per server"},
	"admin.instance.no_deliveries":          {"Aucun envoi n'attend\u00a0: tous les serveurs ont répondu.", "No delivery waits: every server answered."},
	"admin.instance.retry_help":             {"«\u00a0Réessayer maintenant\u00a0» envoie tout de suite ce qui attend pour ce serveur, y compris les envois abandonnés, quand vous savez qu'il répond de nouveau.", "“Retry now” sends at once what waits for this server, abandoned deliveries included, when you know it answers again."},
	"admin.instance.host":                   {"Serveur", "Server"},
	"admin.instance.waiting":                {"En attente", "Waiting"},
	"admin.instance.dead":                   {"Abandonnés", "Abandoned"},
	"admin.instance.retry":                  {"Réessayer maintenant", "Retry now"},
	"admin.instance.host_unknown":           {"Rien n'attend pour ce serveur\u00a0: revenez au tableau de bord, qui liste les serveurs concernés.", "Nothing waits for this server: go back to the dashboard, which lists the servers concerned."},
	"admin.instance.inbox":                  {"Activités reçues", "Activities received"},
	"admin.instance.inbox_queue.one":        {"%d\u00a0activité reçue attend d'être traitée.", "%d received activity waits to be processed."},
	"admin.instance.inbox_queue.other":      {"%d\u00a0activités reçues attendent d'être traitées.", "%d received activities wait to be processed."},
	"admin.instance.sources":                {"Sources suivies", "Followed sources"},
	"admin.instance.no_sources":             {"L'instance ne suit aucune source.", "The instance follows no source."},
	"admin.instance.source":                 {"Source", "Source"},
	"admin.instance.last_pull":              {"Dernière lecture réussie", "Last successful read"},
	"admin.instance.last_error":             {"Dernière erreur", "Last error"},
	"admin.instance.never":                  {"jamais", "never"},
	"admin.instance.trusted":                {"approuvée d'office", "trusted"},
	"admin.instance.follow.pending":         {"demande envoyée", "request sent"},
	"admin.instance.follow.accepted":        {"suivie", "followed"},
	"admin.instance.follow.rejected":        {"refusée", "refused"},
	"admin.users.promote":                   {"Rendre admin", "Make admin"},
	"admin.users.demote":                    {"Retirer l'administration", "Remove admin"},
	"admin.users.not_self_admin":            {"Vous ne pouvez pas retirer votre propre administration\u00a0: demandez-le à une autre personne qui administre l'instance.", "You cannot remove your own admin rights: ask another administrator of the instance."},
	"admin.users.delete":                    {"Supprimer…", "Delete…"},
	"admin.users.delete_title":              {"Supprimer un compte", "Delete an account"},
	"admin.users.delete_ask":                {"Supprimer le compte «\u00a0%s\u00a0»\u00a0?", "Delete the account “%s”?"},
	"admin.users.delete_help":               {"Ses agendas personnels et leurs événements sont supprimés, ainsi que ses rôles dans les associations, ses sessions et ses mots de passe d'application. Les événements des associations restent. Pour seulement bloquer le compte, désactivez-le plutôt.", "Its personal calendars and their events are deleted, with its roles in associations, its sessions and its app passwords. The associations' events stay. To only block the account, disable it instead."},
	"admin.users.delete_confirm":            {"Supprimer «\u00a0%s\u00a0» définitivement", "Delete “%s” for good"},
	"admin.users.delete_cancel":             {"Annuler", "Cancel"},
	"admin.users.not_self_delete":           {"Vous ne pouvez pas supprimer votre propre compte.", "You cannot delete your own account."},
}

func init() {
	for k, m := range adminInstanceMessages {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		messages[k] = m
	}
}
