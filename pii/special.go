package pii

import "strings"

// specialTerms lists words and phrases that reveal special categories of
// personal data (GDPR art. 9) and social-welfare clienthood, which Finnish law
// treats as confidential (seed 000 §2: "terveystieto", "sosiaalihuollon
// asiakkuus").
//
// A term ending in '*' is a stem: it matches at a word start and the match
// extends to the end of the word, which covers Finnish and Swedish inflection
// (masennus, masennuksen, masennusta → "masennu*" + "masennuk*"). A term
// without '*' must be a whole word. Spaces separate the words of a phrase;
// each word of a phrase may itself be a stem. Stems are chosen to avoid common
// unrelated words: "uskon" is "I believe", so religion uses "uskonto*",
// "uskonno*"; "kristi*" would hit the name Kristiina.
var specialTerms = map[string][]string{
	CategoryHealth: {
		// fi
		"diagnoo*", "diagnos*", "sairau*", "sairaud*", "sairauk*", "sairas*", "sairaana",
		"sairaala*", "sairaalaa*", "sairaalass*", "sairaalast*", "sairaalaan", "sairastu*",
		"masennu*", "masennuk*", "masentu*", "depressi*", "diabete*", "syöpä*", "syövä*", "syöpi*",
		"astma*", "epilepsi*", "mielenterv*", "psykiatr*", "psykoosi*", "psykoos*", "skitsofren*",
		"kaksisuuntai*", "ahdistu*", "ahdistuneisuu*", "paniikkihäiriö*", "syömishäiriö*",
		"raskaana", "raskaus*", "raskaud*", "keskenmeno*", "lääkity*", "reseptilääk*", "hiv", "aids",
		"hepatiit*", "alzheimer*", "dementi*", "muistisairau*", "parkinson*", "migreen*", "reuma*",
		"allergi*", "keliakia*", "kehitysvamm*", "näkövamm*", "kuulovamm*", "vammai*", "liikuntarajoit*",
		"päihde*", "päihteid*", "päihteis*", "alkoholism*", "alkoholiongelm*", "huumeriippuv*",
		"päihderiippuvuu*", "alkoholiriippuvuu*", "peliriippuvuu*", "työuupum*", "loppuun pala*", "sydänkohtau*", "sydänsairau*", "aivoinfarkt*",
		"aivohalvau*", "infarkt*", "terveydentil*", "terveystie*", "terveysonge*", "terveysongel*",
		"kuntoutu*", "fysioterap*", "psykoterap*", "terapia*", "terapias*", "terapiaa*", "itsetuho*",
		"itsemurh*", "sairaalahoi*", "sairauslom*", "sairasloma*",
		"kemoterap*", "sytostaat*", "dialyysi*", "insuliini*", "verenpainetau*", "kipulääk*",
		"unilääk*", "mielialalääk*", "psyykenlääk*", "adhd", "autismi*", "autistinen", "asperger*",
		// sv
		"sjukdom*", "sjuk", "sjuka", "sjukhus*", "sjukskriv*", "sjukledig*", "depression*", "deprimerad*",
		"diabetes", "cancer*", "graviditet*", "gravid", "missbruk*", "psykisk* ohälsa", "psykisk* sjuk*",
		"funktionsneds*", "handikapp*", "ångest*", "utbrändhet*", "utmattningssyndrom*",
		// en
		"diagnosis", "diagnosed", "illness*", "disease*", "depression", "depressed", "diabetic*",
		"cancer", "asthma*", "epilep*", "pregnan*", "hepatitis", "schizophren*", "bipolar", "anxiety",
		"psychiatri*", "medication*", "surgery", "chemotherap*", "disabilit*", "disabled", "sick leave",
		"mental health", "addiction*", "alcoholism", "dementia", "miscarriage*", "hospitali*",
		"therapy", "therapist*", "autism", "autistic",
	},
	CategoryReligion: {
		// fi
		"uskonto*", "uskonno*", "uskonnol*", "uskonnot*", "uskontok*", "kirkko", "kirkon", "kirkkoon",
		"kirkossa", "kirkosta", "kirkkoa", "kirkollis*", "seurakun*", "evankelis*", "luterilai*",
		"ortodoks*", "katolilai*", "katolinen", "katolisen", "muslimi*", "islam*", "islamilai*",
		"kristitty*", "kristity*", "kristinu*", "kristillis*", "juutalai*", "buddhala*", "buddhal*",
		"hindu*", "ateisti*", "jehovan todistaj*", "mormoni*", "lestadiol*", "vanhoillislestad*",
		"helluntai*", "moskei*", "synagoga*", "synagogi*", "rippikoulu*", "kirkkoon kuulu*",
		"kirkosta ero*",
		// sv
		"religion*", "religiös*", "kyrkan", "kyrkans", "kyrkomedlem*", "muslim*", "kristen", "kristna",
		"judisk*", "församling*", "moské*", "frikyrk*",
		// en
		"religion", "religions", "religious", "church", "churches", "christianity", "jewish", "judaism",
		"buddhis*", "hinduism", "atheis*", "mosque*", "synagogue*", "catholic*", "protestant*",
		"jehovah's witness*",
	},
	CategoryEthnicity: {
		// fi
		"etninen", "etnisen", "etnistä", "etnise*", "etnisy*", "etnisiä", "etnisi*", "rotu", "rodun",
		"rotuun", "rodusta", "romani", "romanit", "romanin", "romanien", "romaneja", "romanina", "romaniväest*", "romanikiel*", "saamelai*", "ihonvä*", "etninen tausta*", "etnisen tausta*",
		"etnistä taustaa*",
		// sv
		"etnisk*", "etnicitet*", "romsk*", "samisk*", "hudfärg*",
		// en
		"ethnic*", "ethnic background*", "ethnic origin*", "racial*", "roma", "romani", "skin colour", "skin color",
	},
	CategoryTradeUnion: {
		// fi
		"ammattiliit*", "ammattiyhdist*", "ammattiosast*", "liiton jäsen*", "luottamusmie*",
		"luottamusmies*", "työttömyyskass*", "akava*", "tehy*", "jhl",
		// sv
		"fackförbund*", "fackföreni*", "facket", "fackmedlem*", "förtroendeman*",
		// en
		"trade union*", "labour union*", "labor union*", "union member*", "union representative*",
	},
	CategorySexualOrientation: {
		// fi
		"seksuaali* suuntautu*", "seksuaalise* suuntautu*", "homoseksu*", "homo", "homon", "homona",
		"homot", "lesbo*", "biseksu*", "transsukupuol*", "transihmi*", "sukupuoli-identitee*",
		"sateenkaariperhe*", "seksuaalivähemm*", "hlbt*", "hlbti*", "seksuaali- ja sukupuolivähemm*",
		// sv
		"sexuell* läggning*", "homosexu*", "bisexu*", "lesbisk*", "transperson*",
		// en
		"sexual orientation*", "homosexual*", "bisexual*", "lesbian*", "gay", "transgender*", "queer",
		"lgbt*",
	},
	CategorySocialWelfare: {
		// fi
		"sosiaalihuol*", "sosiaalityö*", "sosiaalitoim*", "sosiaalipalvelu*", "sosiaaliohjaa*",
		"toimeentulotu*", "lastensuojel*", "huostaan*", "huostaano*", "sijaishuol*", "sijaisperhe*",
		"velkaneuvon*", "päihdehuol*", "vammaispalvel*", "omaishoi*", "perheneuvo*",
		"aikuissosiaality*", "asumispalvel*",
		// sv
		"socialtjänst*", "socialbyrå*", "socialarbetar*", "socialvård*", "utkomststöd*",
		"försörjningsstöd*", "barnskydd*", "omhändertag*", "ekonomiskt bistånd",
		// en
		"social welfare", "social worker*", "social services", "child protection*", "foster care",
		"welfare benefit*", "income support", "social assistance",
	},
}

// maxWordTail bounds how far a stem match extends to the end of its word,
// which keeps the scanner's lookahead bounded for streaming.
const maxWordTail = 48

type trieNode struct {
	keys []byte
	kids []*trieNode
	// cat is the category index+1 when a term ends here; stem reports that
	// the rest of the word may follow.
	cat  uint8
	stem bool
	// next continues a phrase with the next word; nextStem reports whether
	// the rest of the current word may come before the space.
	next     *trieNode
	nextStem bool
}

func (n *trieNode) child(b byte) *trieNode {
	for k, c := range n.keys {
		if c == b {
			return n.kids[k]
		}
	}
	return nil
}

func (n *trieNode) add(b byte) *trieNode {
	if c := n.child(b); c != nil {
		return c
	}
	c := &trieNode{}
	n.keys = append(n.keys, b)
	n.kids = append(n.kids, c)
	return c
}

// specialMatcher is a trie over case-folded bytes with a bitmap of the first
// two bytes of every term, so that most words are rejected with one lookup.
type specialMatcher struct {
	root trieNode
	// first4 holds the folded first four bytes of terms whose first word has
	// at least four bytes, first3 the three-byte words (hiv, gay, jhl).
	first4 [65536 / 64]uint64
	first3 [65536 / 64]uint64
	cats   []string
}

var special = newSpecialMatcher(specialTerms)

// fold lower-cases ASCII and the Latin-1 letters U+00C0–U+00DE encoded as
// 0xC3 0x80–0x9E, given the previous raw byte.
func fold(b, prev byte) byte {
	if b-'A' < 26 {
		return b + 0x20
	}
	if prev == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97 {
		return b + 0x20
	}
	return b
}

func newSpecialMatcher(terms map[string][]string) *specialMatcher {
	m := &specialMatcher{}
	order := []string{CategoryHealth, CategoryReligion, CategoryEthnicity, CategoryTradeUnion, CategorySexualOrientation, CategorySocialWelfare}
	for ci, cat := range order {
		m.cats = append(m.cats, cat)
		for _, term := range terms[cat] {
			term = strings.ToLower(term)
			if w, _, _ := strings.Cut(strings.TrimSuffix(term, "*"), " "); len(strings.TrimSuffix(w, "*")) < 3 {
				panic("pii: special term shorter than the 3-byte prefilter: " + term)
			}
			if first, _, _ := strings.Cut(term, " "); len(strings.TrimSuffix(first, "*")) == 3 {
				k := hash3(term[0], term[1], term[2])
				m.first3[k/64] |= 1 << (k % 64)
			} else {
				k := hash4(term[0], term[1], term[2], term[3])
				m.first4[k/64] |= 1 << (k % 64)
			}
			node := &m.root
			words := strings.Split(term, " ")
			for wi, w := range words {
				stem := strings.HasSuffix(w, "*")
				w = strings.TrimSuffix(w, "*")
				for k := 0; k < len(w); k++ {
					node = node.add(w[k])
				}
				if wi == len(words)-1 {
					node.cat = uint8(ci + 1)
					node.stem = node.stem || stem
					break
				}
				if node.next == nil {
					node.next = &trieNode{}
				}
				node.nextStem = stem
				node = node.next
			}
		}
	}
	return m
}

// hash3 and hash4 map folded prefix bytes to a bit of a prefilter.
func hash3(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> 16
}

func hash4(a, b, c, d byte) uint32 {
	return (uint32(a)<<24 | uint32(b)<<16 | uint32(c)<<8 | uint32(d)) * 0x9E3779B1 >> 16
}

// maybe is the prefilter on the word text[i:wend]: its first four bytes (or
// three for a three-byte word) must begin some term.
func (m *specialMatcher) maybe(text []byte, i, wend int) bool {
	if wend-i == 3 {
		k := hash3(fold(text[i], 0), fold(text[i+1], text[i]), fold(text[i+2], text[i+1]))
		return m.first3[k/64]&(1<<(k%64)) != 0
	}
	k := hash4(fold(text[i], 0), fold(text[i+1], text[i]), fold(text[i+2], text[i+1]), fold(text[i+3], text[i+2]))
	return m.first4[k/64]&(1<<(k%64)) != 0
}

// match returns the longest term starting at the word start text[i].
func (m *specialMatcher) match(text []byte, i int) (end int, cat string, ok bool) {
	e, c := m.walk(&m.root, text, i, 0)
	if c == 0 {
		return 0, "", false
	}
	return e, m.cats[c-1], true
}

func (m *specialMatcher) walk(node *trieNode, text []byte, i, depth int) (int, uint8) {
	n := len(text)
	best, bestCat := 0, uint8(0)
	prev := byte(0)
	if i > 0 {
		prev = text[i-1]
	}
	for j := i; j < n && j-i < 64; {
		node = node.child(fold(text[j], prev))
		if node == nil {
			break
		}
		prev = text[j]
		j++
		if node.cat != 0 {
			if node.stem {
				if e := j + tailLen(text, j); e-j <= maxWordTail && boundaryAfter(text, e) {
					best, bestCat = e, node.cat
				}
			} else if boundaryAfter(text, j) {
				best, bestCat = j, node.cat
			}
		}
		if node.next != nil && depth < 2 {
			e := j
			if node.nextStem {
				e += tailLen(text, j)
			}
			if e-j <= maxWordTail && e+1 < n && text[e] == ' ' {
				if e2, c2 := m.walk(node.next, text, e+1, depth+1); c2 != 0 && e2 > best {
					best, bestCat = e2, c2
				}
			}
		}
	}
	return best, bestCat
}

// tailLen is the length of the run of word bytes at text[j:], capped just
// above maxWordTail.
func tailLen(text []byte, j int) int {
	k := j
	for k < len(text) && k-j <= maxWordTail && wordByte[text[k]] {
		k++
	}
	return k - j
}
