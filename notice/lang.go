package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// words holds what the notice says in one language. The three tables are
// written as each language's privacy notices are written, not translated
// word by word: the Finnish follows the seeds' register (third person,
// "rekisteröity"), the Swedish that of Finland-Swedish authorities ("den
// registrerade"), the English addresses the reader as "you".
type words struct {
	title   string
	version string // "Versio"
	publ    string // "Julkaistu"
	toc     string // heading of the table of contents

	// Section headings.
	hController, hDPO, hRegisters, hPurposes, hGroups, hCategories, hSources,
	hRecipients, hTransfers, hRetention, hSecurity, hAutomated, hCookies,
	hRights, hComplaint, hIdentity, hPurpose, hBasis string

	// Labels of contact details.
	lBusinessID, lContactPerson, lAddress, lVisiting, lPhone, lEmail, lWeb string

	intro         string
	registersLead string
	purposesLead  string // before the list of purposes
	basisLead     string // before the legal bases
	nationalLead  string
	basis         map[string]string // art. 6(1) point → sentence
	noGroups      string
	noSources     string
	noRecipients  string
	noTransfers   string
	retentionEnd  string
	security      string // what the software itself enforces
	noAutomated   string

	cookieIntro, cookieDataLead, cookieOptOut string

	rightsLead  string // default instructions
	rightsTime  string
	rightsScope string // "the rights below apply to …"
	identity    string
	rights      []right
	erasureIf   string // "Tietoja ei kuitenkaan poisteta, jos %s."
	erasureFor  string // "%s: tietoja ei poisteta, jos %s."
	erasure     map[string]string
	or          string
	and         string
	portNone    string
	portSome    string // %s = register names
	objectNone  string
	complaint   string
	complainEU  string

	authority policy.Authority

	// Retention.
	keepVerb func(subject string, singular bool, d, from string) string
	extend   func(reasons, short, cap, from string) string
	reasons  map[string]string
	dur      func(policy.Duration) string
	date     func(time.Time) string
}

// right is one data-subject right and its default paragraph.
type right struct {
	id, heading, text string
	// when says which legal bases the right depends on: "portability"
	// (art. 6(1)(a)/(b)), "objection" (6(1)(e)/(f)), "consent" (6(1)(a));
	// "" for a right that always applies.
	when string
}

func wordsFor(l string) (*words, error) {
	switch l {
	case "fi":
		return &fi, nil
	case "sv":
		return &sv, nil
	case "en":
		return &en, nil
	}
	return nil, fmt.Errorf("unknown language %q: use fi, sv or en", l)
}

// Languages returns the languages a notice can be rendered in.
func Languages() []string { return []string{"fi", "sv", "en"} }

// joinList joins items as a reader expects: "a, b ja c".
func joinList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func durParts(d policy.Duration, one, many [3]string, fmtMany string) []string {
	var out []string
	for i, n := range []int{d.Years, d.Months, d.Days} {
		switch {
		case n == 1:
			out = append(out, one[i])
		case n > 1:
			out = append(out, fmt.Sprintf(fmtMany, n, many[i]))
		}
	}
	return out
}

var fi = words{
	title: "Tietosuojaseloste", version: "Versio", publ: "Julkaistu", toc: "Sisällys",

	hController: "Rekisterinpitäjä ja rekisterinpitäjän yhteystiedot",
	hDPO:        "Tietosuojavastaava",
	hRegisters:  "Rekisterien nimet",
	hPurposes:   "Henkilötietojen käsittelyn tarkoitus ja oikeusperuste",
	hGroups:     "Rekisteröityjen ryhmät",
	hCategories: "Rekisterin tietosisältö ja henkilötietoryhmät",
	hSources:    "Säännönmukaiset tietolähteet",
	hRecipients: "Tietojen säännönmukaiset luovutukset ja vastaanottajat",
	hTransfers:  "Tietojen siirto EU:n tai ETA:n ulkopuolelle",
	hRetention:  "Henkilötietojen säilytysaika",
	hSecurity:   "Rekisterin suojauksen periaatteet",
	hAutomated:  "Automaattinen päätöksenteko ja profilointi",
	hCookies:    "Evästeet",
	hRights:     "Rekisteröidyn oikeudet ja niiden käyttäminen",
	hComplaint:  "Oikeus tehdä valitus valvontaviranomaiselle",
	hIdentity:   "Henkilöllisyyden varmistaminen",
	hPurpose:    "Käsittelyn tarkoitus",
	hBasis:      "Käsittelyn oikeusperuste",

	lBusinessID: "Y-tunnus", lContactPerson: "Yhteyshenkilö", lAddress: "Postiosoite", lVisiting: "Käyntiosoite",
	lPhone: "Puhelin", lEmail: "Sähköposti", lWeb: "Verkkosivut",

	intro:         "Tämän selosteen tarkoituksena on kertoa, miten käsittelemme henkilötietoja EU:n yleisen tietosuoja-asetuksen (EU) 2016/679 13 ja 14 artiklan mukaisesti. Selostetta päivitetään tarvittaessa.",
	registersLead: "Seloste koskee seuraavia henkilörekistereitä:",
	purposesLead:  "Henkilötietoja käsitellään seuraaviin tarkoituksiin:",
	basisLead:     "Käsittelyn oikeusperuste EU:n yleisen tietosuoja-asetuksen 6 artiklan 1 kohdan mukaan:",
	nationalLead:  "Käsittelystä säädetään lisäksi seuraavissa:",
	basis: map[string]string{
		"6(1)(a)": "Suostumus: rekisteröity on antanut suostumuksensa tietojensa käsittelyyn (6 artiklan 1 kohdan a alakohta). Suostumuksen voi peruuttaa milloin tahansa.",
		"6(1)(b)": "Sopimus: käsittely on tarpeen rekisteröidyn kanssa tehdyn sopimuksen täytäntöön panemiseksi tai sopimuksen tekemistä edeltävien toimenpiteiden toteuttamiseksi (6 artiklan 1 kohdan b alakohta).",
		"6(1)(c)": "Lakisääteinen velvoite: käsittely on tarpeen rekisterinpitäjän lakisääteisen velvoitteen noudattamiseksi (6 artiklan 1 kohdan c alakohta).",
		"6(1)(d)": "Elintärkeä etu: käsittely on tarpeen rekisteröidyn tai toisen luonnollisen henkilön elintärkeiden etujen suojaamiseksi (6 artiklan 1 kohdan d alakohta).",
		"6(1)(e)": "Yleinen etu ja julkinen valta: käsittely on tarpeen yleistä etua koskevan tehtävän suorittamiseksi tai rekisterinpitäjälle kuuluvan julkisen vallan käyttämiseksi (6 artiklan 1 kohdan e alakohta).",
		"6(1)(f)": "Oikeutettu etu: käsittely on tarpeen rekisterinpitäjän oikeutettujen etujen toteuttamiseksi (6 artiklan 1 kohdan f alakohta).",
	},
	noGroups:     "Rekisterissä ei ole tietoja, joista henkilö voitaisiin tunnistaa.",
	noSources:    "Tiedot saadaan rekisteröidyltä itseltään.",
	noRecipients: "Tietoja ei luovuteta säännönmukaisesti. Tietoja luovutetaan viranomaisille vain silloin, kun laki sitä edellyttää.",
	noTransfers:  "Tietoja ei luovuteta eikä siirretä EU:n tai ETA:n ulkopuolelle.",
	retentionEnd: "Tiedot poistetaan automaattisesti, kun niiden säilytysaika päättyy.",
	security:     "Henkilötietoja käsittelevät vain ne henkilöt, joiden työtehtävät sitä edellyttävät, ja vain käyttöoikeuksiensa mukaisesti. Jokainen käyttäjä kirjautuu henkilökohtaisella tunnuksella, ja jokainen henkilötietojen katselu kirjautuu lokiin, jonka eheys voidaan jälkikäteen todentaa. Henkilötunnukset tallennetaan salattuina, ja tiedot poistetaan säilytysajan päätyttyä.",
	noAutomated:  "Henkilötietoja ei käytetä automaattiseen päätöksentekoon eikä profilointiin.",

	cookieIntro:    "Käytämme verkkosivuillamme evästeitä. Eväste on pieni tekstitiedosto, jonka selain tallentaa käyttäjän laitteelle. Evästeet eivät vahingoita käyttäjän laitetta tai tiedostoja.",
	cookieDataLead: "Evästeiden avulla kerätään seuraavia tietoja:",
	cookieOptOut:   "Sivuilla vierailija voi milloin tahansa estää evästeiden käytön tai poistaa jo tallennetut evästeet selaimensa asetuksista. Evästeiden estäminen voi vaikuttaa sivuston toimintaan.",

	rightsLead:  "Oikeuksiin liittyvät pyynnöt osoitetaan rekisterinpitäjälle kohdassa 1 mainittuihin yhteystietoihin tai tietosuojavastaavalle (kohta 2).",
	rightsTime:  "Pyyntöön vastataan ilman aiheetonta viivytystä ja viimeistään kuukauden kuluessa. Jos pyyntöä ei voida toteuttaa, rekisteröidylle annetaan kirjallinen selvitys, josta käyvät ilmi epäämisen syyt.",
	identity:    "Rekisteröidyn henkilöllisyys varmistetaan ennen kuin tietoja annetaan tai pyyntö toteutetaan. Henkilöllisyyden voi todistaa vahvalla sähköisellä tunnistautumisella tai esittämällä virallisen henkilöllisyystodistuksen.",
	rightsScope: "Oikeus koskee seuraavia rekistereitä: %s.",
	rights: []right{
		{id: "rights.access", heading: "Oikeus saada pääsy tietoihin (tarkastusoikeus, 15 artikla)",
			text: "Rekisteröidyllä on oikeus saada tietää, käsitelläänkö hänen henkilötietojaan, ja saada jäljennös rekisterissä olevista itseään koskevista tiedoista. Tiedot toimitetaan luettavassa muodossa ja pyydettäessä sähköisesti, jos se on tietoturvallisesti mahdollista."},
		{id: "rights.rectification", heading: "Oikeus tietojen oikaisemiseen (16 artikla)",
			text: "Rekisteröidyllä on oikeus vaatia, että rekisterissä oleva virheellinen, puutteellinen tai vanhentunut itseään koskeva henkilötieto oikaistaan tai täydennetään. Pyynnössä tulee yksilöidä, mitä tietoja vaaditaan korjattavaksi ja millä perusteella."},
		{id: "rights.erasure", heading: "Oikeus tietojen poistamiseen (17 artikla)",
			text: "Rekisteröidyllä on oikeus vaatia itseään koskevien tietojen poistamista, jos tietoja ei enää tarvita siihen tarkoitukseen, jota varten ne kerättiin, tai jos käsittelylle ei ole enää perustetta."},
		{id: "rights.restriction", heading: "Oikeus käsittelyn rajoittamiseen (18 artikla)",
			text: "Rekisteröidyllä on oikeus pyytää tietojensa käsittelyn rajoittamista esimerkiksi silloin, kun hän kiistää tietojen paikkansapitävyyden ja tietojen oikeellisuutta tarkistetaan."},
		{id: "rights.notification", heading: "Ilmoitus oikaisusta ja poistosta (19 artikla)",
			text: "Tietojen oikaisemisesta, poistamisesta ja käsittelyn rajoittamisesta ilmoitetaan niille, joilta virheelliset tiedot on saatu tai joille tietoja on luovutettu, ellei tämä osoittaudu mahdottomaksi tai vaadi kohtuutonta vaivaa."},
		{id: "rights.portability", heading: "Oikeus siirtää tiedot järjestelmästä toiseen (20 artikla)", when: "portability",
			text: "Rekisteröidyllä on oikeus saada itse toimittamansa tiedot jäsennellyssä, yleisesti käytetyssä ja koneluettavassa muodossa ja siirtää ne toiselle rekisterinpitäjälle. Oikeus koskee tietoja, joiden käsittely perustuu suostumukseen tai sopimukseen."},
		{id: "rights.objection", heading: "Oikeus vastustaa käsittelyä (21 artikla)", when: "objection",
			text: "Rekisteröidyllä on oikeus henkilökohtaiseen erityiseen tilanteeseensa liittyvällä perusteella vastustaa käsittelyä, joka perustuu yleistä etua koskevaan tehtävään tai rekisterinpitäjän oikeutettuun etuun. Jos tietoja käsitellään suoramarkkinointia varten, rekisteröidyllä on oikeus milloin tahansa kieltää tämä käsittely."},
		{id: "rights.automated", heading: "Automatisoidut yksittäispäätökset (22 artikla)",
			text: "Rekisteröidyllä on oikeus olla joutumatta sellaisen päätöksen kohteeksi, joka perustuu pelkästään automaattiseen käsittelyyn, kuten profilointiin, ja jolla on häntä koskevia oikeusvaikutuksia. Katso kohta %d."},
		{id: "rights.consent", heading: "Oikeus peruuttaa suostumus (7 artikla)", when: "consent",
			text: "Kun käsittely perustuu suostumukseen, rekisteröidyllä on oikeus peruuttaa suostumuksensa milloin tahansa. Peruuttaminen ei vaikuta ennen peruuttamista tehdyn käsittelyn lainmukaisuuteen."},
	},
	erasureIf:  "Tietoja ei kuitenkaan poisteta, jos %s.",
	erasureFor: "%s: tietoja ei poisteta, jos %s.",
	erasure: map[string]string{
		policy.ErasureStatutoryTask:    "niitä tarvitaan lakisääteisen tehtävän tai velvoitteen hoitamiseen",
		policy.ErasureOpenInvoice:      "asiakkaalla on avoimia laskuja",
		policy.ErasureDebtCollection:   "tietoja tarvitaan perintätoimiin",
		policy.ErasureLegalClaim:       "niitä tarvitaan oikeudellisen vaatimuksen laatimiseen, esittämiseen tai puolustamiseen",
		policy.ErasureContactPerson:    "henkilö toimii yrityksen tai organisaation yhteyshenkilönä, jolloin tietoja ei voida poistaa tänä aikana",
		policy.ErasureAuthorityRequest: "viranomainen on pyytänyt tietojen säilyttämistä",
	},
	or: "tai", and: "ja",
	portNone:   "Oikeus siirtää tiedot järjestelmästä toiseen ei koske näitä rekistereitä, koska käsittely ei perustu suostumukseen eikä sopimukseen.",
	portSome:   "Oikeus koskee seuraavia rekistereitä: %s.",
	objectNone: "Käsittely ei perustu yleistä etua koskevaan tehtävään eikä oikeutettuun etuun, joten yleistä vastustamisoikeutta ei ole. Jos tietoja käsitellään suoramarkkinointia varten, rekisteröidyllä on oikeus milloin tahansa kieltää tämä käsittely.",
	complaint:  "Jos rekisteröity katsoo, että häntä koskevien henkilötietojen käsittelyssä rikotaan EU:n yleistä tietosuoja-asetusta, hänellä on oikeus tehdä valitus valvontaviranomaiselle (77 artikla). Valituksen voi tehdä myös siinä jäsenvaltiossa, jossa rekisteröidyllä on vakinainen asuinpaikka tai työpaikka.",
	complainEU: "Kansallisen valvontaviranomaisen yhteystiedot:",
	authority: policy.Authority{
		Name:    policy.Text{"fi": "Tietosuojavaltuutetun toimisto"},
		Address: policy.Text{"fi": "PL 800, 00531 Helsinki"},
		Phone:   "029 566 6700", Email: "tietosuoja@om.fi", Web: "www.tietosuoja.fi",
	},

	keepVerb: func(subject string, _ bool, d, from string) string {
		return fmt.Sprintf("%s säilytetään %s%s.", subject, d, prefixSpace(from))
	},
	extend: func(reasons, short, cap, from string) string {
		return fmt.Sprintf("%s yksittäisiä %s voidaan säilyttää pidempään, kuitenkin enintään %s%s.", upperFirst(reasons), short, cap, prefixSpace(from))
	},
	reasons: map[string]string{
		"quality_project":   "laadun kehittämishankkeissa",
		"complaint":         "reklamaatiotilanteissa",
		"legal_claim":       "oikeudellisen vaatimuksen selvittämiseksi",
		"authority_request": "viranomaisen pyynnöstä",
		"open_invoice":      "avoimen laskun vuoksi",
		"debt_collection":   "perintätoimien ajan",
		"statutory_task":    "lakisääteisen tehtävän vuoksi",
		"training":          "henkilöstön koulutuksessa",
	},
	dur: func(d policy.Duration) string {
		// After a numeral Finnish takes the partitive singular ("6
		// kuukautta"); "one" is the accusative without the numeral
		// ("säilytetään vuoden").
		return joinList(durParts(d, [3]string{"vuoden", "kuukauden", "päivän"}, [3]string{"vuotta", "kuukautta", "päivää"}, "%d %s"), "ja")
	},
	date: func(t time.Time) string { return fmt.Sprintf("%d.%d.%d", t.Day(), t.Month(), t.Year()) },
}

var sv = words{
	title: "Dataskyddsbeskrivning", version: "Version", publ: "Publicerad", toc: "Innehåll",

	hController: "Personuppgiftsansvarig och kontaktuppgifter",
	hDPO:        "Dataskyddsombud",
	hRegisters:  "Registrens namn",
	hPurposes:   "Ändamålen med behandlingen av personuppgifter och den rättsliga grunden",
	hGroups:     "Kategorier av registrerade",
	hCategories: "Registrets innehåll och kategorier av personuppgifter",
	hSources:    "Regelmässiga uppgiftskällor",
	hRecipients: "Regelmässigt utlämnande av uppgifter och mottagare",
	hTransfers:  "Överföring av uppgifter utanför EU eller EES",
	hRetention:  "Lagringstid för personuppgifter",
	hSecurity:   "Principer för skyddet av registret",
	hAutomated:  "Automatiserat beslutsfattande och profilering",
	hCookies:    "Kakor",
	hRights:     "Den registrerades rättigheter och hur de utövas",
	hComplaint:  "Rätt att lämna klagomål till tillsynsmyndigheten",
	hIdentity:   "Kontroll av identiteten",
	hPurpose:    "Ändamålen med behandlingen",
	hBasis:      "Rättslig grund för behandlingen",

	lBusinessID: "FO-nummer", lContactPerson: "Kontaktperson", lAddress: "Postadress", lVisiting: "Besöksadress",
	lPhone: "Telefon", lEmail: "E-post", lWeb: "Webbplats",

	intro:         "I denna beskrivning berättar vi hur vi behandlar personuppgifter enligt artiklarna 13 och 14 i EU:s allmänna dataskyddsförordning (EU) 2016/679. Beskrivningen uppdateras vid behov.",
	registersLead: "Beskrivningen gäller följande personregister:",
	purposesLead:  "Personuppgifterna behandlas för följande ändamål:",
	basisLead:     "Den rättsliga grunden för behandlingen enligt artikel 6.1 i EU:s allmänna dataskyddsförordning:",
	nationalLead:  "Behandlingen regleras dessutom av följande:",
	basis: map[string]string{
		"6(1)(a)": "Samtycke: den registrerade har gett sitt samtycke till behandlingen (artikel 6.1 a). Samtycket kan när som helst återkallas.",
		"6(1)(b)": "Avtal: behandlingen är nödvändig för att fullgöra ett avtal med den registrerade eller för åtgärder som vidtas på dennes begäran innan ett avtal ingås (artikel 6.1 b).",
		"6(1)(c)": "Rättslig förpliktelse: behandlingen är nödvändig för att fullgöra en rättslig förpliktelse som åvilar den personuppgiftsansvarige (artikel 6.1 c).",
		"6(1)(d)": "Grundläggande intressen: behandlingen är nödvändig för att skydda intressen som är av grundläggande betydelse för den registrerade eller för en annan fysisk person (artikel 6.1 d).",
		"6(1)(e)": "Allmänt intresse och myndighetsutövning: behandlingen är nödvändig för att utföra en uppgift av allmänt intresse eller som ett led i myndighetsutövning (artikel 6.1 e).",
		"6(1)(f)": "Berättigat intresse: behandlingen är nödvändig för den personuppgiftsansvariges berättigade intressen (artikel 6.1 f).",
	},
	noGroups:     "Registret innehåller inga uppgifter som identifierar en person.",
	noSources:    "Uppgifterna fås av den registrerade själv.",
	noRecipients: "Uppgifter lämnas inte ut regelmässigt. Uppgifter lämnas ut till myndigheter endast när lagen kräver det.",
	noTransfers:  "Uppgifterna lämnas inte ut och överförs inte utanför EU eller EES.",
	retentionEnd: "Uppgifterna raderas automatiskt när lagringstiden har gått ut.",
	security:     "Personuppgifterna behandlas endast av personer vars arbetsuppgifter kräver det, och endast enligt deras behörighet. Varje användare loggar in med ett personligt användarnamn, och varje visning av personuppgifter registreras i en logg vars integritet kan kontrolleras i efterhand. Personbeteckningar lagras krypterade, och uppgifterna raderas när lagringstiden har gått ut.",
	noAutomated:  "Personuppgifterna används inte för automatiserat beslutsfattande eller profilering.",

	cookieIntro:    "Vi använder kakor (cookies) på vår webbplats. En kaka är en liten textfil som webbläsaren sparar på användarens enhet. Kakor skadar inte användarens enhet eller filer.",
	cookieDataLead: "Med hjälp av kakor samlas följande uppgifter in:",
	cookieOptOut:   "Besökaren kan när som helst blockera kakor eller radera sparade kakor i webbläsarens inställningar. Om kakor blockeras kan det påverka hur webbplatsen fungerar.",

	rightsLead:  "Begäranden som gäller rättigheterna riktas till den personuppgiftsansvarige på kontaktuppgifterna i punkt 1 eller till dataskyddsombudet (punkt 2).",
	rightsTime:  "Begäran besvaras utan onödigt dröjsmål och senast inom en månad. Om begäran inte kan tillmötesgås får den registrerade en skriftlig redogörelse för skälen.",
	identity:    "Den registrerades identitet kontrolleras innan uppgifter lämnas ut eller en begäran verkställs. Identiteten kan styrkas med stark elektronisk identifiering eller med ett officiellt identitetsbevis.",
	rightsScope: "Rätten gäller följande register: %s.",
	rights: []right{
		{id: "rights.access", heading: "Rätt till tillgång (granskningsrätt, artikel 15)",
			text: "Den registrerade har rätt att få veta om personuppgifter om honom eller henne behandlas och att få en kopia av uppgifterna i registret. Uppgifterna lämnas i läsbar form och på begäran elektroniskt, om det kan ske på ett datasäkert sätt."},
		{id: "rights.rectification", heading: "Rätt till rättelse (artikel 16)",
			text: "Den registrerade har rätt att kräva att felaktiga, ofullständiga eller föråldrade uppgifter om honom eller henne rättas eller kompletteras. I begäran ska anges vilka uppgifter som ska rättas och på vilka grunder."},
		{id: "rights.erasure", heading: "Rätt till radering (artikel 17)",
			text: "Den registrerade har rätt att kräva att uppgifter om honom eller henne raderas, om de inte längre behövs för det ändamål för vilket de samlades in eller om det inte längre finns en grund för behandlingen."},
		{id: "rights.restriction", heading: "Rätt till begränsning av behandling (artikel 18)",
			text: "Den registrerade har rätt att begära att behandlingen begränsas, till exempel när han eller hon bestrider att uppgifterna är korrekta och riktigheten kontrolleras."},
		{id: "rights.notification", heading: "Underrättelse om rättelse och radering (artikel 19)",
			text: "Rättelse, radering och begränsning av behandling meddelas dem från vilka de felaktiga uppgifterna har fåtts eller till vilka uppgifterna har lämnats ut, om detta inte visar sig omöjligt eller medföra en oproportionell ansträngning."},
		{id: "rights.portability", heading: "Rätt att flytta uppgifter från ett system till ett annat (artikel 20)", when: "portability",
			text: "Den registrerade har rätt att få de uppgifter som han eller hon själv lämnat i ett strukturerat, allmänt använt och maskinläsbart format och att överföra dem till en annan personuppgiftsansvarig. Rätten gäller uppgifter som behandlas på grundval av samtycke eller avtal."},
		{id: "rights.objection", heading: "Rätt att invända mot behandling (artikel 21)", when: "objection",
			text: "Den registrerade har rätt att av skäl som hänför sig till hans eller hennes särskilda situation invända mot behandling som grundar sig på en uppgift av allmänt intresse eller på den personuppgiftsansvariges berättigade intresse. Om uppgifterna behandlas för direktmarknadsföring har den registrerade rätt att när som helst förbjuda sådan behandling."},
		{id: "rights.automated", heading: "Automatiserade individuella beslut (artikel 22)",
			text: "Den registrerade har rätt att inte bli föremål för ett beslut som enbart grundar sig på automatiserad behandling, inbegripet profilering, och som har rättsliga följder för honom eller henne. Se punkt %d."},
		{id: "rights.consent", heading: "Rätt att återkalla samtycke (artikel 7)", when: "consent",
			text: "När behandlingen grundar sig på samtycke har den registrerade rätt att när som helst återkalla sitt samtycke. Återkallelsen påverkar inte lagligheten av behandling som skett innan samtycket återkallades."},
	},
	erasureIf:  "Uppgifterna raderas dock inte om %s.",
	erasureFor: "%s: uppgifterna raderas inte om %s.",
	erasure: map[string]string{
		policy.ErasureStatutoryTask:    "de behövs för att sköta en lagstadgad uppgift eller förpliktelse",
		policy.ErasureOpenInvoice:      "kunden har obetalda fakturor",
		policy.ErasureDebtCollection:   "uppgifterna behövs för indrivning",
		policy.ErasureLegalClaim:       "de behövs för att fastställa, göra gällande eller försvara rättsliga anspråk",
		policy.ErasureContactPerson:    "personen är kontaktperson för ett företag eller en organisation, och då kan uppgifterna inte raderas under denna tid",
		policy.ErasureAuthorityRequest: "en myndighet har begärt att uppgifterna bevaras",
	},
	or: "eller", and: "och",
	portNone:   "Rätten att flytta uppgifter gäller inte dessa register, eftersom behandlingen inte grundar sig på samtycke eller avtal.",
	portSome:   "Rätten gäller följande register: %s.",
	objectNone: "Behandlingen grundar sig varken på en uppgift av allmänt intresse eller på ett berättigat intresse, och därför finns ingen allmän rätt att invända. Om uppgifterna behandlas för direktmarknadsföring har den registrerade rätt att när som helst förbjuda sådan behandling.",
	complaint:  "Om den registrerade anser att behandlingen av personuppgifter om honom eller henne strider mot EU:s allmänna dataskyddsförordning har han eller hon rätt att lämna klagomål till tillsynsmyndigheten (artikel 77). Klagomålet kan också lämnas i den medlemsstat där den registrerade har sin hemvist eller sin arbetsplats.",
	complainEU: "Den nationella tillsynsmyndighetens kontaktuppgifter:",
	authority: policy.Authority{
		Name:    policy.Text{"fi": "Dataombudsmannens byrå"},
		Address: policy.Text{"fi": "PB 800, 00531 Helsingfors"},
		Phone:   "029 566 6700", Email: "tietosuoja@om.fi", Web: "www.tietosuoja.fi/sv",
	},

	keepVerb: func(subject string, _ bool, d, from string) string {
		return fmt.Sprintf("%s sparas i %s%s.", subject, d, prefixSpace(from))
	},
	extend: func(reasons, short, cap, from string) string {
		return fmt.Sprintf("%s kan enskilda %s sparas längre, dock högst %s%s.", upperFirst(reasons), short, cap, prefixSpace(from))
	},
	reasons: map[string]string{
		"quality_project":   "vid kvalitetsutvecklingsprojekt",
		"complaint":         "vid reklamationer",
		"legal_claim":       "för att utreda rättsliga anspråk",
		"authority_request": "på begäran av en myndighet",
		"open_invoice":      "på grund av en obetald faktura",
		"debt_collection":   "under indrivning",
		"statutory_task":    "för en lagstadgad uppgift",
		"training":          "för utbildning av personalen",
	},
	dur: func(d policy.Duration) string {
		return joinList(durParts(d, [3]string{"1 år", "1 månad", "1 dag"}, [3]string{"år", "månader", "dagar"}, "%d %s"), "och")
	},
	date: func(t time.Time) string { return fmt.Sprintf("%d.%d.%d", t.Day(), t.Month(), t.Year()) },
}

var en = words{
	title: "Privacy notice", version: "Version", publ: "Published", toc: "Contents",

	hController: "Controller and contact details",
	hDPO:        "Data protection officer",
	hRegisters:  "Registers",
	hPurposes:   "Why we process personal data and on what legal basis",
	hGroups:     "Whose data we process",
	hCategories: "What personal data we process",
	hSources:    "Where the data come from",
	hRecipients: "Who receives the data",
	hTransfers:  "Transfers outside the EU or EEA",
	hRetention:  "How long we keep personal data",
	hSecurity:   "How the data are protected",
	hAutomated:  "Automated decision-making and profiling",
	hCookies:    "Cookies",
	hRights:     "Your rights and how to use them",
	hComplaint:  "Your right to complain to the supervisory authority",
	hIdentity:   "Verifying your identity",
	hPurpose:    "Purposes",
	hBasis:      "Legal basis",

	lBusinessID: "Business ID", lContactPerson: "Contact person", lAddress: "Postal address", lVisiting: "Visiting address",
	lPhone: "Telephone", lEmail: "E-mail", lWeb: "Website",

	intro:         "This notice explains how we process personal data, as Articles 13 and 14 of the EU General Data Protection Regulation (EU) 2016/679 (GDPR) require. We update it when our processing changes.",
	registersLead: "This notice covers the following registers:",
	purposesLead:  "We process personal data for these purposes:",
	basisLead:     "Our legal basis under Article 6(1) GDPR:",
	nationalLead:  "The processing is also governed by:",
	basis: map[string]string{
		"6(1)(a)": "Consent: you have given your consent to the processing (Article 6(1)(a) GDPR). You may withdraw it at any time.",
		"6(1)(b)": "Contract: the processing is necessary to perform a contract with you, or to take steps at your request before entering into one (Article 6(1)(b) GDPR).",
		"6(1)(c)": "Legal obligation: the processing is necessary to comply with a legal obligation of the controller (Article 6(1)(c) GDPR).",
		"6(1)(d)": "Vital interests: the processing is necessary to protect your vital interests or those of another person (Article 6(1)(d) GDPR).",
		"6(1)(e)": "Public task: the processing is necessary to perform a task in the public interest or in the exercise of official authority vested in the controller (Article 6(1)(e) GDPR).",
		"6(1)(f)": "Legitimate interests: the processing is necessary for the legitimate interests of the controller (Article 6(1)(f) GDPR).",
	},
	noGroups:     "The register holds no data that identify anyone.",
	noSources:    "We receive the data from you.",
	noRecipients: "We do not disclose the data regularly. We disclose data to authorities only where the law requires it.",
	noTransfers:  "The data are neither disclosed nor transferred outside the EU or the EEA.",
	retentionEnd: "The data are deleted automatically when their retention period ends.",
	security:     "Personal data are handled only by people whose work requires it, and only as far as their access rights allow. Every user signs in with a personal account, and every view of personal data is written to a log whose integrity can be verified afterwards. Personal identity codes are stored encrypted, and data are deleted when their retention period ends.",
	noAutomated:  "We do not use personal data for automated decision-making or profiling.",

	cookieIntro:    "Our website uses cookies. A cookie is a small text file that your browser stores on your device. Cookies do not harm your device or files.",
	cookieDataLead: "Cookies collect the following data:",
	cookieOptOut:   "You can block cookies, or delete cookies already stored, in your browser's settings at any time. Blocking cookies may affect how the website works.",

	rightsLead:  "Send requests about your rights to the controller at the contact details in section 1, or to the data protection officer (section 2).",
	rightsTime:  "We answer without undue delay and within one month at the latest. If we cannot do what you ask, we tell you in writing why.",
	identity:    "We verify your identity before we give you any data or act on your request. You can prove your identity with strong electronic identification or an official identity document.",
	rightsScope: "This right applies to the following registers: %s.",
	rights: []right{
		{id: "rights.access", heading: "Right of access (Article 15)",
			text: "You have the right to know whether we process personal data about you, and to receive a copy of the data about you in our registers. We give you the data in a readable form and, if you ask and it can be done securely, electronically."},
		{id: "rights.rectification", heading: "Right to rectification (Article 16)",
			text: "You have the right to have inaccurate, incomplete or outdated data about you corrected or completed. Please say which data should be corrected and why."},
		{id: "rights.erasure", heading: "Right to erasure (Article 17)",
			text: "You have the right to have data about you erased when they are no longer needed for the purpose for which they were collected, or when there is no longer a basis for processing them."},
		{id: "rights.restriction", heading: "Right to restriction of processing (Article 18)",
			text: "You have the right to ask us to restrict the processing of your data, for example while we check their accuracy after you have contested it."},
		{id: "rights.notification", heading: "Notifying corrections and erasures (Article 19)",
			text: "We tell those from whom we received incorrect data, and those to whom we have disclosed data, about any rectification, erasure or restriction, unless this proves impossible or involves disproportionate effort."},
		{id: "rights.portability", heading: "Right to data portability (Article 20)", when: "portability",
			text: "You have the right to receive the data you have given us in a structured, commonly used and machine-readable format, and to transmit them to another controller. This applies to data processed on the basis of consent or a contract."},
		{id: "rights.objection", heading: "Right to object (Article 21)", when: "objection",
			text: "You have the right to object, on grounds relating to your particular situation, to processing based on a task in the public interest or on our legitimate interests. Where data are processed for direct marketing, you may object to it at any time."},
		{id: "rights.automated", heading: "Automated individual decisions (Article 22)",
			text: "You have the right not to be subject to a decision based solely on automated processing, including profiling, that has legal effects on you. See section %d."},
		{id: "rights.consent", heading: "Right to withdraw consent (Article 7)", when: "consent",
			text: "Where processing is based on your consent, you may withdraw it at any time. Withdrawal does not affect the lawfulness of processing before it."},
	},
	erasureIf:  "We do not, however, erase data where %s.",
	erasureFor: "%s: we do not erase data where %s.",
	erasure: map[string]string{
		policy.ErasureStatutoryTask:    "they are needed for a task or obligation laid down by law",
		policy.ErasureOpenInvoice:      "an invoice is still open",
		policy.ErasureDebtCollection:   "they are needed for debt collection",
		policy.ErasureLegalClaim:       "they are needed to establish, exercise or defend legal claims",
		policy.ErasureContactPerson:    "you act as the contact person of a company or organisation, for as long as you do",
		policy.ErasureAuthorityRequest: "an authority has asked us to keep them",
	},
	or: "or", and: "and",
	portNone:   "The right to data portability does not apply to these registers, because the processing is based neither on consent nor on a contract.",
	portSome:   "This right applies to the following registers: %s.",
	objectNone: "The processing is based neither on a task in the public interest nor on legitimate interests, so the general right to object does not apply. Where data are processed for direct marketing, you may object to it at any time.",
	complaint:  "If you consider that the processing of your personal data infringes the GDPR, you have the right to lodge a complaint with a supervisory authority (Article 77), also in the member state where you live or work.",
	complainEU: "The Finnish supervisory authority:",
	authority: policy.Authority{
		Name:    policy.Text{"fi": "Office of the Data Protection Ombudsman"},
		Address: policy.Text{"fi": "P.O. Box 800, FI-00531 Helsinki, Finland"},
		Phone:   "+358 29 566 6700", Email: "tietosuoja@om.fi", Web: "www.tietosuoja.fi/en",
	},

	keepVerb: func(subject string, singular bool, d, from string) string {
		verb := "are"
		if singular {
			verb = "is"
		}
		return fmt.Sprintf("%s %s kept for %s%s.", subject, verb, d, prefixSpace(from))
	},
	extend: func(reasons, short, cap, from string) string {
		return fmt.Sprintf("%s, individual %s may be kept longer, but for no more than %s%s.", upperFirst(reasons), short, cap, prefixSpace(from))
	},
	reasons: map[string]string{
		"quality_project":   "for quality improvement projects",
		"complaint":         "for complaints",
		"legal_claim":       "to establish, exercise or defend legal claims",
		"authority_request": "at the request of an authority",
		"open_invoice":      "while an invoice is open",
		"debt_collection":   "during debt collection",
		"statutory_task":    "for a statutory task",
		"training":          "for staff training",
	},
	dur: func(d policy.Duration) string {
		return joinList(durParts(d, [3]string{"1 year", "1 month", "1 day"}, [3]string{"years", "months", "days"}, "%d %s"), "and")
	},
	date: func(t time.Time) string { return t.Format("2 January 2006") },
}

func prefixSpace(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}
