package web

// Messages of the agent's views: search, customer page, contact forms,
// the recording player.
func init() { register(agentMessages) }

var agentMessages = map[string]msg{
	"search.guard": {
		"Haku on liian laaja. Anna yksilöivä tunniste (henkilötunnus, Y-tunnus, sähköposti, puhelinnumero tai asiakasnumero) tai vähintään kaksi näistä: koko nimi (etu- ja sukunimi), syntymäaika, katuosoite. Pelkällä etunimellä ei koskaan haeta, jottei näytölle tule muiden asiakkaiden tietoja.",
		"Sökningen är för bred. Ange en entydig identifierare (personbeteckning, FO-nummer, e-post, telefonnummer eller kundnummer) eller minst två av: hela namnet (för- och efternamn), födelsedatum, gatuadress. Man söker aldrig med enbart förnamn, så att andra kunders uppgifter inte visas på skärmen.",
		"The search is too broad. Give an exact identifier (personal identity code, business ID, e-mail, phone number or customer number) or at least two of: full name (first and last name), birth date, street address. A first name alone is never searched, so that other customers' data does not appear on screen.",
	},
}
