// Package adr derives architecture decision records from a topology and keeps
// a directory of them the way adr-tools users expect: NNNN-slug.md files, an
// index README.md, supersede links when a decision changes, and hand-written
// text preserved across regeneration.
//
// A generated file has three parts that infra owns and rewrites (the MADR
// front matter, the "# title" line, and the fenced block between
// "<!-- infra:adr key=... -->" and "<!-- infra:adr:end -->") and everything
// else, which belongs to people and is kept byte for byte. New records end
// with an empty "## Notes" section, outside the fence, for that purpose.
//
// The opening fence names the record's key (which decision it is, e.g.
// "cluster/aws-us-east-1-prod"), a digest of its generated content (figures
// left out), its date and the record it supersedes. Regeneration matches
// records by key: same digest, the file is re-rendered in place
// (byte-identical when nothing changed, new figures when only they changed);
// a different digest, a new record supersedes the old one; a key the topology
// no longer yields, the record is marked deprecated.
package adr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Record is one derived decision. Markdown fields hold rendered markdown
// (paragraphs, lists, tables); list fields hold one item each.
type Record struct {
	// Key identifies the decision across regenerations; it never changes for
	// the same decision, whatever the decision says.
	Key   string `json:"key"`
	Title string `json:"title"`
	// Context: the forces at play, with the spec's figures.
	Context string `json:"context"`
	// Chosen names the option taken in a few words (MADR's "Chosen option").
	Chosen string `json:"chosen"`
	// Decision says what was decided, in full.
	Decision string `json:"decision"`
	// Alternatives are the options the topology did not choose.
	Alternatives []Alternative `json:"alternatives"`
	// Positive and Negative consequences are clauses that read after "because".
	Positive []string `json:"positive"`
	Negative []string `json:"negative"`
	// Implementation: what infra creates for this decision.
	Implementation string `json:"implementation"`
}

// Alternative is an option not taken, and why.
type Alternative struct {
	Option string `json:"option"`
	WhyNot string `json:"whyNot"`
}

// Digest fingerprints the decision, independent of number, date, status and
// output format, and of the figures in its text: a change that only moves
// numbers (a node count, a price, an address) re-renders the record in
// place instead of superseding it, so scaling does not grow the log.
func (r *Record) Digest() string {
	b, _ := json.Marshal(r) // plain strings and slices: cannot fail
	return fingerprint(figures.ReplaceAll(b, []byte("#")))
}

// exactDigest is the digest records were written with before figures were
// left out of it; a record that still carries one is matched by it once,
// and takes the new digest when re-rendered.
func (r *Record) exactDigest() string {
	b, _ := json.Marshal(r)
	return fingerprint(b)
}

// figures are runs of digits, with their decimal and thousands separators.
var figures = regexp.MustCompile(`[0-9]+(?:[.,][0-9]+)*`)

func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Slug turns a title into the file-name part adr-tools uses: lower case,
// words joined by dashes, at most 60 characters cut at a word boundary.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(title) {
		if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
			continue
		}
		dash = true
	}
	s := b.String()
	for len(s) > 60 {
		i := strings.LastIndexByte(s[:60], '-')
		if i <= 0 {
			s = s[:60]
			break
		}
		s = s[:i]
	}
	if s == "" {
		s = "decision"
	}
	return s
}

// capitalize upper-cases the first letter, for consequences rendered as sentences.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
