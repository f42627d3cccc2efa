package piitest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Span is a ground-truth annotation: Text[Start:End] is personal data of Type
// (the pii.Type string). Category is set for special_category.
type Span struct {
	Type     string
	Start    int
	End      int
	Category string
}

// Doc is one annotated message.
type Doc struct {
	Text  string
	Spans []Span
}

// IdentifierTypes are the seven identifier types measured for precision and
// recall (special categories are words, not identifiers).
var IdentifierTypes = []string{
	"fi_personal_identity_code", "fi_business_id", "iban", "payment_card",
	"phone_number", "email_address", "ip_address",
}

// slot generators: personal data (annotated) and decoys (not annotated).
var piiSlots = map[string]struct {
	typ string
	gen func(*rand.Rand) string
}{
	"hetu":  {"fi_personal_identity_code", HETU},
	"thetu": {"fi_personal_identity_code", TemporaryHETU},
	"ytun":  {"fi_business_id", BusinessID},
	"vat":   {"fi_business_id", VATNumber},
	"iban":  {"iban", IBAN},
	"card":  {"payment_card", Card},
	"phone": {"phone_number", Phone},
	"email": {"email_address", Email},
	"ip4":   {"ip_address", IPv4},
	"ip6":   {"ip_address", IPv6},
}

var decoySlots = map[string]func(*rand.Rand) string{
	"badhetu": HETUBadCheck,
	"baddate": HETUBadDate,
	"badind":  HETUBadIndividual,
	"badytun": BusinessIDBad,
	"badiban": IBANBad,
	"badcard": CardBadLuhn,
	"rf":      CreditorReference,
	"viite":   Viitenumero,
	"order":   func(r *rand.Rand) string { return fmt.Sprintf("%d", 100000+r.IntN(9_900_000)) },
	"order2":  func(r *rand.Rand) string { return fmt.Sprintf("%d-%05d", 2020+r.IntN(6), r.IntN(100000)) },
	"amount":  amount,
	"time":    func(r *rand.Rand) string { return fmt.Sprintf("%d.%02d", 8+r.IntN(10), r.IntN(4)*15) },
	"time2":   func(r *rand.Rand) string { return fmt.Sprintf("%02d:%02d", 8+r.IntN(10), r.IntN(60)) },
	"date":    func(r *rand.Rand) string { return fmt.Sprintf("%d.%d.%d", 1+r.IntN(28), 1+r.IntN(12), 2019+r.IntN(7)) },
	"date2": func(r *rand.Rand) string {
		return fmt.Sprintf("%02d.%02d.%d", 1+r.IntN(28), 1+r.IntN(12), 2019+r.IntN(7))
	},
	"isodate": func(r *rand.Rand) string {
		return fmt.Sprintf("%d-%02d-%02d", 2019+r.IntN(7), 1+r.IntN(12), 1+r.IntN(28))
	},
	"postal": func(r *rand.Rand) string {
		return fmt.Sprintf("%05d", []int{100, 130, 250, 520, 990, 2150, 33100, 20100, 50100, 90100}[r.IntN(10)])
	},
	"version":  func(r *rand.Rand) string { return fmt.Sprintf("%d.%d.%d", 1+r.IntN(20), r.IntN(30), r.IntN(100)) },
	"tracking": tracking,
	"bic": func(r *rand.Rand) string {
		return []string{"NDEAFIHH", "OKOYFIHH", "HELSFIHH", "DABAFIHH", "AABAFI22", "SBANFIHH", "ESSESESS"}[r.IntN(7)]
	},
	"count": func(r *rand.Rand) string { return fmt.Sprint(1 + r.IntN(500)) },
}

func amount(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("%d %03d,%02d", 1+r.IntN(99), r.IntN(1000), r.IntN(100))
	case 1:
		return fmt.Sprintf("%d,%02d", r.IntN(1000), r.IntN(100))
	default:
		return fmt.Sprintf("%d %03d %03d", 1+r.IntN(9), r.IntN(1000), r.IntN(1000))
	}
}

func tracking(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return "JJFI" + digitsN(r, 17)
	case 1:
		return fmt.Sprintf("%c%c%sFI", 'A'+r.IntN(26), 'A'+r.IntN(26), digitsN(r, 9))
	default:
		return "1Z" + digitsN(r, 3) + "AA" + digitsN(r, 10)
	}
}

// specialWords are inflected words and phrases revealing special categories,
// written as a customer would (not taken from the scanner's term list).
var specialWords = map[string][]string{
	"health": {"masennuksen", "diabetes", "syöpään", "sairauslomalla", "mielenterveysongelmia", "raskaana",
		"astman", "psykiatrisella", "lääkityksen", "depression", "sjukskriven", "cancer", "diagnosed", "pregnant",
		"päihdeongelma", "epilepsia", "sairaalassa", "kuntoutuksen"},
	"religion": {"uskonnollisista", "seurakunnan", "kirkosta", "muslimina", "kristittynä", "religiösa", "church",
		"islamilaisen", "juutalainen", "Jehovan todistajana"},
	"ethnicity":          {"etnisen taustan", "romanina", "saamelaisena", "etnisk", "ethnic background"},
	"trade_union":        {"ammattiliiton", "ammattiliittoon", "fackförbundet", "trade union", "luottamusmiehen"},
	"sexual_orientation": {"seksuaalisen suuntautumisen", "homoseksuaali", "lesbo", "bisexuell", "gay", "transsukupuolinen"},
	"social_welfare": {"sosiaalitoimistossa", "toimeentulotukea", "lastensuojelun", "huostaanoton", "socialtjänsten",
		"social worker", "sosiaalityöntekijä", "velkaneuvonnasta", "omaishoidon"},
}

// Templates: {slot} is replaced by a generated value; {special} by a
// special-category word. Filler sentences carry no personal data.
var fillers = []string{
	"Kiitos yhteydenotostanne, palaamme asiaan mahdollisimman pian.",
	"Asiakas kysyi laskun eräpäivästä ja maksuaikataulusta.",
	"Tarkistin tilauksen tilan järjestelmästä ja välitin tiedon eteenpäin.",
	"Asiakas toivoi, että häneen otetaan yhteyttä iltapäivällä.",
	"Henkilötietoja käsitellään tietosuoja-asetuksen mukaisesti.",
	"Keskustelu siirrettiin toiselle asiantuntijalle.",
	"Tallenne säilytetään kuusi kuukautta ja poistetaan sen jälkeen.",
	"Asiakas halusi tietää, mitä tietoja hänestä on tallennettu.",
	"Chat-keskustelu päättyi, asiakas oli tyytyväinen vastaukseen.",
	"Tilaus toimitetaan noin {count} arkipäivän kuluessa.",
	"Kunden ville veta när fakturan förfaller.",
	"Vi har tagit emot ditt ärende och återkommer så snart som möjligt.",
	"Samtalet spelades in för kvalitetssäkring.",
	"The customer asked about the delivery schedule and was given an estimate.",
	"Thank you for contacting us, we will get back to you shortly.",
	"The call was transferred to the billing team.",
	"Asiakas soitti uudelleen, koska edellinen viesti ei ollut tullut perille.",
	"Ohjeistin asiakasta kirjautumaan verkkopalveluun pankkitunnuksilla.",
	"Palaute välitetty tuotekehitykselle, ei jatkotoimenpiteitä.",
	"Asiakkaan toive: yhteydenotto sähköpostilla eikä puhelimitse.",
}

var piiTemplates = []string{
	"Asiakkaan henkilötunnus on {hetu}, tunnistettu puhelimessa.",
	"Hetu {hetu} ja uusi osoite päivitetty.",
	"Tilapäinen tunnus {thetu} annettu ulkomaalaiselle asiakkaalle.",
	"Kundens personbeteckning är {hetu}.",
	"Customer gave identity code {hetu} for verification.",
	"Yrityksen Y-tunnus on {ytun}.",
	"Laskutus: {ytun}, ALV-numero {vat}.",
	"Företagets FO-nummer {ytun}.",
	"Palautus tilille {iban}, asiakas vahvisti.",
	"Tilinumero: {iban}",
	"Återbetalning till konto {iban}.",
	"Refund to account {iban} requested.",
	"Asiakas liitti chattiin kortin numeron {card}, poistettava.",
	"Kortti {card} vanhenee ensi vuonna.",
	"Card number {card} was read out on the call.",
	"Soita takaisin numeroon {phone}.",
	"Puh. {phone}, {email}",
	"Asiakkaan numero {phone} ja sähköposti {email}.",
	"Ring kunden på {phone}.",
	"Please call me at {phone} after {time}.",
	"Lähetä vahvistus osoitteeseen {email}.",
	"Skicka bekräftelsen till {email}.",
	"Reply to {email} with the case number {order}.",
	"Kirjautuminen osoitteesta {ip4}:{count}{count} epäonnistui.",
	"Login from {ip4} was blocked.",
	"Yhteys IPv6-osoitteesta {ip6} katkesi.",
	"Request from {ip6} logged by the firewall.",
	"Asiakas kertoi {special}, ei kirjata.",
	"Asiakas mainitsi olevansa {special} eikä halunnut asiaa muistiinpanoihin.",
	"Kunden berättade om {special}.",
	"The caller mentioned {special} during the call.",
	"Asiakas on {special}, soita numeroon {phone}.",
}

var decoyTemplates = []string{
	"Lasku {amount} € erääntyy {date}, viite {viite}.",
	"Maksa {amount} euroa, viitenumero {viite}.",
	"Viite {rf}, summa {amount} €.",
	"Creditor reference {rf}.",
	"Tilausnumero {order}, toimitus {isodate}.",
	"Tilaus {order2} lähetetty, seurantakoodi {tracking}.",
	"Paketin seurantatunnus {tracking} toimitettiin {postal} Helsinki.",
	"Tapaaminen klo {time} tai kello {time2}.",
	"Avoinna ma-pe {time}-{time}, la 10-14.",
	"Postiosoite PL {count}, {postal} Tampere.",
	"Sovellusversio {version}, päivitetty {date2}.",
	"Appen version {version} kraschade.",
	"BIC {bic}, tilin saaja Yritys Oy.",
	"Swift/BIC: {bic}.",
	"Asiakkaan antama tunnus {badhetu} ei täsmännyt.",
	"Tunnus {baddate} on virheellinen.",
	"Syötetty tunnus {badind} hylättiin.",
	"Y-tunnus {badytun} väärin kirjoitettu.",
	"Tilinumero {badiban} ei kelpaa.",
	"Kortin numero {badcard} hylättiin.",
	"Hinta {amount} € sis. alv {count} %.",
	"Odotusaika noin {count} min, jonossa {count} asiakasta.",
	"Sopimus {order} päättyy {date}.",
}

// Corpus generates a customer-service text of about size bytes with about 2%
// personal data by bytes, and its ground-truth spans. The same seed gives the
// same corpus; use different seeds for tuning and for held-out measurement.
func Corpus(seed uint64, size int) (string, []Span) {
	r := NewRand(seed)
	var b strings.Builder
	b.Grow(size + 256)
	var spans []Span
	for b.Len() < size {
		spans = writeMessage(r, &b, spans)
	}
	return b.String(), spans
}

// Docs generates n annotated messages (each a few sentences), for JSON Lines
// evaluation.
func Docs(seed uint64, n int) []Doc {
	r := NewRand(seed)
	docs := make([]Doc, n)
	for k := range docs {
		var b strings.Builder
		docs[k].Spans = writeMessage(r, &b, nil)
		docs[k].Text = b.String()
	}
	return docs
}

func writeMessage(r *rand.Rand, b *strings.Builder, spans []Span) []Span {
	sentences := 3 + r.IntN(6)
	for k := 0; k < sentences; k++ {
		var tpl string
		switch x := r.IntN(100); {
		case x < 7:
			tpl = piiTemplates[r.IntN(len(piiTemplates))]
		case x < 17:
			tpl = decoyTemplates[r.IntN(len(decoyTemplates))]
		default:
			tpl = fillers[r.IntN(len(fillers))]
		}
		spans = expand(r, b, tpl, spans)
		if k < sentences-1 {
			b.WriteByte(' ')
		}
	}
	b.WriteString("\n")
	return spans
}

func expand(r *rand.Rand, b *strings.Builder, tpl string, spans []Span) []Span {
	for {
		open := strings.IndexByte(tpl, '{')
		if open < 0 {
			b.WriteString(tpl)
			return spans
		}
		closeAt := strings.IndexByte(tpl[open:], '}') + open
		b.WriteString(tpl[:open])
		slot := tpl[open+1 : closeAt]
		tpl = tpl[closeAt+1:]
		start := b.Len()
		if p, ok := piiSlots[slot]; ok {
			b.WriteString(p.gen(r))
			spans = append(spans, Span{Type: p.typ, Start: start, End: b.Len()})
			continue
		}
		if slot == "special" {
			cats := []string{"health", "religion", "ethnicity", "trade_union", "sexual_orientation", "social_welfare"}
			cat := cats[r.IntN(len(cats))]
			ws := specialWords[cat]
			b.WriteString(ws[r.IntN(len(ws))])
			spans = append(spans, Span{Type: "special_category", Start: start, End: b.Len(), Category: cat})
			continue
		}
		if g, ok := decoySlots[slot]; ok {
			b.WriteString(g(r))
			continue
		}
		panic("piitest: unknown slot " + slot)
	}
}
