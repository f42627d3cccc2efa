package cdr_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/kirjaamo/kirjaamo/intake/cdr"
	"github.com/kirjaamo/kirjaamo/synth"
)

// The CLI's use: load the mapping, open the export once to validate and
// once more to deliver, print each problem as FILE:LINE: message.
func ExampleImportOpen() {
	m, err := cdr.ParseMapping("pbx.yaml", []byte(`
delimiter: ";"
time_format: finnish
fields:
  external_id: Id
  direction: {column: Suunta, values: {SIS: inbound, ULOS: outbound}}
  caller_number: A-numero
  started_at: Alkoi
  duration: {column: Kesto, format: seconds}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	g := synth.New(7) // synthetic numbers: a test never holds a real person's
	export := "Id;Suunta;A-numero;Alkoi;Kesto\n" +
		"1;SIS;" + g.Phone() + ";2.1.2026 14.05.03;95\n" +
		"2;ULOS;" + g.Phone() + ";2.1.2026 14.06.40;12\n" +
		"3;SIS;not a number;2.1.2026 14.07.00;30\n"
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(export)), nil }

	store := func(batch []cdr.Call) error {
		for _, c := range batch {
			fmt.Println(c.ExternalID, c.Direction, c.StartedAt.Format("15:04:05Z"), c.EndedAt.Sub(c.StartedAt))
		}
		return nil
	}
	rep, err := cdr.ImportOpen(open, "calls.csv", m, store, cdr.Options{})
	for _, p := range rep.Problems {
		fmt.Println(p)
	}
	fmt.Println(err)

	rep, err = cdr.ImportOpen(open, "calls.csv", m, store, cdr.Options{SkipBad: true})
	fmt.Println(rep.Delivered, "imported,", rep.Bad, "bad,", err)
	// Output:
	// calls.csv:4: column "A-numero" (caller_number): phone number may contain only digits, spaces, dashes, parentheses and a leading +
	// cdr: bad rows, nothing imported: 1 of 3 rows
	// 1 inbound 12:05:03Z 1m35s
	// 2 outbound 12:06:40Z 12s
	// 2 imported, 1 bad, <nil>
}
