package web

// Messages of the incident page: the people a breach affects, the art. 34
// letters to them or the art. 34(3) exemption, and their sending.
func init() {
	register(breachMessages)
	register(letterFieldLabels())
}

var breachMessages = map[string]msg{
	"incident.page.title":   {"Tietoturvaloukkaus", "Personuppgiftsincident", "Personal-data breach"},
	"incident.open":         {"Avaa: henkilöt ja kirjeet", "Öppna: personer och brev", "Open: people and letters"},
	"incident.letters_hint": {"Suuren riskin loukkauksessa jokaiselle, jota se koskee, kirjoitetaan ilmoitus (tietosuoja-asetuksen 34 artikla). Liitä henkilöt ja kirjoita kirjeet loukkauksen omalla sivulla.", "Vid en incident med hög risk skrivs ett meddelande till varje berörd person (artikel 34 i dataskyddsförordningen). Koppla personerna och skriv breven på incidentens egen sida.", "For a high-risk breach every person it affects is written to (GDPR art. 34). Link the people and write the letters on the breach's own page."},
	"incident.more":         {"… ja %d muuta", "… och %d till", "… and %d more"},

	"incident.people_told":    {"Ilmoitettu henkilöille", "Meddelat personerna", "People told"},
	"incident.people.title":   {"Henkilöt, joita loukkaus koskee", "Personer som incidenten gäller", "People the breach affects"},
	"incident.people.count":   {"Liitettyjä henkilöitä: %d.", "Kopplade personer: %d.", "People linked: %d."},
	"incident.find.title":     {"Etsi henkilö", "Sök en person", "Find a person"},
	"incident.find.intro":     {"Hae yksilöivällä tunnisteella. Asiakkaita ei voi selata; haku kirjataan lokiin tämän loukkauksen käsittelynä.", "Sök med en entydig identifierare. Kunder kan inte bläddras; sökningen loggas som handläggning av denna incident.", "Search by an exact identifier. Customers cannot be browsed; the search is logged as handling this breach."},
	"incident.link":           {"Liitä", "Koppla", "Link"},
	"incident.link_ids.title": {"Liitä tunnisteilla", "Koppla med id", "Link by id"},
	"incident.link_ids.label": {"Asiakkaiden tunnisteet", "Kundernas id", "Customer ids"},
	"incident.link_ids.hint":  {"Asiakassivujen tunnisteet välilyönnein, pilkuin tai riveittäin eroteltuina (ei henkilötunnuksia).", "Id:n från kundsidorna, åtskilda med mellanslag, kommatecken eller radbrytningar (inte personbeteckningar).", "The ids from the customer pages, separated by spaces, commas or lines (not identity codes)."},

	"incident.letters.title":           {"Ilmoitus henkilöille (34 artikla)", "Meddelande till personerna (artikel 34)", "Letters to the people (art. 34)"},
	"incident.letters.not_high":        {"Kirjeet kirjoitetaan vain, jos loukkauksesta todennäköisesti aiheutuu suuri riski henkilöille (34 artiklan 1 kohta). Muuta riskiarviota rekisterissä, jos se on suuri.", "Brev skrivs bara om incidenten sannolikt leder till en hög risk för personerna (artikel 34.1). Ändra riskbedömningen i registret om den är hög.", "Letters are written only for a breach likely to result in a high risk to the people (art. 34(1)). Change the risk in the register if it is high."},
	"incident.letters.intro":           {"Jokainen liitetty henkilö saa yhden kirjeen omalla kielellään. Kirjoita teksti jokaisella kielellä, jolla henkilöille kirjoitetaan; tyhjäksi jätetty kieli jätetään pois. Sama teksti menee kaikille: älä kirjoita siihen henkilötietoja. Kirje lisää rekisterinpitäjän, tietosuojavastaavan yhteystiedot ja valitusoikeuden.", "Varje kopplad person får ett brev på sitt eget språk. Skriv texten på varje språk som personerna skrivs till på; ett språk som lämnas tomt tas inte med. Samma text går till alla: skriv inga personuppgifter i den. Brevet lägger till den personuppgiftsansvarige, dataskyddsombudets kontaktuppgifter och rätten att klaga.", "Each linked person gets one letter in their own language. Write the text in each language the people are written to in; a language left empty is left out. The same text goes to everyone: write no personal data in it. The letter adds the controller, the data protection officer's contact details and the right to complain."},
	"incident.letters.nature":          {"Mitä tapahtui: loukkauksen luonne selkeällä kielellä", "Vad hände: incidentens art på ett klart språk", "What happened: the nature of the breach in plain language"},
	"incident.letters.consequences":    {"Mitä siitä voi seurata henkilölle", "Vad det kan leda till för personen", "What it may lead to for the person"},
	"incident.letters.measures":        {"Mitä on tehty ja tehdään haittojen lieventämiseksi", "Vad som har gjorts och görs för att mildra följderna", "What was done and is being done to mitigate the effects"},
	"incident.letters.advice":          {"Mitä henkilö voi itse tehdä suojautuakseen", "Vad personen själv kan göra för att skydda sig", "What the person can do to protect themselves"},
	"incident.letters.categories_hint": {"Tietoryhmät tällä kielellä pilkuin eroteltuina; tyhjä: loukkauksen omat tietoryhmät.", "Uppgiftskategorierna på detta språk, åtskilda med kommatecken; tomt: incidentens egna kategorier.", "The categories of data in this language, separated by commas; empty: the breach's own categories."},
	"incident.letters.write":           {"Kirjoita kirjeet", "Skriv breven", "Write the letters"},
	"incident.letters.more":            {"Kirjoita kirjeet myöhemmin liitetyille", "Skriv brev till personer som kopplats senare", "Write to the people linked since"},
	"incident.letters.submit":          {"Kirjoita kirjeet", "Skriv breven", "Write the letters"},

	"incident.exempt.title":                {"Kirjeitä ei tarvita (34 artiklan 3 kohta)", "Inga brev behövs (artikel 34.3)", "No letters needed (art. 34(3))"},
	"incident.exempt.ground":               {"Peruste", "Grund", "Ground"},
	"incident.exempt.ground.protected":     {"Tiedot olivat lukukelvottomia sivullisille, esim. salattuja, eikä avain paljastunut (a alakohta)", "Uppgifterna var oläsliga för obehöriga, t.ex. krypterade, och nyckeln röjdes inte (led a)", "The data was unintelligible to anyone not authorised, e.g. encrypted with the key not exposed (point a)"},
	"incident.exempt.ground.risk_removed":  {"Jälkikäteen toteutetut toimet poistavat suuren riskin (b alakohta)", "Åtgärder som vidtagits efteråt undanröjer den höga risken (led b)", "Measures taken since make the high risk no longer likely (point b)"},
	"incident.exempt.ground.public_notice": {"Kirjeet vaatisivat kohtuutonta vaivaa; julkinen tiedote tavoittaa yhtä tehokkaasti (c alakohta)", "Brev skulle kräva oproportionerligt stor ansträngning; ett offentligt meddelande når lika effektivt (led c)", "Letters would need disproportionate effort; a public communication informs as effectively (point c)"},
	"incident.exempt.reason":               {"Perustelu", "Motivering", "Reason"},
	"incident.exempt.reason_hint":          {"Pakollinen, ilman henkilötietoja. Esimerkiksi miten tiedot oli salattu, tai missä julkinen tiedote on julkaistu.", "Obligatorisk, utan personuppgifter. Till exempel hur uppgifterna var krypterade, eller var det offentliga meddelandet publicerats.", "Required, without personal data. For example how the data was encrypted, or where the public communication was published."},
	"incident.exempt.submit":               {"Kirjaa päätös", "Registrera beslutet", "Record the decision"},
	"incident.exempt.recorded":             {"Päätetty, ettei kirjeitä lähetetä (34 artiklan 3 kohta)", "Beslutat att inga brev skickas (artikel 34.3)", "Decided that no letters are sent (art. 34(3))"},

	"incident.queued.title":     {"Kirjeet lähtevissä", "Breven i utkorgen", "Letters in the outbox"},
	"incident.queued.counts":    {"Kirjeitä %d, joista lähetetty %d. Kun viimeinen on merkitty lähetetyksi, ilmoitus henkilöille kirjataan tehdyksi.", "%d brev, varav %d skickade. När det sista har markerats som skickat registreras meddelandet till personerna som gjort.", "%d letters, %d of them sent. When the last is marked sent, the people are recorded as told."},
	"incident.queued.sample":    {"Kirjeen teksti", "Brevets text", "Letter text"},
	"incident.queued.lang":      {"Kieli", "Språk", "Language"},
	"incident.queued.mark_sent": {"Merkitse lähetetyksi", "Markera som skickat", "Mark sent"},

	"incident.done.linked":     {"Henkilöt liitetty loukkaukseen.", "Personerna kopplade till incidenten.", "People linked to the breach."},
	"incident.done.letters":    {"Kirjeet kirjoitettu lähteviin.", "Breven skrivna till utkorgen.", "Letters written to the outbox."},
	"incident.done.no_letters": {"Ei uusia kirjeitä: jokaiselle liitetylle on jo kirjoitettu.", "Inga nya brev: alla kopplade personer har redan fått ett.", "No new letters: every linked person has already been written to."},
	"incident.done.exempted":   {"Päätös kirjattu: kirjeitä ei lähetetä.", "Beslutet registrerat: inga brev skickas.", "Decision recorded: no letters are sent."},
	"incident.done.sent":       {"Kirje merkitty lähetetyksi.", "Brevet markerat som skickat.", "Letter marked sent."},

	"field.subject_ids":      {"Asiakkaiden tunnisteet", "Kundernas id", "Customer ids"},
	"field.texts":            {"Kirjeen teksti", "Brevets text", "Letter text"},
	"field.exemption":        {"Kirjeitä ei tarvita", "Inga brev behövs", "No letters needed"},
	"field.exemption.ground": {"Peruste", "Grund", "Ground"},
	"field.exemption.reason": {"Perustelu", "Motivering", "Reason"},
}

// letterFieldLabels names the letter form's fields in errors
// (texts.sv.nature: "What happened (in Swedish)").
func letterFieldLabels() map[string]msg {
	in := map[string]msg{
		"fi": {"suomeksi", "på finska", "in Finnish"},
		"sv": {"ruotsiksi", "på svenska", "in Swedish"},
		"en": {"englanniksi", "på engelska", "in English"},
	}
	parts := map[string]msg{
		"nature":       {"Mitä tapahtui", "Vad hände", "What happened"},
		"consequences": {"Mitä siitä voi seurata", "Vad det kan leda till", "What it may lead to"},
		"measures":     {"Mitä on tehty", "Vad som har gjorts", "What was done"},
		"advice":       {"Mitä henkilö voi tehdä", "Vad personen kan göra", "What the person can do"},
	}
	out := map[string]msg{}
	for lang, l := range in {
		out["field.texts."+lang] = msg{"Kirjeen teksti " + l.FI, "Brevets text " + l.SV, "The letter text " + l.EN}
		for part, m := range parts {
			out["field.texts."+lang+"."+part] = msg{m.FI + " (" + l.FI + ")", m.SV + " (" + l.SV + ")", m.EN + " (" + l.EN + ")"}
		}
	}
	return out
}
