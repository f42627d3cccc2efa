package notice

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden are the options of every golden rendering: fixed, so the files
// change only when the text does.
var golden = Options{Version: "golden", Published: time.Date(2020, 11, 25, 0, 0, 0, 0, time.UTC)}

func load(t *testing.T, name string) *policy.Policy {
	t.Helper()
	p, err := policy.Load(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func render(t *testing.T, p *policy.Policy, lang, format string) string {
	t.Helper()
	out, err := Render(p, lang, format, golden)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestGolden renders every example policy in every language and format
// and compares with testdata/NAME.LANG.FORMAT; go test -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("found %d example policies (%v), want at least 3", len(files), err)
	}
	for _, f := range files {
		p := load(t, filepath.Base(f))
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		for _, lang := range Languages() {
			for _, format := range Formats() {
				name := base + "." + lang + "." + format
				t.Run(name, func(t *testing.T) {
					got := render(t, p, lang, format)
					path := filepath.Join("testdata", name)
					if *update {
						if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./notice -update to create it)", err)
					}
					if got != string(want) {
						t.Errorf("%s differs from the golden file; run go test ./notice -update and review the diff\n%s", name, firstDiff(got, string(want)))
					}
				})
			}
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// seedFacts lists, per seed, what the seed itself states — every retention
// period, purpose, legal basis, recipient rule and right — as it must read
// in the Finnish notice rendered from the example policy.
var seedFacts = map[string][]string{
	"seed001-customer-register.yaml": {
		// retention
		"10 vuotta asiakkuuden päättymisestä",
		// purposes
		"Asiakasrekisterin ylläpitäminen ja asiakassuhteen hoitaminen",
		"tilausten hallinnointi, arkistointi ja käsittely",
		"Toiminnan kehittäminen ja tilastointi",
		"kohdennetun sisällön tuottaminen verkkopalveluissamme",
		"mainonnan kohdistaminen organisaation omissa rekistereissä luovuttamatta henkilötietoja ulkopuolisille",
		// legal basis: the contract
		"Sopimus: käsittely on tarpeen",
		"6 artiklan 1 kohdan b alakohta",
		// data and sources
		"Henkilön etu- ja sukunimi", "Laskutustiedot", "IP-numero", "Tiedot aikaisemmista tilauksista",
		"Nimi- ja yhteystietojen päivityksiä",
		// recipients and transfers
		"ulkoistuskumppanit (taloushallinto)",
		"lisäarvopalvelun tuottamiseksi tai luottopäätöksen tueksi",
		"paitsi luottohakemukseen, perintään tai laskutukseen liittyvissä asioissa sekä lainsäädännön velvoittaessa",
		"ellei se ole rekisterinpitäjän tai sen yhteistyökumppanin teknisen toteutuksen varmistamiseksi tarpeellista",
		// erasure unless law, open invoices or debt collection prevent it;
		// a contact person's data stay while they act as one
		"Tietoja ei kuitenkaan poisteta, jos",
		"lakisääteisen tehtävän tai velvoitteen", "avoimia laskuja", "perintätoimiin", "yhteyshenkilönä",
		// rights
		"Oikeus saada pääsy tietoihin (tarkastusoikeus",
		"kirjallisesti ja allekirjoitettuina", "suomeksi tai englanniksi",
		"Oikeus tietojen oikaisemiseen",
		"virheellinen, tarpeeton, puutteellinen tai vanhentunut henkilötieto oikaistaan, poistetaan tai täydennetään",
		"omakätisesti allekirjoitetulla kirjallisella pyynnöllä",
		"kirjallisen todistuksen", "tietosuojavaltuutetun ratkaistavaksi",
		"ilmoitetaan niille, joilta virheelliset tiedot on saatu tai joille tietoja on luovutettu",
		"Oikeus käsittelyn rajoittamiseen",
		"Oikeus siirtää tiedot järjestelmästä toiseen",
		"Oikeus tietojen poistamiseen",
		"suoramainontaa, etämyyntiä ja muuta suoramarkkinointia sekä markkina- ja mielipidetutkimusta",
		"ellei asiakas sitä kiellä",
		// cookies
		"Google Analytics", "vierailijan IP-osoite", "selatut sivut ja sivujen katseluajat",
		"https://www.google.com/settings/ads", "selaimensa asetuksista",
		// security
		"lukituissa ja paloturvallisissa", "salassapitositoumuksen", "palomuurilla",
		// complaint
		"oikeus tehdä valitus valvontaviranomaiselle", "vakinainen asuinpaikka tai työpaikka",
		"Tietosuojavaltuutetun toimisto", "tietosuoja@om.fi", "www.tietosuoja.fi",
	},
	"seed002-te-contact-centre.yaml": {
		// controller and DPO
		"PL 164, 50101 Mikkeli", "Jääkärinkatu 14, 50100 Mikkeli", "0295 024 000",
		"kirjaamo.etela-savo@ely-keskus.fi", "Stefan Strandberg", "Miika Pentikäinen", "tietosuoja.keha@ely-keskus.fi",
		"Julkaistu 25.11.2020",
		// retention
		"Puhelutallenteita säilytetään 6 kuukautta. Laadun kehittämishankkeissa ja reklamaatiotilanteissa yksittäisiä tallenteita voidaan säilyttää pidempään, kuitenkin enintään 12 kuukautta.",
		"Chat-palvelun keskusteluissa ei ole asiakkaan tunnistetietoja, ja keskusteluja säilytetään 180 päivää",
		"tilata keskusteluhistorian omaan sähköpostiinsa",
		"Sähköposteja säilytetään 180 päivää.",
		"Sähköisiä yhteydenottopyyntöjä säilytetään 180 päivää.",
		"säilytetään EU-komission tietovarastossa enintään 3 vuotta, minkä jälkeen ne poistetaan automaattisesti",
		// purposes
		"Lakisääteisten tehtävien hoitaminen, palveluiden toteuttaminen ja yhteydenpito asiakkaisiin",
		"Palvelutapahtuman varmentaminen reklamaatiotilanteissa",
		"asiakaspalveluhenkilöstön kouluttaminen palvelun laadun kehittämiseksi",
		// legal basis: art. 6 and the national laws
		"6 artiklan 1 kohdan c alakohta", "6 artiklan 1 kohdan e alakohta",
		"Laki julkisesta työvoima- ja yrityspalvelusta (916/2012)", "Työttömyysturvalaki (1290/2002)",
		"Vuorotteluvapaalaki (1305/2002)", "Laki kotoutumisen edistämisestä (1386/2010)",
		"Laki kuntouttavasta työtoiminnasta (189/2001)",
		"Laki työllistymistä edistävästä monialaisesta yhteispalvelusta (1369/2014)",
		"EU-asetus digitaalisesta palveluväylästä (EU) 2018/1724",
		// data, sources
		"Henkilön yksilöintitiedot: nimi ja henkilötunnus", "nimi ja Y-tunnus", "Työllisyys- ja työhistoriatiedot sekä työttömyysturvatiedot",
		"TE-hallinnon asiakastietojärjestelmä", "Kauppa-, säätiö- ja yhdistysrekisteri",
		// recipients and transfers
		"Ei säännönmukaisia luovutuksia.",
		"luovuttaa asiakkaiden tietoja muille viranomaisille vain silloin, kun luovuttamisesta säädetään laissa",
		"Tietoja ei luovuteta eikä siirretä EU:n tai ETA:n ulkopuolelle.",
		// security
		"vaitiolositoumuksen", "salassapitovelvollisuus", "32 artikla",
		// rights
		"Oikeus saada pääsy tietoihin (tarkastusoikeus, 15 artikla)",
		"kirjallisesti, ja ne tulee allekirjoittaa", "Etelä-Savon ELY-keskuksen kirjaamoon",
		"huolehtia sähköpostin salaamisesta",
		"kontaktin ajankohta", "Puhelutallenteen kuuntelu tapahtuu erikseen sovittavassa TE-toimiston tai ELY-keskuksen toimipaikassa",
		"varautua todistamaan henkilöllisyytensä",
		"Oikeus tietojen oikaisemiseen (16 artikla)", "Oikeus tietojen poistamiseen (17 artikla)",
		"Tietoja ei kuitenkaan poisteta, jos niitä tarvitaan lakisääteisen tehtävän tai velvoitteen hoitamiseen.",
		"kirjallinen selvitys, josta käyvät ilmi epäämisen syyt",
		// complaint
		"oikeus tehdä valitus valvontaviranomaiselle (77 artikla)",
	},
	"seed004-staffpoint.yaml": {
		"StaffPoint Oy ja sen konserniyhtiöt", "Y-tunnus: 2492090-1", "Ruoholahdenkatu 14, 00180 Helsinki", "tietosuoja@staffpoint.fi",
		// retention
		"Chat-keskusteluja säilytetään 180 päivää.",
		"Puheluhistoriaa ohjaustietoineen säilytetään 2 vuotta operaattorin lakisääteisten velvoitteiden noudattamiseksi.",
		"Puhelutallenteita säilytetään 3 kuukautta.",
		// purposes
		"StaffPointin asiakaspalvelun toteuttaminen.", "Asiakaspalvelun laadun varmistaminen ja palvelun kehittäminen.",
		"Henkilöstön kouluttaminen ja ohjeistusten kehittäminen.",
		// legal bases: relationship, legitimate interest, separate consent
		// that can be withdrawn, statutory obligation
		"Sopimus: käsittely on tarpeen", "Oikeutettu etu: käsittely on tarpeen", "Suostumus: rekisteröity on antanut suostumuksensa",
		"Suostumuksen voi peruuttaa milloin tahansa", "Lakisääteinen velvoite: käsittely on tarpeen",
		// groups, data, sources
		"asiakkaiden ja potentiaalisten asiakkaiden yhteyshenkilöt", "StaffPointin työntekijät ja työnhakijat",
		"Vierailijan istunnon tunniste", "Puhelun aloitus- ja lopetusaika", "Asiakkaan puhelinsoitto",
		// recipients, transfers
		"Muut StaffPoint-konserniin kuuluvat yhtiöt tarpeellisin osin",
		"Palveluntuottajat, jotka käsittelevät henkilötietoja StaffPointin lukuun",
		"Henkilötietoja käsitellään pääsääntöisesti vain EU/ETA-alueella.",
		// rights, identity
		"Oikeus saada pääsy tietoihin (tarkastusoikeus, 15 artikla)",
		"järjestää tilaisuuden tutustua tietoihin jossakin rekisterinpitäjän toimipaikoista",
		"Oikeus tietojen oikaisemiseen", "Oikeus tietojen poistamiseen", "Oikeus käsittelyn rajoittamiseen",
		"Oikeus vastustaa käsittelyä", "Oikeus siirtää tiedot järjestelmästä toiseen", "koneluettavassa muodossa",
		"vahvalla sähköisellä tunnistautumisella tai esittämällä virallinen henkilöllisyystodistus",
		// automated decisions, security, complaint
		"Henkilötietoja ei käytetä automaattiseen päätöksentekoon tai profilointiin.",
		"henkilökohtaisella tunnuksella", "salassapitovelvollisuutta",
		"oikeus tehdä valitus valvontaviranomaiselle",
	},
}

// TestSeedFacts: the Finnish notice of each seed's example states every
// fact the seed states.
func TestSeedFacts(t *testing.T) {
	for file, facts := range seedFacts {
		t.Run(strings.TrimSuffix(file, ".yaml"), func(t *testing.T) {
			p := load(t, file)
			for _, format := range Formats() {
				out := render(t, p, "fi", format)
				if format == "html" {
					out = htmlText(out)
				}
				for _, f := range facts {
					if !strings.Contains(out, f) {
						t.Errorf("%s: the %s notice does not state %q", file, format, f)
					}
				}
			}
		})
	}
}

// htmlText undoes the escaping the facts may meet in HTML.
func htmlText(s string) string {
	return strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&", "<br>\n", "\n").Replace(s)
}

// TestRetentionChangeMovesNoticeAndExpiry: one edit of the policy's rule
// changes both the date RetentionRule.ExpiresAt gives the sweeper and the
// sentence the notice publishes — they read the same rule.
func TestRetentionChangeMovesNoticeAndExpiry(t *testing.T) {
	src, err := os.ReadFile("../examples/seed002-te-contact-centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const before = "      - part: recording\n        keep: 6m\n"
	if !bytes.Contains(src, []byte(before)) {
		t.Fatal("the seed 002 example no longer has the recording rule this test edits")
	}
	edited := bytes.Replace(src, []byte(before), []byte("      - part: recording\n        keep: 9m\n"), 1)
	oldP, err := policy.Parse("old.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	newP, err := policy.Parse("new.yaml", edited)
	if err != nil {
		t.Fatal(err)
	}
	callEnded := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	oldRule, _ := oldP.Register("calls").Rule(policy.PartRecording)
	newRule, _ := newP.Register("calls").Rule(policy.PartRecording)
	if got, want := oldRule.ExpiresAt(callEnded), time.Date(2025, 7, 15, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("before: ExpiresAt = %v, want %v", got, want)
	}
	if got, want := newRule.ExpiresAt(callEnded), time.Date(2025, 10, 15, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("after: ExpiresAt = %v, want %v", got, want)
	}
	for _, c := range []struct {
		lang, before, after string
	}{
		{"fi", "Puhelutallenteita säilytetään 6 kuukautta.", "Puhelutallenteita säilytetään 9 kuukautta."},
		{"sv", "Samtalsinspelningar sparas i 6 månader.", "Samtalsinspelningar sparas i 9 månader."},
		{"en", "Call recordings are kept for 6 months.", "Call recordings are kept for 9 months."},
	} {
		o, n := render(t, oldP, c.lang, "md"), render(t, newP, c.lang, "md")
		if !strings.Contains(o, c.before) || strings.Contains(o, c.after) {
			t.Errorf("%s: the old notice should say %q", c.lang, c.before)
		}
		if !strings.Contains(n, c.after) || strings.Contains(n, c.before) {
			t.Errorf("%s: the new notice should say %q", c.lang, c.after)
		}
	}
}

func TestDurationsInflected(t *testing.T) {
	for _, c := range []struct{ d, fi, sv, en string }{
		{"6m", "6 kuukautta", "6 månader", "6 months"},
		{"180d", "180 päivää", "180 dagar", "180 days"},
		{"2y", "2 vuotta", "2 år", "2 years"},
		{"10y", "10 vuotta", "10 år", "10 years"},
		{"1y", "vuoden", "1 år", "1 year"},
		{"1m", "kuukauden", "1 månad", "1 month"},
		{"1y6m", "vuoden ja 6 kuukautta", "1 år och 6 månader", "1 year and 6 months"},
		{"2w", "14 päivää", "14 dagar", "14 days"},
	} {
		d := policy.MustParseDuration(c.d)
		for lang, want := range map[string]string{"fi": c.fi, "sv": c.sv, "en": c.en} {
			w, _ := wordsFor(lang)
			if got := w.dur(d); got != want {
				t.Errorf("%s in %s: got %q, want %q", c.d, lang, got, want)
			}
		}
	}
}

// Every built-in extension reason, erasure exception and GDPR point has
// its wording in every language; a missing one would print an empty
// phrase.
func TestEveryLanguageComplete(t *testing.T) {
	for _, lang := range Languages() {
		w, _ := wordsFor(lang)
		for _, r := range policy.ExtensionReasonPhrases() {
			if w.reasons[r] == "" {
				t.Errorf("%s: no wording for extension reason %s", lang, r)
			}
		}
		for _, e := range policy.ErasureExceptions() {
			if w.erasure[e] == "" {
				t.Errorf("%s: no wording for erasure exception %s", lang, e)
			}
		}
		for _, p := range policy.GDPRPoints() {
			if w.basis[p] == "" {
				t.Errorf("%s: no wording for %s", lang, p)
			}
		}
		for _, r := range w.rights {
			if !strings.HasPrefix(r.id, "rights.") {
				t.Errorf("%s: right id %q", lang, r.id)
			}
		}
	}
}

// The HTML is one self-contained, accessible page.
func TestHTMLSelfContained(t *testing.T) {
	p := load(t, "seed002-te-contact-centre.yaml")
	for _, lang := range Languages() {
		out := render(t, p, lang, "html")
		for _, want := range []string{`<html lang="` + lang + `">`, "<meta charset=\"utf-8\">", "<style>", "<h1>", `<h2 id="retention">`, "<main>"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: missing %s", lang, want)
			}
		}
		for _, bad := range []string{"http://", "<script", "<link", "@import", "url("} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: the page refers outside itself (%s)", lang, bad)
			}
		}
		if strings.Count(out, "<h1>") != 1 {
			t.Errorf("%s: want exactly one h1", lang)
		}
	}
}

// Overrides replace a paragraph only in the languages they give, and are
// escaped like any text.
func TestOverride(t *testing.T) {
	src := `version: 1
controller: {name: Esimerkki Oy}
dpo: {email: tietosuoja@esimerkki.fi}
registers:
  - id: customers
    name: Asiakkaat
    records: subjects
    purposes: [Asiakassuhteen hoitaminen]
    legal_basis: {gdpr: [6(1)(b)]}
    data_categories: [Nimi]
    retention:
      - {part: subject, keep: 10y, from: relationship_end}
notice:
  paragraphs:
    complaint: {sv: "Klagomål <b>till</b> dataombudsmannen."}
    retention.customers.subject: {fi: "Asiakkaan tietoja säilytetään {keep} asiakkuuden päättymisestä kirjanpitolain vuoksi."}
`
	p, err := policy.Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sv := render(t, p, "sv", "html")
	if !strings.Contains(sv, "Klagomål &lt;b&gt;till&lt;/b&gt; dataombudsmannen.") {
		t.Errorf("the Swedish override is missing or not escaped")
	}
	if fi := render(t, p, "fi", "md"); strings.Contains(fi, "Klagomål") || !strings.Contains(fi, "Asiakkaan tietoja säilytetään 10 vuotta asiakkuuden päättymisestä kirjanpitolain vuoksi.") {
		t.Errorf("the Finnish notice should keep its complaint paragraph and fill {keep}:\n%s", fi)
	}
	if en := render(t, p, "en", "md"); !strings.Contains(en, "Personal and contact details are kept for 10 years after the customer relationship ends.") {
		t.Errorf("the English retention should stay generated")
	}
}

func TestDigestStable(t *testing.T) {
	p := load(t, "seed004-staffpoint.yaml")
	a, b := render(t, p, "fi", "html"), render(t, p, "fi", "html")
	if Digest([]byte(a)) != Digest([]byte(b)) || !strings.HasPrefix(Digest([]byte(a)), "sha256:") {
		t.Fatalf("digest not stable: %s %s", Digest([]byte(a)), Digest([]byte(b)))
	}
	if Digest([]byte(a)) == Digest([]byte(render(t, p, "sv", "html"))) {
		t.Fatal("Finnish and Swedish notices have the same digest")
	}
}

func TestRenderRefuses(t *testing.T) {
	p := load(t, "seed004-staffpoint.yaml")
	if _, err := Render(p, "de", "md", Options{}); err == nil {
		t.Error("lang de: want an error")
	}
	if _, err := Render(p, "fi", "pdf", Options{}); err == nil {
		t.Error("format pdf: want an error")
	}
}
