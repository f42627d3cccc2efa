// Package scancli implements the "kirjaamo scan" command: find personal data
// in files or standard input, print it masked, redact it, or answer JSON Lines
// requests. cmd/kirjaamo calls Main with the arguments after "scan".
package scancli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/kirjaamo/kirjaamo/pii"
)

const usage = `usage: kirjaamo scan [flags] [FILE...]

Finds personal data in UTF-8 text (standard input when no FILE, or FILE "-").

  kirjaamo scan FILE...            print FILE:offset:type:masked-value per finding
  kirjaamo scan --redact [--mask]  print the text with findings replaced
  kirjaamo scan --jsonl            read JSON Lines {"text":...}, print one
                                   {"findings":[{"type","start","end","validated"}]}
                                   per input line (byte offsets into the text)

flags:
`

// Main runs the scan command and returns the exit status: 0 on success, 1
// when a file could not be read or a JSON line was invalid, 2 on bad usage.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kirjaamo scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	redact := fs.Bool("redact", false, "print the text with each finding replaced by [type]")
	mask := fs.Bool("mask", false, "with --redact, mask values (010190-***X) instead of replacing them")
	op := fs.String("operator", "", "with --redact, operator for all types: redact, mask, mask:N, hash, encrypt, keep")
	keyFile := fs.String("key-file", "", "key for the hash and encrypt operators")
	jsonl := fs.Bool("jsonl", false, `read JSON Lines with a "text" field and print findings as JSON Lines`)
	types := fs.String("types", "", "comma-separated types to find (default: all)")
	noTemp := fs.Bool("no-temporary", false, "do not report temporary identity codes (individual number 900–999)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *mask && *op != "" {
		fmt.Fprintln(stderr, "kirjaamo scan: --mask and --operator are exclusive")
		return 2
	}
	if (*mask || *op != "") && !*redact {
		fmt.Fprintln(stderr, "kirjaamo scan: --mask and --operator need --redact")
		return 2
	}
	if *redact && *jsonl {
		fmt.Fprintln(stderr, "kirjaamo scan: --redact and --jsonl are exclusive")
		return 2
	}

	var opts []pii.Option
	if *types != "" {
		var ts []pii.Type
		for _, t := range strings.Split(*types, ",") {
			t = strings.TrimSpace(t)
			if !known(pii.Type(t)) {
				fmt.Fprintf(stderr, "kirjaamo scan: unknown type %q\n", t)
				return 2
			}
			ts = append(ts, pii.Type(t))
		}
		opts = append(opts, pii.WithTypes(ts...))
	}
	if *noTemp {
		opts = append(opts, pii.WithTemporaryCodes(false))
	}
	scanner := pii.New(opts...)
	if len(files) == 0 {
		files = []string{"-"}
	}

	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	status := 0
	var run func(name string, r io.Reader) error
	switch {
	case *jsonl:
		run = func(_ string, r io.Reader) error {
			bad, err := scanJSONL(scanner, r, out)
			if bad {
				status = 1
			}
			return err
		}
	case *redact:
		operator := pii.Operator{Kind: pii.OperatorRedact}
		if *mask {
			operator.Kind = pii.OperatorMask
		}
		if *op != "" {
			if operator, err = pii.ParseOperator(*op); err != nil {
				fmt.Fprintln(stderr, "kirjaamo scan:", err)
				return 2
			}
		}
		ops := map[pii.Type]pii.Operator{}
		for _, t := range pii.Types {
			ops[t] = operator
		}
		var key []byte
		if *keyFile != "" {
			if key, err = os.ReadFile(*keyFile); err != nil {
				fmt.Fprintln(stderr, "kirjaamo scan:", err)
				return 2
			}
		}
		red, err := pii.NewRedactor(scanner, ops, key)
		if err != nil {
			fmt.Fprintln(stderr, "kirjaamo scan:", err)
			return 2
		}
		run = func(_ string, r io.Reader) error { return red.RedactReader(out, r) }
	default:
		var line []byte
		run = func(name string, r io.Reader) error {
			return scanner.ScanReaderValues(r, func(f pii.Finding, v []byte) error {
				line = append(line[:0], name...)
				line = append(line, ':')
				line = strconv.AppendInt(line, int64(f.Start), 10)
				line = append(line, ':')
				line = append(line, f.Type...)
				line = append(line, ':')
				line = append(line, pii.Mask(f.Type, v)...)
				line = append(line, '\n')
				_, err := out.Write(line)
				return err
			})
		}
	}

	for _, name := range files {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(stderr, "kirjaamo scan:", err)
				status = 1
				continue
			}
			r = f
			defer f.Close()
		}
		if err := run(name, r); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "kirjaamo scan: %s: %v\n", name, err)
			status = 1
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(stderr, "kirjaamo scan:", err)
		return 1
	}
	return status
}

// parseInterspersed parses flags before and after file names, so that
// "kirjaamo scan notes.txt --redact" works like "kirjaamo scan --redact notes.txt".
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		if args[0] == "--" {
			return append(files, args[1:]...), nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}

func known(t pii.Type) bool {
	for _, k := range pii.Types {
		if k == t {
			return true
		}
	}
	return false
}

// scanJSONL answers each input line with one output line. It reports whether
// any line was invalid.
func scanJSONL(s *pii.Scanner, r io.Reader, w *bufio.Writer) (bad bool, err error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		line []byte
		out  []byte
		fs   []pii.Finding
	)
	first := true
	for {
		line = line[:0]
		var rerr error
		for {
			chunk, e := br.ReadSlice('\n')
			line = append(line, chunk...)
			if e != bufio.ErrBufferFull {
				rerr = e
				break
			}
		}
		if len(line) == 0 && rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return bad, nil
			}
			return bad, rerr
		}
		body := line
		if first {
			body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // UTF-8 byte-order mark
			first = false
		}
		if n := len(body); n > 0 && body[n-1] == '\n' {
			body = body[:n-1]
		}
		if n := len(body); n > 0 && body[n-1] == '\r' {
			body = body[:n-1]
		}
		var in struct {
			Text *string `json:"text"`
		}
		out = out[:0]
		switch jerr := json.Unmarshal(body, &in); {
		case jerr != nil:
			bad = true
			out = appendError(out, "invalid JSON: "+jerr.Error())
		case in.Text == nil:
			bad = true
			out = appendError(out, `missing "text" string field`)
		default:
			fs = s.AppendScan(fs[:0], []byte(*in.Text))
			out = append(out, `{"findings":[`...)
			for k, f := range fs {
				if k > 0 {
					out = append(out, ',')
				}
				out = append(out, `{"type":"`...)
				out = append(out, f.Type...)
				out = append(out, `","start":`...)
				out = strconv.AppendInt(out, int64(f.Start), 10)
				out = append(out, `,"end":`...)
				out = strconv.AppendInt(out, int64(f.End), 10)
				out = append(out, `,"validated":`...)
				out = strconv.AppendBool(out, f.Validated)
				out = append(out, '}')
			}
			out = append(out, "]}\n"...)
		}
		if _, err := w.Write(out); err != nil {
			return bad, err
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return bad, nil
			}
			return bad, rerr
		}
	}
}

func appendError(dst []byte, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"error": msg})
	dst = append(dst, b...)
	return append(dst, '\n')
}
