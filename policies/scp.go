package policies

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"infra/topology"
)

// Rule ids of the SCP findings (topology.Diagnostic.Rule).
const (
	RuleSCPGrammar     = "scp/grammar"
	RuleSCPSize        = "scp/size"
	RuleSCPAttachments = "scp/attachments"
)

// AWS Organizations limits of service control policies: the minified
// document's size in characters, and how many SCPs one root, OU or account
// may have attached directly — FullAWSAccess, which AWS attaches everywhere,
// included. Source: "Managing policies in AWS Organizations" (AWS
// Organizations User Guide, policy type table: "SCP - 5 - 5120 characters"),
// as recorded in provider-rules.json cloudLimits and enforced by rules/ at
// plan time. The doubled quotas reported from 2026-05-15 (10 and 10,240)
// rest on third-party write-ups only (provider-rules.json, confidence
// medium; AWS's own quota page still lists these): an account must raise
// them through Service Quotas before infra may count on them.
const (
	SCPMaxSize      = 5120
	SCPMaxPerTarget = 5
)

// FullAWSAccess is the AWS-managed SCP attached to every target by default.
const FullAWSAccess = "FullAWSAccess"

// Limits are the SCP limits packing works to.
type Limits struct {
	// Size is the most characters a minified document may have.
	Size int
	// PerTarget is the most SCPs attached directly to one target, FullAWSAccess included.
	PerTarget int
}

// DefaultLimits are the AWS limits.
var DefaultLimits = Limits{Size: SCPMaxSize, PerTarget: SCPMaxPerTarget}

// SCPOptions say where the SCPs go.
type SCPOptions struct {
	// Targets lists the OU paths a guardrail's SCP attaches to; nil leaves
	// every policy unattached (rendering without a landing zone).
	Targets func(guardrail string) []string
	// DeployRoles are the roles infra deploys with (in member accounts).
	// They alone may change S3 public access blocks, the trail's bucket
	// policy and key policy, and the deploy roles themselves; nil makes
	// those denies apply to every principal.
	DeployRoles []string
	// TrailBucket and TrailKeyAlias name the organization trail's bucket
	// and its KMS key's alias, which protect-security-services guards; ""
	// leaves them out (rendering without a landing zone).
	TrailBucket, TrailKeyAlias string
	// Limits default to DefaultLimits.
	Limits Limits
}

// SCP is one service control policy as it will be created.
type SCP struct {
	Name        string
	Description string
	// Guardrails are the guardrails the policy enforces, in catalogue order.
	Guardrails []string
	// Targets are the OU paths it attaches to, sorted.
	Targets  []string
	Document Document
	// JSON is the minified document, as sent to AWS.
	JSON []byte
	// Size is len(JSON) in characters; Headroom is what the limit leaves.
	Size, Headroom int
}

// SCPSet is every SCP of a topology, checked and packed into the limits.
type SCPSet struct {
	Policies []*SCP
	Limits   Limits
	// Attached counts the SCPs attached directly to each target, FullAWSAccess included.
	Attached map[string]int
	// Diagnostics are warnings for every split or merge, and errors for a
	// document that breaks the grammar or cannot be packed.
	Diagnostics topology.Diagnostics
}

// SCPs renders the SCP of every mandatory guardrail the spec sets (advisory
// ones only warn, which an SCP cannot), validates each against the policy
// grammar, and packs them into the limits: a document over the size limit
// is split, and when a target would have too many policies attached, the
// smallest documents sharing its targets are merged. Each split or merge is
// a warning.
func SCPs(spec *topology.Spec, opts SCPOptions) *SCPSet {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	set := &SCPSet{Limits: opts.Limits}
	var scps []*SCP
	for _, a := range Enabled(spec) {
		if !a.Mandatory() {
			continue
		}
		doc := scpDocument(a.Spec, opts)
		if doc == nil {
			continue
		}
		s := &SCP{
			Name:        a.SCP,
			Description: "infra guardrail " + a.Name + ": " + a.Summary,
			Guardrails:  []string{a.Name},
			Document:    *doc,
		}
		if opts.Targets != nil {
			s.Targets = append([]string(nil), opts.Targets(a.Name)...)
			sort.Strings(s.Targets)
		}
		scps = append(scps, s)
	}
	set.Policies, set.Diagnostics = Pack(spec, scps, opts.Limits)
	set.Attached = attached(set.Policies)
	return set
}

// Pack validates and sizes each policy, splits those over the size limit and
// merges policies until no target has more than the limit attached. Its
// diagnostics anchor at the guardrail entries (splits) and at
// landingZone.aws (merges).
func Pack(spec *topology.Spec, in []*SCP, lim Limits) ([]*SCP, topology.Diagnostics) {
	var ds topology.Diagnostics
	guardrailPos := func(s *SCP) topology.Pos {
		if g := spec.Guardrail(s.Guardrails[0]); g != nil {
			return g.Pos
		}
		return spec.LandingZone.At("guardrails")
	}
	var out []*SCP
	for _, s := range in {
		if err := s.finish(lim); err != nil {
			ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: RuleSCPSize, Pos: guardrailPos(s), Message: fmt.Sprintf("SCP %s: %v", s.Name, err)})
			continue
		}
		if errs := ValidateSCP(s.JSON); len(errs) > 0 {
			for _, err := range errs {
				ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: RuleSCPGrammar, Pos: guardrailPos(s),
					Message: fmt.Sprintf("SCP %s is not a valid policy: %v", s.Name, err)})
			}
			continue
		}
		if s.Size <= lim.Size {
			out = append(out, s)
			continue
		}
		parts, err := split(s, lim)
		if err != nil {
			ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: RuleSCPSize, Pos: guardrailPos(s),
				Message: fmt.Sprintf("SCP %s is %d characters, over the %d limit, and cannot be split: %v", s.Name, s.Size, lim.Size, err)})
			continue
		}
		names := make([]string, len(parts))
		for i, p := range parts {
			names[i] = p.Name
		}
		ds = append(ds, topology.Diagnostic{Severity: topology.Warning, Rule: RuleSCPSize, Pos: guardrailPos(s),
			Message: fmt.Sprintf("SCP %s is %d characters, over the %d limit: split into %s", s.Name, s.Size, lim.Size, strings.Join(names, ", ")),
			Hint:    "each part attaches to the same OUs; fewer parameters make one policy again"})
		out = append(out, parts...)
	}
	out, mds := merge(spec, out, lim)
	return out, append(ds, mds...)
}

// finish minifies the document and measures it.
func (s *SCP) finish(lim Limits) error {
	b, err := s.Document.Minify()
	if err != nil {
		return err
	}
	s.JSON = b
	s.Size = Size(b)
	s.Headroom = lim.Size - s.Size
	return nil
}

// split deals the statements of an oversize policy into as few parts as fit,
// in order; a statement too big on its own is cut by its action list.
func split(s *SCP, lim Limits) ([]*SCP, error) {
	var stmts []Statement
	for _, st := range s.Document.Statement {
		cut, err := cutStatement(st, lim)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, cut...)
	}
	var parts []*SCP
	cur := &SCP{Document: Document{Version: PolicyVersion}}
	for _, st := range stmts {
		cur.Document.Statement = append(cur.Document.Statement, st)
		if err := cur.finish(lim); err != nil {
			return nil, err
		}
		if cur.Size > lim.Size && len(cur.Document.Statement) > 1 {
			cur.Document.Statement = cur.Document.Statement[:len(cur.Document.Statement)-1]
			parts = append(parts, cur)
			cur = &SCP{Document: Document{Version: PolicyVersion, Statement: []Statement{st}}}
		}
	}
	parts = append(parts, cur)
	for i, p := range parts {
		p.Name = fmt.Sprintf("%s-%d", s.Name, i+1)
		p.Description = fmt.Sprintf("%s (part %d of %d)", s.Description, i+1, len(parts))
		p.Guardrails = s.Guardrails
		p.Targets = s.Targets
		if err := p.finish(lim); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// cutStatement halves a statement's action list until each half fits alone.
func cutStatement(st Statement, lim Limits) ([]Statement, error) {
	alone := &SCP{Document: Document{Version: PolicyVersion, Statement: []Statement{st}}}
	if err := alone.finish(lim); err != nil {
		return nil, err
	}
	if alone.Size <= lim.Size {
		return []Statement{st}, nil
	}
	list := st.Action
	if len(list) == 0 {
		list = st.NotAction
	}
	if len(list) < 2 || len(st.NotAction) > 0 {
		// A NotAction list cannot be cut: each half would allow what the other denies.
		return nil, fmt.Errorf("statement %s alone is %d characters", st.Sid, alone.Size)
	}
	a, b := st, st
	a.Action, b.Action = list[:len(list)/2], list[len(list)/2:]
	a.Sid, b.Sid = st.Sid+"A", st.Sid+"B"
	ca, err := cutStatement(a, lim)
	if err != nil {
		return nil, err
	}
	cb, err := cutStatement(b, lim)
	if err != nil {
		return nil, err
	}
	return append(ca, cb...), nil
}

// merge joins policies with the same targets, smallest pairs first, until
// no target has more than the limit attached.
func merge(spec *topology.Spec, scps []*SCP, lim Limits) ([]*SCP, topology.Diagnostics) {
	var ds topology.Diagnostics
	pos := spec.LandingZone.At("aws")
	for {
		over := overTargets(scps, lim)
		if len(over) == 0 {
			return scps, ds
		}
		best, bi, bj := (*SCP)(nil), -1, -1
		for i := range scps {
			for j := i + 1; j < len(scps); j++ {
				a, b := scps[i], scps[j]
				if !slices.Equal(a.Targets, b.Targets) || !overlaps(a.Targets, over) {
					continue
				}
				m, err := joined(a, b, lim)
				if err != nil || m.Size > lim.Size {
					continue
				}
				if best == nil || m.Size < best.Size {
					best, bi, bj = m, i, j
				}
			}
		}
		if best == nil {
			for _, t := range over {
				ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: RuleSCPAttachments, Pos: pos,
					Message: fmt.Sprintf("OU %s would have %d SCPs attached, over the limit of %d (FullAWSAccess included), and no two of its policies fit one document",
						t, attached(scps)[t], lim.PerTarget),
					Hint: "fewer guardrail parameters, or guardrails marked advisory, make fewer policies"})
			}
			return scps, ds
		}
		ds = append(ds, topology.Diagnostic{Severity: topology.Warning, Rule: RuleSCPAttachments, Pos: pos,
			Message: fmt.Sprintf("%s would have more than %d SCPs attached: merged %s and %s into %s (%d characters)",
				strings.Join(over, ", "), lim.PerTarget, scps[bi].Name, scps[bj].Name, best.Name, best.Size)})
		next := append([]*SCP{}, scps[:bi]...)
		next = append(next, best)
		next = append(next, scps[bi+1:bj]...)
		scps = append(next, scps[bj+1:]...)
	}
}

// joined is the union of two policies' statements.
func joined(a, b *SCP, lim Limits) (*SCP, error) {
	m := &SCP{
		Name:        a.Name + "+" + b.Name,
		Description: a.Description + "; " + b.Description,
		Targets:     a.Targets,
		Document:    Document{Version: PolicyVersion},
	}
	if len(m.Name) > 128 { // the longest name AWS takes
		m.Name = m.Name[:128]
	}
	for _, g := range topology.GuardrailNames() {
		if slices.Contains(a.Guardrails, g) || slices.Contains(b.Guardrails, g) {
			m.Guardrails = append(m.Guardrails, g)
		}
	}
	m.Document.Statement = append(append([]Statement{}, a.Document.Statement...), b.Document.Statement...)
	seen := map[string]bool{}
	for i := range m.Document.Statement {
		st := &m.Document.Statement[i]
		for st.Sid != "" && seen[st.Sid] {
			st.Sid += "X"
		}
		seen[st.Sid] = true
	}
	return m, m.finish(lim)
}

func attached(scps []*SCP) map[string]int {
	n := map[string]int{}
	for _, s := range scps {
		for _, t := range s.Targets {
			if n[t] == 0 {
				n[t] = 1 // FullAWSAccess
			}
			n[t]++
		}
	}
	return n
}

func overTargets(scps []*SCP, lim Limits) []string {
	var out []string
	for t, n := range attached(scps) {
		if n > lim.PerTarget {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
