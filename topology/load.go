package topology

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"infra/rules"
)

// MaxFileSize bounds what Load reads; a topology is a few kilobytes.
const MaxFileSize = 8 << 20

// Load reads, decodes, defaults and validates a topology file. The returned
// diagnostics include warnings; err is non-nil (and a Diagnostics) when any
// diagnostic is an error, in which case the spec must not be used. A file
// that cannot be read (missing, permission denied, a symlink loop, a path
// through a file, a device) is an error diagnostic too, never a silent pass.
func Load(path string) (*Spec, Diagnostics, error) {
	data, d := read(path)
	if d != nil {
		ds := Diagnostics{*d}
		return nil, ds, ds
	}
	return Parse(path, data)
}

// ReadFile reads a topology file the way Load does: bounded, and refusing
// what is not a regular file or a pipe. Views that quote the source use it,
// so that no path reads a device whole.
func ReadFile(path string) ([]byte, error) {
	data, d := read(path)
	if d != nil {
		return nil, errors.New(d.Message)
	}
	return data, nil
}

// read reads a topology file: a regular file or a pipe (-f /dev/stdin),
// never more than MaxFileSize whatever its kind, so /dev/zero or an endless
// pipe cannot exhaust memory.
func read(path string) ([]byte, *Diagnostic) {
	fail := func(msg, hint string) ([]byte, *Diagnostic) {
		return nil, &Diagnostic{Severity: Error, Rule: RuleRead, Pos: Pos{File: path}, Message: msg, Hint: hint}
	}
	f, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail("topology file not found", "pass -f PATH, set INFRA_FILE, or run `infra init` to create one")
		case errors.Is(err, fs.ErrPermission):
			return fail("cannot read the topology file: permission denied", "check its permissions and those of its directories")
		case errors.Is(err, syscall.ELOOP):
			return fail("cannot read the topology file: too many levels of symbolic links (a symlink loop)", "point -f at the file itself")
		case errors.Is(err, syscall.ENOTDIR):
			return fail("cannot read the topology file: a part of the path is a file, not a directory", "check the path")
		}
		return fail("cannot read the topology file: "+unwrapPath(err), "")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fail("cannot read the topology file: "+unwrapPath(err), "")
	}
	switch mode := info.Mode(); {
	case mode.IsDir():
		return fail("is a directory, not a topology file", "pass -f PATH/topology.yaml")
	case mode.IsRegular(), mode&fs.ModeNamedPipe != 0:
	default:
		return fail(fmt.Sprintf("is not a regular file or a pipe (%s), so not a topology file", fileKind(mode)), "pass -f with a YAML file")
	}
	if info.Mode().IsRegular() && info.Size() > MaxFileSize {
		return fail(fmt.Sprintf("file is %d bytes; the limit is %d", info.Size(), MaxFileSize), "")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return fail("cannot read the topology file: "+unwrapPath(err), "")
	}
	if len(data) > MaxFileSize {
		return fail(fmt.Sprintf("more than %d bytes; the limit is %d", MaxFileSize, MaxFileSize), "")
	}
	return data, nil
}

// unwrapPath drops the path a *fs.PathError repeats: the diagnostic names it.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}

// Parse is Load on bytes already read; file names the source in diagnostics.
func Parse(file string, data []byte) (*Spec, Diagnostics, error) {
	s, ds := decodeSpec(file, data)
	// Validation runs even after decoding errors, so one run reports everything;
	// defaults stand in for values that failed to decode.
	if s != nil {
		applyDefaults(s)
		ds = append(ds, validate(s)...)
	}
	ds = ds.Sort()
	if ds.HasErrors() {
		return nil, ds, ds
	}
	return s, ds, nil
}

func decodeSpec(file string, data []byte) (*Spec, Diagnostics) {
	c := &diags{rule: RuleSyntax}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // nothing but whitespace and comments
			c.errorf(Pos{File: file, Line: 1, Col: 1}, "run `infra init` for a starter topology", "the file is empty")
			return nil, c.list
		}
		c.list = append(c.list, blockError(syntaxError(file, err), data))
		return nil, c.list
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.errorf(Pos{File: file, Line: extra.Line, Col: extra.Column}, "keep one topology per file", "unexpected second YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.DocumentNode || (root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
		c.errorf(Pos{File: file, Line: 1, Col: 1}, "run `infra init` for a starter topology", "the file is empty")
		return nil, c.list
	}
	s := &Spec{File: file}
	c.rule = RuleSchema
	d := &decoder{file: file, d: c}
	d.decode(root, reflect.ValueOf(s).Elem(), "", 0)
	if d.tooBig {
		// Validating a truncated document would only add noise.
		return nil, c.list
	}
	setClouds(s)
	return s, c.list
}

// syntaxError turns a yaml.v3 parse error into a positioned diagnostic.
func syntaxError(file string, err error) Diagnostic {
	msg := err.Error()
	line := 0
	var rest string
	if n, _ := fmt.Sscanf(msg, "yaml: line %d:", &line); n == 1 {
		if i := bytes.IndexByte([]byte(msg), ':'); i >= 0 {
			rest = msg[i+1:]
			if j := bytes.IndexByte([]byte(rest), ':'); j >= 0 {
				rest = rest[j+1:]
			}
		}
	} else {
		rest = msg
	}
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	// yaml.v3 numbers parser errors (unlike scanner errors) from line 0.
	if slices.ContainsFunc(yamlParserErrors, func(p string) bool { return strings.HasPrefix(rest, p) }) {
		line++
	}
	if line == 0 { // yaml.v3 leaves out "line 0"
		line = 1
	}
	return Diagnostic{Severity: Error, Rule: RuleSyntax, Pos: Pos{File: file, Line: line}, Message: "invalid YAML: " + rest,
		Hint: "check indentation and quoting near this line"}
}

// blockErrors are yaml.v3's messages for a line that does not fit the
// indentation of the block around it.
var blockErrors = []string{"did not find expected '-' indicator", "did not find expected key"}

// maxBlockSearch bounds blockError's search, which parses a prefix of the
// file per line: at most this many bytes in all (a topology is a few
// kilobytes; a pathological file keeps yaml.v3's place).
const maxBlockSearch = 4 << 20

// blockError moves a block-structure error from where yaml.v3 puts it, the
// line where the enclosing block starts (the parser's context mark), to the
// line that breaks the block, with its column; the block's start becomes a
// related place. A YAML document cut at a line boundary inside block
// structure still parses, so the shortest prefix that fails with the same
// message ends at the offending line.
func blockError(d Diagnostic, data []byte) Diagnostic {
	msg := strings.TrimPrefix(d.Message, "invalid YAML: ")
	if !slices.Contains(blockErrors, msg) || d.Pos.Line < 1 {
		return d
	}
	lines := strings.SplitAfter(string(data), "\n")
	parsed := 0
	for n := d.Pos.Line; n <= len(lines); n++ {
		prefix := strings.Join(lines[:n], "")
		if parsed += len(prefix); parsed > maxBlockSearch {
			return d
		}
		var v yaml.Node
		err := yaml.Unmarshal([]byte(prefix), &v)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), msg) {
			return d // the cut itself broke something: keep yaml.v3's place
		}
		indent := func(line int) int {
			text := lines[line-1]
			return len(text) - len(strings.TrimLeft(text, " \t")) + 1
		}
		block := Pos{File: d.Pos.File, Line: d.Pos.Line, Col: indent(d.Pos.Line)}
		d.Pos = Pos{File: d.Pos.File, Line: n, Col: indent(n)}
		if n != block.Line {
			d.Related = append(d.Related, Related{Pos: block, Message: "the block it should line up with starts here"})
		}
		d.Hint = "indent this line like the other entries of its block (spaces, not tabs)"
		return d
	}
	return d
}

// yamlParserErrors are the messages of yaml.v3's parser, as opposed to its scanner.
var yamlParserErrors = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected <document start>", "did not find expected '-' indicator",
	"did not find expected key", "did not find expected node content",
	"found duplicate %YAML directive", "found incompatible YAML document",
	"found undefined tag handle", "found duplicate %TAG directive",
}

func setClouds(s *Spec) {
	for _, c := range s.byCloud() {
		for _, r := range c.regions {
			r.Cloud = c.cloud
		}
	}
}

// Defaults. Versions and sizes follow ../shared/reference/clouds.md.
const (
	DefaultBackend    = "file://.infra/state"
	DefaultSupernet   = "10.0.0.0/8"
	DefaultOverlay    = "10.255.0.0/24"
	DefaultMeshPort   = 51820
	DefaultKubernetes = "1.35"
)

func applyDefaults(s *Spec) {
	if s.Backend == "" {
		s.Backend = DefaultBackend
	}
	if s.Network.Supernet == "" {
		s.Network.Supernet = DefaultSupernet
	}
	if m := s.Network.Mesh; m != nil {
		if m.Overlay == "" {
			m.Overlay = DefaultOverlay
		}
		if m.Port == 0 {
			m.Port = DefaultMeshPort
		}
		if !m.Explicit("keepalive") {
			m.Keepalive.Duration = 25 * time.Second
		}
	} else {
		no := false
		for _, r := range s.Regions() {
			if r.Mesh == nil {
				r.Mesh = &no
			}
		}
	}
	if t := s.Network.Transit.IBM; t != nil && t.Routing == "" {
		t.Routing = "local"
	}
	if g := s.Network.GlobalLoadBalancer; g != nil {
		if g.Provider == "" {
			g.Provider = "ibm-cis"
		}
		if g.Steering == "" {
			g.Steering = "dynamic_latency"
		}
		h := &g.HealthCheck
		// Plain HTTP on port 80 by default: no origin serves a certificate
		// for the hostname on a fresh deploy (infra installs none), and a
		// CIS monitor over HTTPS validates one, so an HTTPS default left
		// every origin unhealthy. ADR glb/health-check has the reasons.
		if h.Protocol == "" {
			h.Protocol = "http"
		}
		if h.Port == 0 {
			h.Port = HealthCheckPort(h.Protocol)
		}
		if h.Path == "" {
			h.Path = HealthPath
		}
		if h.Interval.Duration == 0 {
			h.Interval.Duration = 60 * time.Second
		}
		if h.Timeout.Duration == 0 {
			h.Timeout.Duration = 5 * time.Second
		}
		if !h.Explicit("retries") {
			h.Retries = 2
		}
	}
	if lz := s.LandingZone.AWS; lz != nil {
		if lz.EmailPattern == "" {
			lz.EmailPattern = "aws+{account}@example.com"
		}
		lz.Organization = or(lz.Organization, OrganizationCreate)
		for _, a := range lz.Accounts {
			if a == nil {
				continue
			}
			if _, set := a.Keys["existing"]; !set && a.ID != "" {
				a.Existing = true
			}
			if a.Email == "" {
				a.Email = strings.ReplaceAll(lz.EmailPattern, "{account}", a.Name)
			}
			if a.Role == "" {
				a.Role = DefaultDeployRole
				if a.Existing {
					a.Role = ExistingAccountRole
				}
			}
		}
	}
	for _, g := range s.LandingZone.Guardrails {
		if g != nil && g.Enforcement == "" {
			g.Enforcement = "mandatory"
		}
	}
	for _, r := range s.Regions() {
		if len(r.Zones) == 0 {
			z := ZonesOf(r.Cloud, r.Name)
			r.Zones = z[:min(3, len(z))]
		}
	}
	if c := s.Clouds.IBM; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			k.Kubernetes = or(k.Kubernetes, DefaultKubernetes)
			k.Flavor = or(k.Flavor, regional(r.Name, "bx2.4x16", ibmThirdGenOnly, "bx3d.4x20"))
			if !k.Explicit("workersPerZone") {
				k.WorkersPerZone = 2
			}
		}
	}
	if c := s.Clouds.AWS; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			k.Kubernetes = or(k.Kubernetes, DefaultKubernetes)
			k.InstanceType = or(k.InstanceType, "t3.medium")
			defaultScaling(&k.NodesPerZone, k.Meta, "nodesPerZone", 1, 3)
		}
	}
	if c := s.Clouds.Hetzner; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			k.Kubernetes = or(k.Kubernetes, DefaultKubernetes)
			// cx33 where Hetzner sells CX (the EU), else its CPX
			// counterpart (4 vCPU, 8 GB), review hetzner-ovh-mesh.md item 8
			def := "cx33"
			if !rules.HetznerServerTypeSold(def, r.Name) {
				def = "cpx32"
			}
			k.ServerType = or(k.ServerType, def)
			if !k.Explicit("controlPlanes") {
				k.ControlPlanes = 1
			}
			if !k.Explicit("workers") {
				k.Workers = 3
			}
		}
	}
	if c := s.Clouds.OVH; c != nil {
		for _, r := range c.Regions {
			k := &r.Cluster
			k.Kubernetes = or(k.Kubernetes, DefaultKubernetes)
			k.Flavor = or(k.Flavor, regional(r.Name, "b2-7", ovhGen3Regions, "b3-8"))
			if k.Plan == "" {
				k.Plan = "free"
				if OVHStandardOnly(r.Name) {
					k.Plan = "standard"
				}
			}
			defaultScaling(&k.Nodes, k.Meta, "nodes", 3, 3)
		}
	}
}

// defaultScaling fills a node count: all of it when the key is absent, the
// parts left out of a mapping otherwise. An explicit 0 stays 0, for
// validation to reject: it is never silently replaced by the default.
func defaultScaling(s *Scaling, parent Meta, key string, lo, hi int) {
	if !parent.Explicit(key) {
		s.Min, s.Max, s.Desired = lo, hi, lo
		return
	}
	if s.Max == 0 {
		s.Max = max(s.Min, s.Desired)
	}
	if s.Desired == 0 {
		s.Desired = s.Min
	}
}

// regional is def, or alt in the regions listed.
func regional(region, def string, regions []string, alt string) string {
	if slices.Contains(regions, region) {
		return alt
	}
	return def
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
