package adr

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Files is the content of an ADR directory, by file name.
type Files map[string][]byte

// Action says what regeneration does to one file.
type Action string

// Actions, from the point of view of the directory.
const (
	Created    Action = "created"    // a new record, or the index
	Updated    Action = "updated"    // same decision, re-rendered (new figures, format or template changed, fence edited)
	Superseded Action = "superseded" // status rewritten to point at its successor
	Deprecated Action = "deprecated" // the topology no longer yields this decision
	Unchanged  Action = "unchanged"
)

// IndexFile is the index adr-tools users keep next to the records.
const IndexFile = "README.md"

// Change is the fate of one file.
type Change struct {
	File   string `json:"file"`
	Number int    `json:"number,omitempty"`
	Title  string `json:"title"`
	Key    string `json:"key,omitempty"`
	Action Action `json:"action"`
	// By is the superseding record's number; Supersedes the superseded one's.
	By         int `json:"supersededBy,omitempty"`
	Supersedes int `json:"supersedes,omitempty"`
}

// Result is a planned regeneration.
type Result struct {
	// Changes lists every record file in number order, then the index.
	Changes []Change `json:"changes"`
	// Files holds the new content of every file to write.
	Files Files `json:"-"`
}

// Changed reports whether any file would be written.
func (r *Result) Changed() bool { return len(r.Files) > 0 }

// Count returns how many files take action a.
func (r *Result) Count(a Action) int {
	n := 0
	for _, c := range r.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Option configures PlanFiles and Sync.
type Option func(*options)

type options struct {
	format Format
	date   string
}

// WithFormat picks the template of new and re-rendered records (default Nygard).
// Superseded records keep the format they were written in.
func WithFormat(f Format) Option { return func(o *options) { o.format = f } }

// WithDate sets the date (YYYY-MM-DD) of records created by this run. Existing
// records keep their own date, so regeneration never rewrites history.
func WithDate(d string) Option { return func(o *options) { o.date = d } }

// PlanFiles computes the directory that records should produce, given what it holds
// now. It is pure: Sync does the reading and writing.
func PlanFiles(existing Files, recs []Record, opts ...Option) (*Result, error) {
	o := options{format: Nygard}
	for _, f := range opts {
		f(&o)
	}
	if _, err := ParseFormat(string(o.format)); err != nil {
		return nil, err
	}
	if _, err := time.Parse(time.DateOnly, o.date); err != nil {
		return nil, fmt.Errorf("invalid date %q: use YYYY-MM-DD", o.date)
	}
	keys := map[string]bool{}
	for _, r := range recs {
		if r.Key == "" || strings.ContainsAny(r.Key, " \t\n>") || keys[r.Key] {
			return nil, fmt.Errorf("adr: record key %q is empty, malformed or repeated", r.Key)
		}
		keys[r.Key] = true
	}

	var all []*parsed
	byNumber := map[int]*parsed{}
	next := 1
	for _, name := range sortedNames(existing) {
		p := parseRecord(name, existing[name])
		if p == nil {
			continue
		}
		if prev := byNumber[p.state.Number]; prev != nil {
			return nil, fmt.Errorf("adr: %s and %s share number %04d; renumber one by hand", prev.state.file(), name, p.state.Number)
		}
		byNumber[p.state.Number] = p
		all = append(all, p)
		next = max(next, p.state.Number+1)
	}
	// The live record of a key is its newest accepted one.
	live := map[string]*parsed{}
	for _, p := range all {
		if p.managed && p.state.Key != "" && p.state.Status.Kind == "accepted" {
			live[p.state.Key] = p
		}
	}

	res := &Result{Files: Files{}}
	actions := map[int]*Change{}
	write := func(p *parsed, a Action) {
		b := p.doc.bytes()
		c := &Change{File: p.state.file(), Number: p.state.Number, Title: p.title, Key: p.state.Key, Action: a,
			By: p.state.Status.By, Supersedes: p.state.Supersedes}
		if a == Updated && string(b) == string(existing[c.File]) {
			c.Action = Unchanged
		} else {
			res.Files[c.File] = b
		}
		actions[p.state.Number] = c
	}
	for i := range recs {
		r := &recs[i]
		digest := r.Digest()
		old := live[r.Key]
		if old != nil && (old.state.Digest == digest || old.state.Digest == r.exactDigest()) {
			s := old.state
			s.Digest = digest
			s.SupFile = supFile(byNumber, s.Supersedes)
			if s.Date == "" {
				s.Date = o.date
			}
			old.doc.rerender(r, s, o.format)
			old.format, old.title = o.format, r.Title
			write(old, Updated)
			continue
		}
		s := state{Number: next, Slug: Slug(r.Title), Key: r.Key, Digest: digest, Date: o.date,
			Status: status{Kind: "accepted"}}
		next++
		if old != nil {
			s.Supersedes, s.SupFile = old.state.Number, old.state.file()
			if !old.setStatus(status{Kind: "superseded", By: s.Number, ByFile: s.file()}) {
				return nil, fmt.Errorf("adr: cannot find the status of %s to mark it superseded", old.state.file())
			}
			write(old, Superseded)
		}
		p := &parsed{doc: newDoc(r, s, o.format), state: s, format: o.format, managed: true, title: r.Title}
		byNumber[s.Number] = p
		all = append(all, p)
		write(p, Created)
	}
	for key, p := range live {
		if keys[key] {
			continue
		}
		if !p.setStatus(status{Kind: "deprecated"}) {
			return nil, fmt.Errorf("adr: cannot find the status of %s to mark it deprecated", p.state.file())
		}
		write(p, Deprecated)
	}
	for _, p := range all {
		if actions[p.state.Number] == nil {
			actions[p.state.Number] = &Change{File: p.state.file(), Number: p.state.Number, Title: p.title,
				Key: p.state.Key, Action: Unchanged, By: p.state.Status.By, Supersedes: p.state.Supersedes}
		}
	}
	slices.SortFunc(all, func(a, b *parsed) int { return a.state.Number - b.state.Number })
	for _, p := range all {
		res.Changes = append(res.Changes, *actions[p.state.Number])
	}

	idx := index(existing[IndexFile], all)
	c := Change{File: IndexFile, Title: "Index", Action: Unchanged}
	switch old, ok := existing[IndexFile]; {
	case !ok:
		c.Action = Created
	case string(old) != string(idx):
		c.Action = Updated
	}
	if c.Action != Unchanged {
		res.Files[IndexFile] = idx
	}
	res.Changes = append(res.Changes, c)
	return res, nil
}

func supFile(byNumber map[int]*parsed, n int) string {
	if p := byNumber[n]; p != nil {
		return p.state.file()
	}
	return fmt.Sprintf("%04d.md", n)
}

func sortedNames(f Files) []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

const (
	indexOpen = "<!-- infra:adr:index -->"
)

// index renders README.md: the table of every record inside a fence, the
// rest of an existing README kept as it was.
func index(old []byte, all []*parsed) []byte {
	var b strings.Builder
	b.WriteString(indexOpen + "\n")
	b.WriteString("Generated by `infra adr` from the topology. A changed decision gets a new record that supersedes the old one; text outside this fence and outside each record's fence is kept.\n\n")
	b.WriteString("| No. | Decision | Status | Date |\n|---:|---|---|---|\n")
	for _, p := range all {
		st := p.state.Status.text(Nygard)
		if st == "" {
			st = "—"
		}
		fmt.Fprintf(&b, "| %04d | [%s](%s) | %s | %s |\n", p.state.Number, cell(p.title), p.state.file(), cell(st), p.state.Date)
	}
	b.WriteString("\n" + fenceClose)
	fence := b.String()
	if old == nil {
		return []byte("# Architecture decision records\n\n" + fence + "\n")
	}
	s := string(old)
	i := strings.Index(s, indexOpen)
	if i < 0 {
		return []byte(strings.TrimRight(s, "\n") + "\n\n" + fence + "\n")
	}
	j := strings.Index(s[i:], fenceClose)
	if j < 0 {
		return []byte(s[:i] + fence + "\n")
	}
	return []byte(s[:i] + fence + s[i+j+len(fenceClose):])
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// ReadDir loads the markdown files of an ADR directory; a missing directory is empty.
func ReadDir(dir string) (Files, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return Files{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := Files{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = b
	}
	return out, nil
}

// Sync plans the regeneration of dir and writes the files that change.
func Sync(dir string, recs []Record, opts ...Option) (*Result, error) {
	existing, err := ReadDir(dir)
	if err != nil {
		return nil, err
	}
	res, err := PlanFiles(existing, recs, opts...)
	if err != nil {
		return nil, err
	}
	if !res.Changed() {
		return res, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range sortedNames(res.Files) {
		// write then rename, so an interrupted run leaves whole files
		path := filepath.Join(dir, name)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, res.Files[name], 0o644); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, err
		}
	}
	return res, nil
}
