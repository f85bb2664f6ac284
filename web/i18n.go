package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Languages: French first, English available.
const (
	langFR      = "fr"
	langEN      = "en"
	langCookie  = "bastide_lang"
	langContext = "lang"
)

func validLang(l string) bool { return l == langFR || l == langEN }

// tr returns the message for key in lang, formatted with args. A key
// missing from the catalogue shows as "[key]" (tests look for it).
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return "[" + key + "]"
	}
	s := m.fr
	if lang == langEN {
		s = m.en
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// trn returns the singular (key.one) or plural (key.other) message for a
// count n, formatted with n: French puts 0 and 1 in the singular ("0
// session ouverte", "+ 1 autre"), English only 1.
func trn(lang, key string, n int) string {
	if n == 1 || (lang == langFR && n == 0) {
		return tr(lang, key+".one", n)
	}
	return tr(lang, key+".other", n)
}

// negotiate picks the language: ?lang=, then the cookie, then
// Accept-Language (by q-value), then French.
func negotiate(c echo.Context) (lang string, fromQuery bool) {
	if l := c.QueryParam("lang"); validLang(l) {
		return l, true
	}
	if ck, err := c.Cookie(langCookie); err == nil && validLang(ck.Value) {
		return ck.Value, false
	}
	return fromAcceptLanguage(c.Request().Header.Get("Accept-Language")), false
}

func fromAcceptLanguage(h string) string {
	best, bestQ := langFR, -1.0
	for i, part := range strings.Split(h, ",") {
		if i > 20 {
			break
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		// q=0 means "not this language" (RFC 9110, 12.4.2).
		if validLang(base) && q > 0 && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

func langOf(c echo.Context) string {
	if l, ok := c.Get(langContext).(string); ok {
		return l
	}
	return langFR
}

type message struct{ fr, en string }

// addMessages adds a part of the catalogue (the back office's, the
// proposal form's); a key defined twice is a programmer error.
func addMessages(part map[string]message) {
	for k, m := range part {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " defined twice")
		}
		messages[k] = m
	}
}

// messages is the catalogue: every string the interface shows.
var messages = map[string]message{
	"site.tagline":               {"l'agenda des associations du Lot-et-Garonne", "the agenda of the associations of Lot-et-Garonne"},
	"skip":                       {"Aller au contenu", "Skip to content"},
	"nav.label":                  {"Navigation principale", "Main navigation"},
	"nav.agenda":                 {"Agenda", "Agenda"},
	"nav.subscribe":              {"S'abonner", "Subscribe"},
	"lang.switch":                {"English", "Français"},
	"lang.switch.label":          {"Read this page in English", "Lire cette page en français"},
	"footer.contact":             {"Contact\u00a0:", "Contact:"},
	"footer.source":              {"Code source (AGPL)", "Source code (AGPL)"},
	"footer.text":                {"Bastide est un logiciel libre, hébergé par un collectif local. Les événements sont publiés par les associations.", "Bastide is free software run by a local collective. Events are published by the associations."},
	"footer.feeds":               {"Flux et API", "Feeds and API"},
	"agenda.title":               {"Agenda des associations", "Agenda of the associations"},
	"agenda.intro":               {"Les événements à venir des associations du Lot-et-Garonne et des groupes qu'elles suivent.", "Upcoming events of the associations of Lot-et-Garonne and of the groups they follow."},
	"filter.legend":              {"Filtrer les événements", "Filter events"},
	"filter.text":                {"Rechercher", "Search"},
	"filter.text.hint":           {"Mots du titre, du lieu ou de la description", "Words from the title, place or description"},
	"filter.association":         {"Association", "Association"},
	"filter.category":            {"Catégorie", "Category"},
	"filter.commune":             {"Commune", "Town"},
	"filter.from":                {"Du", "From"},
	"filter.to":                  {"Au", "To"},
	"filter.all":                 {"Toutes", "All"},
	"filter.submit":              {"Afficher", "Show"},
	"filter.reset":               {"Tout effacer", "Clear all"},
	"filter.view":                {"Affichage", "View"},
	"view.list":                  {"Liste", "List"},
	"view.month":                 {"Mois", "Month"},
	"view.week":                  {"Semaine", "Week"},
	"view.label":                 {"Choisir l'affichage", "Choose the view"},
	"agenda.empty":               {"Aucun événement ne correspond à ces critères.", "No event matches these filters."},
	"agenda.empty.none":          {"Aucun événement à venir pour l'instant\u00a0: les associations n'ont encore rien annoncé.", "No upcoming event yet: the associations have not announced anything."},
	"agenda.next":                {"Événements suivants", "Later events"},
	"agenda.first":               {"Revenir au début", "Back to the start"},
	"agenda.prev_month":          {"Mois précédent", "Previous month"},
	"agenda.next_month":          {"Mois suivant", "Next month"},
	"agenda.prev_week":           {"Semaine précédente", "Previous week"},
	"agenda.next_week":           {"Semaine suivante", "Next week"},
	"agenda.week_of":             {"Semaine du %s", "Week of %s"},
	"agenda.more.one":            {"+\u00a0%d autre", "+ %d more"},
	"agenda.more.other":          {"+\u00a0%d autres", "+ %d more"},
	"agenda.results":             {"Résultats", "Results"},
	"agenda.shown":               {"Sélection\u00a0:", "Showing:"},
	"agenda.range":               {"du %s au %s", "from %s to %s"},
	"agenda.range_from":          {"à partir du %s", "from %s"},
	"agenda.range_to":            {"jusqu'au %s", "until %s"},
	"agenda.today":               {"aujourd'hui", "today"},
	"event.cancelled":            {"Annulé", "Cancelled"},
	"event.cancelled.banner":     {"Cet événement est annulé.", "This event is cancelled."},
	"event.cancelled.occurrence": {"Cette date est annulée", "This date is cancelled"},
	"event.tentative":            {"À confirmer", "To be confirmed"},
	"event.when":                 {"Date", "When"},
	"event.recurrence":           {"Récurrence", "Repeats"},
	"event.recurring":            {"Événement régulier", "Recurring event"},
	"event.where":                {"Lieu", "Where"},
	"event.map":                  {"Voir sur OpenStreetMap", "See on OpenStreetMap"},
	"event.online":               {"En ligne", "Online"},
	"event.online.link":          {"Rejoindre en ligne", "Join online"},
	"event.price":                {"Tarif", "Price"},
	"event.access":               {"Accessibilité", "Accessibility"},
	"event.organiser":            {"Organisé par", "Organised by"},
	"event.via":                  {"Publié sur %s", "Published on %s"},
	"event.original":             {"Voir la page d'origine", "See the original page"},
	"event.categories":           {"Catégories", "Categories"},
	"event.website":              {"Plus d'informations", "More information"},
	"event.image.alt":            {"Affiche\u00a0: %s", "Poster: %s"},
	"event.image.link":           {"Voir l'affiche", "See the poster"},
	"event.description":          {"Description", "Description"},
	"event.next_dates":           {"Prochaines dates", "Next dates"},
	"event.later_changes":        {"Plus tard, dates modifiées ou annulées", "Later, dates that changed or are cancelled"},
	"event.add":                  {"Ajouter à mon agenda (.ics)", "Add to my calendar (.ics)"},
	"event.follow":               {"Suivre depuis le fédivers", "Follow from the fediverse"},
	"event.follow.help":          {"Cherchez %s dans votre application Mastodon, Mobilizon ou autre, puis abonnez-vous\u00a0: ses événements arriveront dans votre fil.", "Search for %s in your Mastodon, Mobilizon or other app and follow it: its events will reach your timeline."},
	"event.back":                 {"Retour à l'agenda", "Back to the agenda"},
	"assoc.title":                {"%s", "%s"},
	"assoc.website":              {"Site web", "Website"},
	"assoc.commune":              {"Commune", "Town"},
	"assoc.handle":               {"Sur le fédivers", "On the fediverse"},
	"assoc.upcoming":             {"Prochains événements", "Upcoming events"},
	"assoc.all_events":           {"Tous les événements de l'association dans l'agenda", "All the association's events in the agenda"},
	"assoc.none":                 {"Aucun événement à venir pour le moment.", "No upcoming event for now."},
	"assoc.widget":               {"Afficher cet agenda sur votre site", "Show this agenda on your website"},
	"assoc.widget.help":          {"Copiez ce code dans une page de votre site\u00a0: la liste se met à jour toute seule.", "Copy this code into a page of your website: the list updates itself."},
	"assoc.widget.label":         {"Code à copier", "Code to copy"},
	"sub.title":                  {"S'abonner à ces événements", "Subscribe to these events"},
	"sub.help":                   {"Ces liens gardent les filtres choisis. Le lien «\u00a0agenda\u00a0» s'ouvre dans Apple Calendrier, Thunderbird, Google Agenda (ajouter par URL) ou DAVx5.", "These links keep the chosen filters. The calendar link opens in Apple Calendar, Thunderbird, Google Calendar (add by URL) or DAVx5."},
	"sub.webcal":                 {"Abonnement agenda (webcal)", "Calendar subscription (webcal)"},
	"sub.ics":                    {"Fichier iCalendar (.ics)", "iCalendar file (.ics)"},
	"sub.rss":                    {"Flux RSS", "RSS feed"},
	"sub.atom":                   {"Flux Atom", "Atom feed"},
	"sub.json":                   {"API JSON", "JSON API"},
	"sub.embed":                  {"Widget pour votre site", "Widget for your website"},
	"feed.title":                 {"%s — %s", "%s — %s"},
	"feed.title.assoc":           {"Agenda — %s", "Agenda — %s"},
	"embed.title":                {"Prochains événements", "Upcoming events"},
	"embed.all":                  {"Tout l'agenda", "The whole agenda"},
	"embed.empty":                {"Aucun événement à venir.", "No upcoming event."},
	"error.title":                {"Erreur", "Error"},
	"error.400":                  {"Cette adresse contient une demande incorrecte.", "This address holds a request we cannot read."},
	"error.404":                  {"Cette page n'existe pas.", "This page does not exist."},
	"error.405":                  {"Cette action n'est pas possible ici.", "This action is not possible here."},
	"error.410":                  {"Cet événement a été supprimé par son organisateur.", "This event was deleted by its organiser."},
	"error.500":                  {"Un problème est survenu de notre côté. Réessayez dans un moment.", "Something went wrong on our side. Please try again in a moment."},
	"error.503":                  {"Le service est momentanément indisponible.", "The service is unavailable for a moment."},
	"error.back":                 {"Revenir à l'agenda", "Back to the agenda"},
	"error.bad_date":             {"La date «\u00a0%s\u00a0» n'existe pas ou n'est pas au format AAAA-MM-JJ.", "The date “%s” does not exist or is not in the YYYY-MM-DD format."},
	"error.bad_range":            {"La date de fin est avant la date de début (%s).", "The end date is before the start date (%s)."},
	"error.bad_month":            {"Le mois «\u00a0%s\u00a0» n'est pas au format AAAA-MM.", "The month “%s” is not in the YYYY-MM format."},
	"error.bad_view":             {"L'affichage «\u00a0%s\u00a0» n'existe pas (list, month ou week).", "The view “%s” does not exist (list, month or week)."},
	"error.bad_cursor":           {"Le lien de page «\u00a0%s\u00a0» n'est plus valable\u00a0; revenez au début de la liste.", "The page link “%s” is not valid; go back to the start of the list."},
	"error.bad_limit":            {"Le nombre «\u00a0%s\u00a0» doit être un entier entre 1 et %d.", "The number “%s” must be a whole number between 1 and %d."},
	"error.bad_color":            {"La couleur «\u00a0%s\u00a0» doit être un code hexadécimal comme 1a5fb4.", "The colour “%s” must be a hex code such as 1a5fb4."},
	"error.bad_style":            {"Le style «\u00a0%s\u00a0» n'existe pas (compact ou detailed).", "The style “%s” does not exist (compact or detailed)."},
	"price.free":                 {"Gratuit", "Free"},
	"event.untitled":             {"(sans titre)", "(untitled)"},
	"agenda.nothing":             {"Rien de prévu", "Nothing planned"},
	"agenda.empty_month":         {"Aucun événement ce mois-ci pour ces critères.", "No event this month for these filters."},
	"agenda.search_for":          {"«\u00a0%s\u00a0»", "“%s”"},
}
