package web

// Messages of the supervisor's views: retention extensions and legal holds.
func init() { register(supervisorMessages) }

var supervisorMessages = map[string]msg{
	"nav.holds": {"Säilytysvelvoitteet", "Bevarandeskyldigheter", "Legal holds"},

	"retention.title":         {"Säilytys", "Lagring", "Retention"},
	"retention.cap":           {"Enintään", "Högst", "At most"},
	"retention.not_started":   {"säilytysaika ei ole alkanut", "lagringstiden har inte börjat", "retention has not started"},
	"retention.extend":        {"Pidennä säilytystä: %s", "Förläng lagringen: %s", "Extend retention: %s"},
	"retention.cap_explained": {"Tietosuojaseloste sallii säilyttää tätä enintään %s asti.", "Dataskyddsbeskrivningen tillåter att detta lagras högst till %s.", "The privacy notice allows keeping this until %s at the most."},
	"retention.extend_submit": {"Pidennä", "Förläng", "Extend"},

	"field.part":             {"Osa", "Del", "Part"},
	"field.expires_at":       {"Poistetaan", "Raderas", "Deleted on"},
	"field.extended_until":   {"Pidennetty", "Förlängd", "Extended until"},
	"field.extension_reason": {"Syy", "Orsak", "Reason"},
	"field.extend_until":     {"Säilytetään asti", "Lagras till", "Keep until"},
	"field.until":            {"Säilytetään asti", "Lagras till", "Keep until"},
	"field.reason":           {"Syy", "Orsak", "Reason"},
	"field.hold_reason":      {"Peruste", "Grund", "Reason"},
	"field.owner":            {"Vastuuhenkilö", "Ansvarig", "Owner"},
	"field.review_at":        {"Tarkistetaan", "Granskas", "Review on"},
	"field.review":           {"Tarkistetaan", "Granskas", "Review on"},
	"field.note":             {"Lisätieto", "Tilläggsuppgift", "Note"},
	"field.subject_id":       {"Asiakas", "Kund", "Customer"},
	"field.record_id":        {"Tietue", "Post", "Record"},

	"extension.reason.quality_project":   {"laatuprojekti", "kvalitetsprojekt", "quality project"},
	"extension.reason.complaint":         {"reklamaatio", "reklamation", "complaint"},
	"extension.reason.legal_claim":       {"oikeudellinen vaatimus", "rättsligt anspråk", "legal claim"},
	"extension.reason.authority_request": {"viranomaisen pyyntö", "myndighets begäran", "authority request"},
	"extension.reason.open_invoice":      {"avoin lasku", "öppen faktura", "open invoice"},
	"extension.reason.debt_collection":   {"perintä", "indrivning", "debt collection"},
	"extension.reason.statutory_task":    {"lakisääteinen tehtävä", "lagstadgad uppgift", "statutory task"},
	"extension.reason.training":          {"koulutus", "utbildning", "training"},

	"hold.badge":                    {"säilytysvelvoite", "bevarandeskyldighet", "legal hold"},
	"hold.place":                    {"Aseta säilytysvelvoite", "Lägg bevarandeskyldighet", "Place a legal hold"},
	"hold.place_submit":             {"Aseta", "Lägg", "Place"},
	"hold.owner_hint":               {"Kuka tarkistaa, onko säilytys yhä tarpeen (esim. lakiasiat).", "Vem som granskar om lagringen fortfarande behövs (t.ex. juridiska enheten).", "Who reviews whether keeping it is still needed (e.g. legal affairs)."},
	"hold.reason.open_invoice":      {"avoin lasku", "öppen faktura", "open invoice"},
	"hold.reason.debt_collection":   {"perintä", "indrivning", "debt collection"},
	"hold.reason.legal_claim":       {"oikeudellinen vaatimus", "rättsligt anspråk", "legal claim"},
	"hold.reason.statutory_task":    {"lakisääteinen tehtävä", "lagstadgad uppgift", "statutory task"},
	"hold.reason.authority_request": {"viranomaisen pyyntö", "myndighets begäran", "authority request"},

	"holds.title":   {"Säilytysvelvoitteet", "Bevarandeskyldigheter", "Legal holds"},
	"holds.intro":   {"Säilytysvelvoitteen alaista tietoa ei poisteta säilytysajan päätyttyä eikä poistopyynnöstä ennen kuin velvoite puretaan.", "Uppgifter med bevarandeskyldighet raderas inte när lagringstiden går ut eller på begäran förrän skyldigheten hävs.", "Data under a legal hold is not deleted when its retention ends, nor on request, until the hold is released."},
	"holds.target":  {"Kohde", "Objekt", "Target"},
	"holds.subject": {"asiakas", "kund", "customer"},
	"holds.record":  {"yhteydenotto", "kontakt", "contact"},
	"holds.actions": {"Toiminnot", "Åtgärder", "Actions"},
	"holds.release": {"Pura", "Häv", "Release"},
	"holds.none":    {"Ei voimassa olevia säilytysvelvoitteita.", "Inga gällande bevarandeskyldigheter.", "No active legal holds."},

	"done.extended":      {"Säilytystä pidennettiin.", "Lagringen förlängdes.", "Retention was extended."},
	"done.hold_placed":   {"Säilytysvelvoite asetettiin.", "Bevarandeskyldigheten lades.", "The legal hold was placed."},
	"done.hold_released": {"Säilytysvelvoite purettiin.", "Bevarandeskyldigheten hävdes.", "The legal hold was released."},
}
