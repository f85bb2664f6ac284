package web

// associationMessages are the messages of an association's own pages
// (section 3 of the back office). They join adminMessages before the
// catalogue is built, so that the same typography test reads them.
var associationMessages = joinMessages(adminMessages, map[string]message{
	"admin.save":                     {"Enregistrer", "Save"},
	"admin.error.no_association":     {"Cette association n'existe pas.", "This association does not exist."},
	"admin.assoc.nav":                {"Pages de %s", "Pages of %s"},
	"admin.assoc.nav.profile":        {"Profil", "Profile"},
	"admin.assoc.manage":             {"Gérer", "Manage"},
	"admin.assoc.title":              {"Profil de l'association", "The association's profile"},
	"admin.assoc.saved":              {"Le profil est enregistré.", "The profile is saved."},
	"admin.assoc.name":               {"Nom", "Name"},
	"admin.assoc.description":        {"Présentation", "Description"},
	"admin.assoc.website":            {"Site web", "Website"},
	"admin.assoc.website.hint":       {"Son adresse complète, qui commence par https://.", "Its full address, starting with https://."},
	"admin.assoc.commune":            {"Commune", "Commune"},
	"admin.assoc.commune.none":       {"— Aucune —", "— None —"},
	"admin.assoc.logo":               {"Logo", "Logo"},
	"admin.assoc.logo.current":       {"Logo actuel", "Current logo"},
	"admin.assoc.logo.hint":          {"Une image PNG, JPEG, GIF ou WebP de %d Mio au plus. Elle est réduite à 512 pixels de côté\u00a0; ses métadonnées (lieu de prise de vue, appareil) sont effacées.", "A PNG, JPEG, GIF or WebP image of at most %d MiB. It is shrunk to 512 pixels a side; its metadata (where it was taken, the camera) are removed."},
	"admin.assoc.logo.remove":        {"Retirer le logo", "Remove the logo"},
	"admin.assoc.followers":          {"Abonnés du fédivers", "Fediverse followers"},
	"admin.assoc.manual":             {"Approuver chaque nouvel abonné à la main", "Approve each new follower by hand"},
	"admin.assoc.manual.hint":        {"Sinon, un compte Mobilizon ou Mastodon qui s'abonne reçoit les événements publics aussitôt.", "Otherwise, a Mobilizon or Mastodon account that follows gets the public events at once."},
	"admin.assoc.nav.members":        {"Membres", "Members"},
	"admin.members.title":            {"Membres de l'association", "The association's members"},
	"admin.members.invite":           {"Inviter quelqu'un", "Invite someone"},
	"admin.members.role_of":          {"Rôle de %s", "Role of %s"},
	"admin.members.change":           {"Changer le rôle", "Change the role"},
	"admin.members.remove":           {"Retirer", "Remove"},
	"admin.members.done.role":        {"Le rôle est changé.", "The role is changed."},
	"admin.members.done.removed":     {"Le membre est retiré de l'association.", "The member is removed from the association."},
	"admin.members.unknown":          {"Cette personne n'est pas membre de l'association.", "This person is not a member of the association."},
	"admin.members.last_owner":       {"C'est la dernière personne responsable de l'association : nommez d'abord un ou une autre responsable.", "This is the association's last owner: make someone else owner first."},
	"admin.members.last_owner.hint":  {"Une association garde toujours au moins une personne responsable.", "An association always keeps at least one owner."},
	"admin.assoc.nav.calendars":      {"Agendas", "Calendars"},
	"admin.calendars.title":          {"Agendas de l'association", "The association's calendars"},
	"admin.calendars.none":           {"L'association n'a pas encore d'agenda.", "The association has no calendar yet."},
	"admin.calendars.done.saved":     {"L'agenda est enregistré.", "The calendar is saved."},
	"admin.calendars.done.removed":   {"L'agenda et ses événements sont supprimés.", "The calendar and its events are deleted."},
	"admin.calendar.new":             {"Nouvel agenda", "New calendar"},
	"admin.calendar.edit":            {"Modifier l'agenda", "Change the calendar"},
	"admin.calendar.change":          {"Modifier", "Change"},
	"admin.calendar.unknown":         {"Cet agenda n'existe pas.", "This calendar does not exist."},
	"admin.calendar.name":            {"Nom de l'agenda", "Calendar name"},
	"admin.calendar.description":     {"Description", "Description"},
	"admin.calendar.color":           {"Couleur", "Colour"},
	"admin.calendar.visibility":      {"Visibilité", "Visibility"},
	"admin.calendar.public":          {"public", "public"},
	"admin.calendar.private":         {"privé", "private"},
	"admin.calendar.public.label":    {"Public : ses événements paraissent dans l'agenda commun et sur le fédivers", "Public: its events show in the common agenda and on the fediverse"},
	"admin.calendar.public.hint":     {"Un agenda privé n'est vu que par les membres de l'association. Rendre privé un agenda public retire ses événements de l'agenda commun et du fédivers.", "A private calendar is seen only by the association's members. Making a public calendar private withdraws its events from the common agenda and the fediverse."},
	"admin.calendar.remove":          {"Supprimer l'agenda", "Delete the calendar"},
	"admin.calendar.remove.confirm":  {"Je veux supprimer « %s » et tous ses événements, aussi des applications d'agenda et du fédivers.", "I want to delete “%s” and all its events, from calendar apps and the fediverse too."},
	"form.calendar.confirm":          {"Cochez la case pour confirmer la suppression.", "Tick the box to confirm the deletion."},
	"form.calendar.taken":            {"L'association a déjà des agendas de noms très proches : choisissez un autre nom.", "The association already has calendars with very close names: choose another name."},
	"form.color.invalid":             {"Choisissez une couleur comme #3366cc.", "Choose a colour such as #3366cc."},
	"admin.assoc.nav.followers":      {"Abonnés", "Followers"},
	"admin.followers.title":          {"Abonnés du fédivers", "Fediverse followers"},
	"admin.followers.none":           {"Personne ne suit encore l'association sur le fédivers.", "Nobody follows the association on the fediverse yet."},
	"admin.followers.manual":         {"Chaque nouvel abonné attend votre accord.", "Each new follower waits for your approval."},
	"admin.followers.auto":           {"Les nouveaux abonnés sont acceptés d'office.", "New followers are accepted at once."},
	"admin.followers.setting":        {"Changer ce réglage", "Change this setting"},
	"admin.followers.actor":          {"Compte", "Account"},
	"admin.followers.state":          {"État", "State"},
	"admin.followers.since":          {"Depuis le", "Since"},
	"admin.followers.state.pending":  {"en attente", "waiting"},
	"admin.followers.state.accepted": {"accepté", "accepted"},
	"admin.followers.state.rejected": {"refusé", "refused"},
	"admin.followers.accept":         {"Accepter", "Accept"},
	"admin.followers.reject":         {"Refuser", "Refuse"},
	"admin.followers.remove":         {"Retirer", "Remove"},
	"admin.followers.done.accepted":  {"L'abonné est accepté : son serveur en est averti et recevra les événements publics.", "The follower is accepted: its server is told and will get the public events."},
	"admin.followers.done.rejected":  {"L'abonné est refusé : son serveur en est averti et ne recevra plus rien.", "The follower is refused: its server is told and will get nothing more."},
	"admin.followers.unknown":        {"Ce compte ne suit pas l'association.", "This account does not follow the association."},
	"form.description.long":          {"La présentation doit compter au plus %d octets.", "The description must have at most %d bytes."},
	"form.website.invalid":           {"Indiquez une adresse web complète, qui commence par https:// ou http://, de %d caractères au plus.", "Type a full web address starting with https:// or http://, of at most %d characters."},
	"form.commune.unknown":           {"Choisissez une commune du Lot-et-Garonne dans la liste.", "Choose a commune of Lot-et-Garonne from the list."},
	"form.image.too_large":           {"Le fichier dépasse %d Mio\u00a0: choisissez une image plus légère.", "The file is larger than %d MiB: choose a lighter image."},
	"form.image.empty":               {"Le fichier est vide.", "The file is empty."},
	"form.image.type":                {"Ce fichier n'est pas une image PNG, JPEG, GIF ou WebP (les images SVG ne sont pas acceptées).", "This file is not a PNG, JPEG, GIF or WebP image (SVG images are not accepted)."},
	"form.image.corrupt":             {"Cette image est illisible ou abîmée\u00a0: enregistrez-la de nouveau avec un logiciel de dessin.", "This image cannot be read or is damaged: save it again with an image editor."},
	"form.image.pixels":              {"Cette image dépasse %d mégapixels\u00a0: réduisez-la avant de l'envoyer.", "This image is larger than %d megapixels: shrink it before sending it."},
	"form.image.trailing":            {"Ce fichier contient autre chose après l'image\u00a0: enregistrez-la de nouveau avec un logiciel de dessin.", "This file carries something else after the image: save it again with an image editor."},
})

// joinMessages adds more to into and returns it; a key defined twice is
// a programmer's error.
func joinMessages(into, more map[string]message) map[string]message {
	for k, m := range more {
		if _, dup := into[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		into[k] = m
	}
	return into
}
