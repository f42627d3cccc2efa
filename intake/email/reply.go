package email

import (
	"slices"
	"strings"
	"unicode"

	"github.com/kirjaamo/kirjaamo/pii"
)

// ReplyOrg is what a reply says about the organisation.
type ReplyOrg struct {
	Name             string // signs the reply; "Asiakaspalvelu" etc. when empty
	SecureChannelURL string // where the customer sends securely (turvaposti)
	Phone            string // optional: the matter can also be handled by phone
}

// replyText holds one language's sentences. The texts are written for a
// customer, not translated word by word: each follows seed 000 §3 — say what
// the message held, that it was removed and not stored, and how to send it
// safely — in the plain, friendly register of Finnish customer service.
type replyText struct {
	hello, thanks                   string
	where                           [3]string // body, attachment, both
	code, special, codeAndSpecial   string
	exHealth, exWelfare             string // ", kuten …" examples
	why, removed                    string
	channelURL, channelNoURL, phone string
	after, sign, defaultName        string
	subject                         string // neutral reply subject
}

var replies = map[string]replyText{
	"fi": {
		hello:          "Hei,",
		thanks:         "kiitos viestistäsi.",
		where:          [3]string{"Viestissäsi oli", "Viestisi liitteessä oli", "Viestissäsi ja sen liitteessä oli"},
		code:           "henkilötunnus",
		special:        "arkaluonteisia henkilötietoja",
		codeAndSpecial: "henkilötunnus ja arkaluonteisia henkilötietoja",
		exHealth:       ", kuten terveyteen liittyviä tietoja",
		exWelfare:      ", kuten sosiaalihuollon asiakkuuteen liittyviä tietoja",
		why:            "Tällaisia tietoja ei voi lähettää tavallisella sähköpostilla, koska viestejä ei ole salattu.",
		removed:        "Olemme poistaneet nämä tiedot viestistäsi emmekä ole tallentaneet niitä.",
		channelURL:     "Voit lähettää asiasi meille turvallisesti suojatulla sähköpostilla (turvaposti):",
		channelNoURL:   "Voit lähettää asiasi meille turvallisesti suojatulla sähköpostilla (turvaposti). Kerromme mielellämme, miten se toimii.",
		phone:          "Voit myös soittaa meille numeroon %s.",
		after:          "Käsittelemme asiasi heti, kun saamme sen suojatun kanavan kautta. Kiitos, että autat meitä suojaamaan tietojasi.",
		sign:           "Ystävällisin terveisin",
		defaultName:    "Asiakaspalvelu",
		subject:        "Vastaus viestiisi",
	},
	"sv": {
		hello:          "Hej,",
		thanks:         "tack för ditt meddelande.",
		where:          [3]string{"Det innehöll", "Bilagan till ditt meddelande innehöll", "Ditt meddelande och dess bilaga innehöll"},
		code:           "en personbeteckning",
		special:        "känsliga personuppgifter",
		codeAndSpecial: "en personbeteckning och känsliga personuppgifter",
		exHealth:       ", till exempel uppgifter om hälsa",
		exWelfare:      ", till exempel uppgifter om klientskap inom socialvården",
		why:            "Sådana uppgifter kan inte skickas med vanlig e-post, eftersom den inte är krypterad.",
		removed:        "Vi har tagit bort uppgifterna ur ditt meddelande och har inte sparat dem.",
		channelURL:     "Du kan skicka ditt ärende till oss tryggt med skyddad e-post:",
		channelNoURL:   "Du kan skicka ditt ärende till oss tryggt med skyddad e-post. Vi berättar gärna hur den fungerar.",
		phone:          "Du kan också ringa oss på nummer %s.",
		after:          "Vi behandlar ditt ärende så snart vi får det via en säker kanal. Tack för att du hjälper oss att skydda dina uppgifter.",
		sign:           "Med vänlig hälsning",
		defaultName:    "Kundtjänsten",
		subject:        "Svar på ditt meddelande",
	},
	"en": {
		hello:          "Hello,",
		thanks:         "Thank you for your message.",
		where:          [3]string{"It contained", "The attachment to your message contained", "Your message and its attachment contained"},
		code:           "a personal identity code (henkilötunnus)",
		special:        "sensitive personal data",
		codeAndSpecial: "a personal identity code (henkilötunnus) and sensitive personal data",
		exHealth:       ", such as information about health",
		exWelfare:      ", such as information about social welfare services",
		why:            "Information like this cannot be sent by ordinary e-mail, because ordinary e-mail is not encrypted.",
		removed:        "We have removed this information from your message and have not stored it.",
		channelURL:     "You can send your matter to us safely by secure e-mail:",
		channelNoURL:   "You can send your matter to us safely by secure e-mail. We are happy to tell you how it works.",
		phone:          "You can also call us on %s.",
		after:          "We will handle your matter as soon as we receive it through a secure channel. Thank you for helping us protect your information.",
		sign:           "Kind regards",
		defaultName:    "Customer Service",
		subject:        "Reply to your message",
	},
}

func replyLang(lang string) replyText {
	t, ok := replies[strings.ToLower(strings.SplitN(strings.SplitN(lang, "-", 2)[0], "_", 2)[0])]
	if !ok {
		t = replies["fi"]
	}
	return t
}

// ReplySubject returns the subject for the reply: "Re: " and the original
// subject, unless the subject itself held sensitive data — a reply must not
// send it back — in which case a neutral subject in lang.
func ReplySubject(lang string, v Verdict, subject string) string {
	for _, f := range v.SensitiveFindings() {
		if f.Location.Kind == InSubject {
			return replyLang(lang).subject
		}
	}
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return replyLang(lang).subject
	}
	if len(subject) >= 3 && strings.EqualFold(subject[:3], "re:") {
		return subject
	}
	return "Re: " + subject
}

// ReplyText returns a ready reply, in lang ("fi", "sv" or "en"; a tag such
// as "sv-FI" works, anything else gets Finnish), to a customer whose e-mail
// held what v flags as sensitive. It never quotes the message. It returns ""
// when v is not sensitive: there is nothing to answer for.
func ReplyText(lang string, v Verdict, org ReplyOrg) string {
	if !v.Sensitive() {
		return ""
	}
	t := replyLang(lang)
	inBody, inAtt := false, false
	for _, f := range v.SensitiveFindings() {
		if f.Location.Kind == InAttachment || f.Location.Kind == InAttachmentName {
			inAtt = true
		} else {
			inBody = true
		}
	}
	where := t.where[0]
	switch {
	case inAtt && inBody:
		where = t.where[2]
	case inAtt:
		where = t.where[1]
	}
	what := t.code
	if v.SpecialCategory() {
		what = t.special
		if v.IdentityCode() {
			what = t.codeAndSpecial
		}
		cats := v.Categories()
		switch {
		case slices.Contains(cats, pii.CategoryHealth):
			what += t.exHealth
		case slices.Contains(cats, pii.CategorySocialWelfare):
			what += t.exWelfare
		}
	}

	var b strings.Builder
	b.WriteString(t.hello + "\n\n")
	b.WriteString(t.thanks + " " + where + " " + what + ". " + t.why + " " + t.removed + "\n\n")
	if url := strings.TrimSpace(org.SecureChannelURL); url != "" {
		b.WriteString(t.channelURL + "\n" + url + "\n")
	} else {
		b.WriteString(t.channelNoURL + "\n")
	}
	if ph := strings.TrimSpace(org.Phone); ph != "" {
		b.WriteString(strings.Replace(t.phone, "%s", ph, 1) + "\n")
	}
	b.WriteString("\n" + t.after + "\n\n")
	name := strings.TrimSpace(org.Name)
	if name == "" {
		name = t.defaultName
	}
	b.WriteString(t.sign + "\n" + name + "\n")
	return b.String()
}

// Stop words that are frequent in one language and rare in the other two.
// Words shared across them ("on" in Finnish and English, "en" in Finnish and
// Swedish, "i" in Swedish and English) are left out.
var stopWords = map[string]string{}

func init() {
	for lang, words := range map[string]string{
		"fi": "ja ei että se olen oli ole ovat mutta kun tai jos niin myös mitä tämä tämän siitä sen minä minun minulle minulla te teidän teille hei kiitos voisitteko voitteko olisi onko kuin vielä nyt asia asiasta asiaa koska joka mikä ettei sekä eli terveisin ystävällisin",
		"sv": "och att det är jag inte ett på för med som har till av om min mitt mig vi ni er hej tack den de var så men kan skulle från eller också vänliga hälsningar när där här vill ska hur",
		"en": "the and is to of you it that my for not have this with be are hello hi thanks thank please can your was would could from or also regards dear will what when there here want how",
	} {
		for _, w := range strings.Fields(words) {
			stopWords[w] = lang
		}
	}
}

// GuessLang guesses whether text is Finnish, Swedish or English by counting
// stop words (an 'å' counts for Swedish). With no evidence it returns "fi",
// the language a Finnish organisation answers in by default.
func GuessLang(text string) string {
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		if l, ok := stopWords[w]; ok {
			counts[l]++
		}
		if strings.ContainsRune(w, 'å') {
			counts["sv"]++
		}
	}
	best, n := "fi", 0
	for _, l := range []string{"fi", "sv", "en"} {
		if counts[l] > n {
			best, n = l, counts[l]
		}
	}
	return best
}
