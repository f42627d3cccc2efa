package pii_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/kirjaamo/kirjaamo/pii"
)

// Offsets are bytes: "lähetä" holds two 2-byte letters.
func ExampleScanner_Scan() {
	text := []byte("Soita 040 123 4567 tai lähetä a.b@example.fi, tili FI21 1234 5600 0007 85.")
	for _, f := range pii.New().Scan(text) {
		fmt.Println(f.Type, f.Start, f.End, f.Validated, pii.Mask(f.Type, text[f.Start:f.End]))
	}
	// Output:
	// phone_number 6 18 false 040 *** **67
	// email_address 32 46 false a***@example.fi
	// iban 53 75 true FI** **** **** **07 85
}

func ExampleRedactor_RedactReader() {
	r, err := pii.NewRedactor(nil, map[pii.Type]pii.Operator{
		pii.TypePhone: {Kind: pii.OperatorMask},
	}, nil)
	if err != nil {
		panic(err)
	}
	in := strings.NewReader("Asiakas (masennus) soitti numerosta +358 40 123 4567.\n")
	if err := r.RedactReader(os.Stdout, in); err != nil {
		panic(err)
	}
	// Output:
	// Asiakas ([special_category]) soitti numerosta +358 ** *** **67.
}
