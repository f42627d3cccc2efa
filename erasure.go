package kirjaamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// PartRef names one part of one record.
type PartRef struct {
	RecordID   string      `json:"record_id"`
	RecordKind string      `json:"record_kind"` // subject or contact
	Register   string      `json:"register"`
	Part       policy.Part `json:"part"`
}

// ErasureItem is the decision on one part: erased, or kept with the legal
// reason.
type ErasureItem struct {
	PartRef
	Erased bool   `json:"erased"`
	Ground string `json:"ground,omitempty"` // why it is kept: a hold reason, statutory_task, or hold
}

// ErasureDecision is the written decision on an erasure request (seeds 001,
// 002: a refusal is given in writing with its reasons; the seeds call it a
// certificate, todistus).
type ErasureDecision struct {
	RequestID string        `json:"request_id"`
	DecidedAt time.Time     `json:"decided_at"`
	Executed  bool          `json:"executed"` // false for a preview
	Items     []ErasureItem `json:"items"`
	Erased    int           `json:"erased"`
	Kept      int           `json:"kept"`
	Text      string        `json:"text"` // the decision letter
}

// groundText names, per language, the legal reasons data is kept despite
// an erasure request: a hold's reason, or the statutory-task exception.
var groundText = map[string]map[string]string{
	"fi": {
		"open_invoice":      "avoin lasku (rekisteriseloste: tietoja ei poisteta, jos avoimet laskut estävät)",
		"debt_collection":   "perintätoimet ovat kesken",
		"legal_claim":       "oikeudellisen vaateen laatiminen, esittäminen tai puolustaminen (tietosuoja-asetuksen 17 artiklan 3 kohdan e alakohta)",
		"statutory_task":    "lakisääteisen tehtävän hoitaminen (tietosuoja-asetuksen 17 artiklan 3 kohdan b alakohta)",
		"authority_request": "viranomaisen pyyntö säilyttää tiedot",
		"hold":              "oikeudellinen säilytysvelvoite",
	},
	"sv": {
		"open_invoice":      "en obetald faktura",
		"debt_collection":   "pågående indrivning",
		"legal_claim":       "fastställande, utövande eller försvar av rättsliga anspråk (artikel 17.3 e i dataskyddsförordningen)",
		"statutory_task":    "en lagstadgad uppgift (artikel 17.3 b i dataskyddsförordningen)",
		"authority_request": "en myndighets begäran om att bevara uppgifterna",
		"hold":              "en rättslig skyldighet att bevara uppgifterna",
	},
	"en": {
		"open_invoice":      "an open invoice",
		"debt_collection":   "debt collection in progress",
		"legal_claim":       "the establishment, exercise or defence of legal claims (GDPR art. 17(3)(e))",
		"statutory_task":    "a task laid down by law (GDPR art. 17(3)(b))",
		"authority_request": "a request of an authority that requires the data to be kept",
		"hold":              "a legal obligation to keep the data",
	},
}

// statutory reports whether the statutory-task exception applies to a
// register: declared, and its processing rests on a legal obligation or a
// public task (art. 6(1)(c) or (e)) — seed 002's registers, not a contract
// register whose notice merely mentions "unless the law prevents it".
func statutory(reg *policy.Register) bool {
	if !slices.Contains(reg.ErasureExceptions, policy.ErasureStatutoryTask) {
		return false
	}
	return slices.ContainsFunc(reg.LegalBasis.GDPR, func(b string) bool { return b == "6(1)(c)" || b == "6(1)(e)" })
}

// Erase decides (and unless preview, executes) an erasure request: every
// part of the subject's record and linked contacts is erased, or kept for a
// hold or the statutory-task exception, with the reason in the decision.
// Erased identifiers go to the erasure ledger as keyed hashes, so that
// `kirjaamo erasure replay` erases the person again after a backup is
// restored.
func (s *Service) Erase(ctx context.Context, requestID string, preview bool, lang string) (*ErasureDecision, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(requestID) {
		return nil, Errorf(ENOTFOUND, "request not found")
	}
	req, err := s.Store.Request(ctx, requestID)
	if err != nil {
		return nil, err
	}
	switch {
	case req.Type != "erasure":
		return nil, Errorf(ECONFLICT, "this is not an erasure request")
	case req.Verification == nil:
		return nil, Errorf(ECONFLICT, "the requester's identity must be verified first (seed 000 §1)")
	case req.SubjectID == "":
		return nil, FieldError("subject_id", "link the request to the subject it is about first")
	case req.State == StateDecided || req.State == StateClosed:
		return nil, Errorf(ECONFLICT, "the request is already decided")
	}
	acc := *a
	acc.Purpose = "data-subject request " + req.ID
	rctx := WithAccess(ctx, &acc)
	sub, err := s.Subject(rctx, req.SubjectID, true)
	if err != nil {
		return nil, err
	}
	contacts, err := s.SubjectContacts(rctx, req.SubjectID)
	if err != nil && ErrorCode(err) != EFORBIDDEN {
		return nil, err
	}
	holds, err := s.Store.Holds(ctx, false)
	if err != nil {
		return nil, err
	}
	holdReason := map[string]string{}
	for _, h := range holds {
		holdReason[h.SubjectID+h.RecordID] = h.Reason
	}
	d := &ErasureDecision{RequestID: req.ID, DecidedAt: s.now(), Executed: !preview}
	decide := func(ref PartRef, held int, reg *policy.Register, holdKey string) {
		it := ErasureItem{PartRef: ref}
		switch {
		case held > 0:
			r := holdReason[holdKey]
			if r == "" {
				r = holdReason[req.SubjectID]
			}
			if _, ok := groundText["en"][r]; !ok {
				r = "hold"
			}
			it.Ground = r
		case reg != nil && statutory(reg):
			it.Ground = "statutory_task"
		default:
			it.Erased = true
		}
		d.Items = append(d.Items, it)
	}
	subReg := s.Policy.Register(sub.Register)
	for _, p := range sub.Retention {
		decide(PartRef{sub.ID, "subject", sub.Register, p.Part}, p.Held, subReg, sub.ID)
	}
	for _, c := range contacts {
		reg := s.Policy.Register(c.Register)
		for _, p := range c.Retention {
			decide(PartRef{c.ID, "contact", c.Register, p.Part}, p.Held, reg, c.ID)
		}
	}
	var erase []PartRef
	for _, it := range d.Items {
		if it.Erased {
			d.Erased++
			erase = append(erase, it.PartRef)
		} else {
			d.Kept++
		}
	}
	d.Text = ErasureLetter(d, lang)
	if preview {
		return d, nil
	}
	var ledger []SubjectKey
	subjectErased := slices.ContainsFunc(d.Items, func(it ErasureItem) bool { return it.RecordKind == "subject" && it.Erased })
	if subjectErased {
		for _, k := range sub.Keys() {
			if UniqueKey(k.Kind) || k.Kind == KeyEmail || k.Kind == KeyPhone {
				ledger = append(ledger, k)
			}
		}
	}
	ev := s.event(&acc, ActionDelete, OutcomeOK, "requests", []string{req.ID}, []string{sub.ID},
		fmt.Sprintf("erasure: %d parts erased, %d kept", d.Erased, d.Kept))
	if err := s.Store.Erase(ctx, erase, ledger, req.ID, d.DecidedAt, ev); err != nil {
		return nil, err
	}
	decision := "fulfilled"
	reason := ""
	if d.Kept > 0 {
		decision, reason = "partly_fulfilled", "some data is kept on legal grounds; see the erasure decision"
		if d.Erased == 0 {
			decision = "refused"
		}
	}
	if req.Verification != nil && req.State == StateVerified {
		if _, err := s.ChangeRequest(ctx, req.ID, &RequestChange{Start: true}); err != nil {
			return nil, err
		}
	}
	if _, err := s.ChangeRequest(ctx, req.ID, &RequestChange{Decision: decision, DecisionReason: reason}); err != nil {
		return nil, err
	}
	return d, nil
}

// letterText holds one language's sentences of the erasure decision.
var letterText = map[string]struct{ title, counts, kept, complain string }{
	"fi": {"Päätös tietojen poistamista koskevaan pyyntöön %s (%s)", "Poistettu: %d tietoa. Säilytetty: %d tietoa.",
		"Tietoja ei poistettu seuraavista syistä:",
		"Jos katsot, että tietojesi käsittelyssä rikotaan tietosuoja-asetusta, voit tehdä valituksen tietosuojavaltuutetulle: " +
			"Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki, tietosuoja@om.fi, puh. 029 566 6700, www.tietosuoja.fi."},
	"sv": {"Beslut om begäran om radering av uppgifter %s (%s)", "Raderade: %d uppgifter. Bevarade: %d uppgifter.",
		"Uppgifterna raderades inte av följande skäl:",
		"Om du anser att behandlingen av dina uppgifter strider mot dataskyddsförordningen kan du klaga hos dataombudsmannen: " +
			"Dataombudsmannens byrå, PB 800, 00531 Helsingfors, tietosuoja@om.fi, tfn 029 566 6700, www.tietosuoja.fi."},
	"en": {"Decision on your request to erase data %s (%s)", "Erased: %d items. Kept: %d items.",
		"The following were not erased, for these reasons:",
		"If you consider that the processing of your data infringes the GDPR, you may lodge a complaint with the Data Protection Ombudsman: " +
			"Office of the Data Protection Ombudsman, P.O. Box 800, 00531 Helsinki, Finland, tietosuoja@om.fi, +358 29 566 6700, www.tietosuoja.fi."},
}

// ErasureLetter writes the decision for the person in their language (fi,
// sv, en): what was erased, what was kept and on what legal ground, and how
// to complain (seeds 001, 002: a refusal is given in writing with reasons).
func ErasureLetter(d *ErasureDecision, lang string) string {
	t, ok := letterText[lang]
	if !ok {
		t = letterText["fi"]
	}
	var b strings.Builder
	fmt.Fprintf(&b, t.title+"\n\n", d.RequestID, d.DecidedAt.Format("2.1.2006"))
	fmt.Fprintf(&b, t.counts+"\n", d.Erased, d.Kept)
	grounds := map[string]int{}
	for _, it := range d.Items {
		if !it.Erased {
			g := groundText[lang][it.Ground]
			if g == "" {
				g = groundText["en"][it.Ground]
			}
			grounds[it.Register+": "+g]++
		}
	}
	if len(grounds) > 0 {
		b.WriteString("\n" + t.kept + "\n")
		keys := make([]string, 0, len(grounds))
		for k := range grounds {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "- %s (%d)\n", k, grounds[k])
		}
	}
	b.WriteString("\n" + t.complain + "\n")
	return b.String()
}

// ReplayErasures erases again every subject whose identifiers are in the
// erasure ledger — after a backup from before an erasure was restored.
func ReplayErasures(ctx context.Context, st Store, now time.Time) (int, error) {
	return st.ReplayErasures(ctx, now, &AuditEvent{At: now, Actor: "system:erasure-replay", Role: "system", Action: ActionDelete, Outcome: OutcomeOK, Detail: "erasure ledger replay"})
}
