package adr

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	recordFile = regexp.MustCompile(`^(\d{4})-([a-z0-9][-a-z0-9]*)\.md$`)
	linkRE     = regexp.MustCompile(`\[ADR-(\d+)\]\(([^)\s]+)\)`)
)

// parsed is an existing record file.
type parsed struct {
	doc     *doc
	state   state
	format  Format
	managed bool   // has an infra:adr fence
	title   string // without the Nygard number
}

func splitLines(b []byte) []string {
	s := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	return strings.Split(s, "\n")
}

// parseRecord reads a file named name (NNNN-slug.md). Files without a fence
// (hand-written, or made by adr-tools) are parsed for the index only.
func parseRecord(name string, content []byte) *parsed {
	m := recordFile.FindStringSubmatch(name)
	if m == nil {
		return nil
	}
	n, _ := strconv.Atoi(m[1])
	p := &parsed{state: state{Number: n, Slug: m[2]}, format: Nygard}
	lines := splitLines(content)
	d := &doc{}
	i := 0
	if len(lines) > 0 && lines[0] == "---" {
		for j := 1; j < len(lines); j++ {
			if lines[j] == "---" {
				d.front = lines[:j+1]
				i = j + 1
				p.format = MADR
				break
			}
		}
	}
	open, end := -1, -1
	for k := i; k < len(lines); k++ {
		if open < 0 && strings.HasPrefix(lines[k], fenceOpen) {
			open = k
		} else if open >= 0 && lines[k] == fenceClose {
			end = k
			break
		}
	}
	p.managed = open >= 0 && end >= 0
	limit := len(lines)
	if p.managed {
		limit = open
	}
	t := -1
	for k := i; k < limit; k++ {
		if strings.HasPrefix(lines[k], "# ") {
			t = k
			break
		}
	}
	if t >= 0 {
		d.pre, d.title, d.mid = lines[i:t], lines[t], lines[t+1:limit]
	} else {
		d.pre = lines[i:limit]
	}
	if p.managed {
		d.fence, d.post = lines[open:end+1], lines[end+1:]
		parseMarker(lines[open], &p.state)
	} else {
		d.post = lines[limit:]
	}
	p.doc = d
	p.title = strings.TrimSpace(strings.TrimPrefix(d.title, "# "))
	if p.format == Nygard {
		if k := strings.Index(p.title, ". "); k > 0 {
			if _, err := strconv.Atoi(p.title[:k]); err == nil {
				p.title = p.title[k+2:]
			}
		}
	}
	if p.title == "" {
		p.title = strings.ReplaceAll(p.state.Slug, "-", " ")
	}
	p.state.Status = parseStatus(p.statusText())
	if p.state.Date == "" {
		p.state.Date = p.writtenDate()
	}
	return p
}

// writtenDate finds the date of a file without a marker: MADR's front matter
// or Nygard's "Date:" line.
func (p *parsed) writtenDate() string {
	for _, l := range p.doc.front {
		if v, ok := strings.CutPrefix(l, "date:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	for _, l := range append(append([]string(nil), p.doc.pre...), p.doc.mid...) {
		if v, ok := strings.CutPrefix(l, "Date:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func parseMarker(line string, s *state) {
	body := strings.TrimSuffix(strings.TrimPrefix(line, fenceOpen), "-->")
	for _, f := range strings.Fields(body) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "key":
			s.Key = v
		case "digest":
			s.Digest = v
		case "date":
			s.Date = v
		case "supersedes":
			s.Supersedes, _ = strconv.Atoi(v)
		}
	}
}

// statusText finds the status as written: MADR's front matter, or the first
// line of Nygard's Status section.
func (p *parsed) statusText() string {
	if i := p.frontStatus(); i >= 0 {
		v := strings.TrimSpace(strings.TrimPrefix(p.doc.front[i], "status:"))
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		return strings.Trim(v, "'")
	}
	if lines, i := p.nygardStatus(); i >= 0 {
		return strings.TrimSpace(lines[i])
	}
	return ""
}

func (p *parsed) frontStatus() int {
	for i, l := range p.doc.front {
		if strings.HasPrefix(l, "status:") {
			return i
		}
	}
	return -1
}

// nygardStatus returns the lines holding the Status section and the index of
// its first non-blank line, or -1.
func (p *parsed) nygardStatus() ([]string, int) {
	lines := p.doc.fence
	if !p.managed {
		lines = append(append([]string(nil), p.doc.pre...), p.doc.mid...)
	}
	for i, l := range lines {
		if strings.TrimSpace(l) != "## Status" {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "#") {
				return lines, -1
			}
			if strings.TrimSpace(lines[j]) != "" {
				return lines, j
			}
		}
	}
	return lines, -1
}

func parseStatus(text string) status {
	low := strings.ToLower(text)
	switch {
	case strings.HasPrefix(low, "accepted"):
		return status{Kind: "accepted"}
	case strings.HasPrefix(low, "deprecated"):
		return status{Kind: "deprecated"}
	case strings.HasPrefix(low, "superseded"):
		s := status{Kind: "superseded"}
		if m := linkRE.FindStringSubmatch(text); m != nil {
			s.By, _ = strconv.Atoi(m[1])
			s.ByFile = m[2]
		}
		return s
	}
	return status{Kind: text}
}

// setStatus rewrites only the status of a file, wherever its format keeps it,
// leaving the rest of the record as it was written.
func (p *parsed) setStatus(s status) bool {
	if i := p.frontStatus(); i >= 0 {
		st := s.text(MADR)
		if strings.ContainsAny(st, "[]():#") {
			st = strconv.Quote(st)
		}
		p.doc.front[i] = "status: " + st
		p.state.Status = s
		return true
	}
	if lines, i := p.nygardStatus(); i >= 0 && p.managed {
		lines[i] = s.text(Nygard)
		p.state.Status = s
		return true
	}
	return false
}
