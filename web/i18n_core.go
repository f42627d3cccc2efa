package web

// Messages of the layout, sign-in, lock and errors.
func init() { register(coreMessages) }

var coreMessages = map[string]msg{
	"layout.skip":         {"Siirry sisältöön", "Gå till innehållet", "Skip to content"},
	"layout.nav":          {"Päävalikko", "Huvudmeny", "Main menu"},
	"layout.language":     {"Kieli", "Språk", "Language"},
	"layout.signed_in_as": {"Kirjautuneena:", "Inloggad som:", "Signed in as:"},
	"layout.lock":         {"Lukitse näyttö", "Lås skärmen", "Lock screen"},
	"layout.logout":       {"Kirjaudu ulos", "Logga ut", "Sign out"},

	"login.title":  {"Kirjaudu", "Logga in", "Sign in"},
	"login.intro":  {"Kirjaudu Kirjaamoon omilla tunnuksillasi. Älä jaa tunnuksiasi kenenkään kanssa.", "Logga in i Kirjaamo med dina egna användaruppgifter. Dela dem inte med någon.", "Sign in to Kirjaamo with your own credentials. Do not share them with anyone."},
	"login.submit": {"Kirjaudu", "Logga in", "Sign in"},

	"lock.title":   {"Näyttö on lukittu", "Skärmen är låst", "The screen is locked"},
	"lock.intro":   {"Näyttö lukittiin, koska sitä ei käytetty hetkeen. Kirjoita käyttäjän %s salasana jatkaaksesi.", "Skärmen låstes eftersom den inte använts på en stund. Ange lösenordet för användaren %s för att fortsätta.", "The screen was locked because it was not used for a while. Enter the password of user %s to continue."},
	"lock.submit":  {"Avaa", "Lås upp", "Unlock"},
	"lock.covered": {"Näyttö on lukittu.", "Skärmen är låst.", "The screen is locked."},

	"field.username": {"Käyttäjätunnus", "Användarnamn", "Username"},
	"field.password": {"Salasana", "Lösenord", "Password"},
	"field.purpose":  {"Käyttötarkoitus", "Ändamål", "Purpose"},

	"home.title": {"Etusivu", "Startsida", "Home"},
	"home.intro": {"Valitse tehtävä. Näet vain ne toiminnot, jotka roolisi sallii.", "Välj en uppgift. Du ser bara de funktioner som din roll tillåter.", "Choose a task. You see only what your role allows."},
	"nav.home":   {"Etusivu", "Startsida", "Home"},

	"role.agent":      {"asiakaspalvelija", "kundtjänstmedarbetare", "agent"},
	"role.supervisor": {"esihenkilö", "förman", "supervisor"},
	"role.dpo":        {"tietosuojavastaava", "dataskyddsombud", "data protection officer"},
	"role.admin":      {"ylläpitäjä", "administratör", "administrator"},
	"role.auditor":    {"tarkastaja", "granskare", "auditor"},

	"error.title":      {"Jokin meni vikaan", "Något gick fel", "Something went wrong"},
	"error.home":       {"Etusivulle", "Till startsidan", "Go to the home page"},
	"error.request_id": {"pyyntötunnus", "begäran-id", "request id"},
	"error.field":      {"Tarkista kenttä: %s.", "Kontrollera fältet: %s.", "Check the field: %s."},
	"error.csrf":       {"Lomakkeen turvatunniste puuttuu tai on vanhentunut. Lataa sivu uudelleen ja yritä uudestaan.", "Formulärets säkerhetstoken saknas eller har gått ut. Ladda om sidan och försök igen.", "The form's security token is missing or out of date. Reload the page and try again."},
	"error.locked":     {"Näyttö on lukittu. Kirjoita salasanasi uudelleen.", "Skärmen är låst. Ange ditt lösenord igen.", "The screen is locked. Enter your password again."},

	"error.invalid":       {"Tiedoissa on virhe.", "Uppgifterna innehåller ett fel.", "The input has an error."},
	"error.unauthorized":  {"Väärä käyttäjätunnus tai salasana, tai istunto on päättynyt.", "Fel användarnamn eller lösenord, eller så har sessionen gått ut.", "Wrong username or password, or the session has ended."},
	"error.forbidden":     {"Sinulla ei ole oikeutta tähän.", "Du har inte behörighet till detta.", "You are not allowed to do this."},
	"error.not_found":     {"Tietoa ei löytynyt.", "Uppgiften hittades inte.", "Not found."},
	"error.conflict":      {"Toimintoa ei voi tehdä tietojen nykyisessä tilassa.", "Åtgärden kan inte göras i uppgifternas nuvarande läge.", "This cannot be done in the data's current state."},
	"error.too_large":     {"Lähetetty tieto on liian suuri.", "De skickade uppgifterna är för stora.", "What was sent is too large."},
	"error.too_many":      {"Liian monta yritystä. Odota minuutti ja yritä uudelleen.", "För många försök. Vänta en minut och försök igen.", "Too many attempts. Wait a minute and try again."},
	"error.unavailable":   {"Palvelu ei ole juuri nyt käytettävissä.", "Tjänsten är inte tillgänglig just nu.", "The service is not available right now."},
	"error.no_space":      {"Tallennustila on täynnä; mitään ei tallennettu.", "Lagringsutrymmet är fullt; inget sparades.", "Storage is full; nothing was stored."},
	"error.unprocessable": {"Tietoa ei voitu käsitellä.", "Uppgifterna kunde inte behandlas.", "The data could not be processed."},
	"error.internal":      {"Sisäinen virhe. Mitään ei menetetty; yritä uudelleen tai ilmoita pyyntötunnus ylläpidolle.", "Internt fel. Inget gick förlorat; försök igen eller meddela begäran-id till administratören.", "Internal error. Nothing was lost; try again or give the request id to your administrator."},
}
