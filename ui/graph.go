package ui

import (
	"fmt"
	"io"
	"strings"

	"infra/model"
	"infra/topology"
)

// TopologyGraph is a topology as a diagram: clouds contain regions, regions
// contain their cluster, zones and mesh gateway; transit gateways, the global
// load balancer and its pools sit around them; edges are transit attachments,
// peering, mesh links and load-balancer traffic. Mermaid and DOT render it.
type TopologyGraph struct {
	Title    string
	Clouds   []*GraphGroup // one per cloud, canonical order
	Global   []*GraphNode  // nodes outside every cloud (GLB and pools)
	Edges    []*GraphEdge
	Gateways int // mesh gateways, for the legend
	// Marks are what a preview does to the regions; zero for none.
	Marks GraphMarks
}

// GraphMarks are the regions a preview adds, changes or removes, by region
// ID (the name of its regional stack), for a pull request's reviewer.
type GraphMarks struct {
	Added, Changed map[string]bool
	// Removed are stacks the backend holds that the topology no longer
	// has: the diagram of the topology has no box for them, so they are
	// drawn apart.
	Removed []string
}

// GraphGroup is a box of nodes: a cloud or a region.
type GraphGroup struct {
	ID     string
	Label  []string
	Cloud  topology.Cloud
	Nodes  []*GraphNode
	Groups []*GraphGroup
}

// GraphNode is one box of the diagram.
type GraphNode struct {
	ID    string
	Label []string
	Kind  string // cluster, zone, gateway, transit, glb, pool
}

// GraphEdge joins two nodes, or a node and a group.
type GraphEdge struct {
	From, To string
	Label    string
	Kind     string // zone, transit, peering, mesh, origin, pool, fallback
}

// graphID makes a Mermaid- and DOT-safe identifier.
func graphID(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('_')
		}
		for _, c := range strings.ToLower(p) {
			if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
				b.WriteRune(c)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

var cloudTitle = map[topology.Cloud]string{topology.IBM: "IBM Cloud", topology.AWS: "AWS", topology.Hetzner: "Hetzner Cloud", topology.OVH: "OVHcloud"}

// NewTopologyGraph builds the diagram of a derived topology.
func NewTopologyGraph(m *model.Model) (*TopologyGraph, error) {
	spec, net, mesh := m.Spec, m.Addresses, m.Mesh
	g := &TopologyGraph{Title: spec.Name}
	clusterOf := map[string]string{} // region ID → cluster node ID
	regionOf := map[string]string{}  // region ID → region group ID
	byCloud := map[topology.Cloud]*GraphGroup{}
	for _, r := range spec.Regions() {
		c := byCloud[r.Cloud]
		if c == nil {
			c = &GraphGroup{ID: graphID("cloud", string(r.Cloud)), Label: []string{cloudTitle[r.Cloud]}, Cloud: r.Cloud}
			byCloud[r.Cloud] = c
			g.Clouds = append(g.Clouds, c)
		}
		rn := net.Region(r.ID())
		if rn == nil {
			return nil, fmt.Errorf("graph: the address plan has no region %s", r.ID())
		}
		id := r.ID()
		rg := &GraphGroup{ID: graphID("region", id), Label: []string{r.Name + " · " + r.Environment, rn.CIDR.String()}, Cloud: r.Cloud}
		k := &GraphNode{ID: graphID("k8s", id), Label: clusterLabel(spec, r), Kind: "cluster"}
		rg.Nodes = append(rg.Nodes, k)
		for _, z := range rn.Zones {
			zn := &GraphNode{ID: graphID("zone", id, z.Zone), Label: []string{z.Zone, z.Private.String()}, Kind: "zone"}
			rg.Nodes = append(rg.Nodes, zn)
			g.Edges = append(g.Edges, &GraphEdge{From: k.ID, To: zn.ID, Kind: "zone"})
		}
		if sites := mesh.Sites(id); len(sites) > 0 {
			label := []string{"wg gateway", sites[0].Overlay.String()}
			if len(sites) > 1 || sites[0].Zone != "" {
				// a gateway per zone (AWS): one node, naming how many
				var overlays []string
				for _, s := range sites {
					overlays = append(overlays, s.Overlay.String())
				}
				label = []string{fmt.Sprintf("%d wg gateways, one per zone", len(sites)), strings.Join(overlays, " · ")}
			}
			wg := &GraphNode{ID: graphID("wg", id), Label: label, Kind: "gateway"}
			rg.Nodes = append(rg.Nodes, wg)
			g.Edges = append(g.Edges, &GraphEdge{From: k.ID, To: wg.ID, Kind: "hosts"})
		}
		c.Groups = append(c.Groups, rg)
		clusterOf[id], regionOf[id] = k.ID, rg.ID
	}
	// Transit gateways, from the network's transit model.
	tr := m.Transit
	if t := tr.IBM; t != nil && byCloud[topology.IBM] != nil {
		routing := "local routing"
		if t.Global {
			routing = "global routing"
		}
		tg := &GraphNode{ID: "tgw_ibm", Label: []string{"Transit Gateway", t.Location + " · " + routing}, Kind: "transit"}
		byCloud[topology.IBM].Nodes = append(byCloud[topology.IBM].Nodes, tg)
		for _, id := range t.VPCs {
			g.Edges = append(g.Edges, &GraphEdge{From: tg.ID, To: regionOf[id], Kind: "transit"})
		}
	}
	if c := byCloud[topology.AWS]; c != nil {
		for _, gw := range tr.AWS {
			id := graphID("tgw", "aws", gw.Region)
			c.Nodes = append(c.Nodes, &GraphNode{ID: id, Label: []string{"Transit Gateway", gw.Region}, Kind: "transit"})
			for _, vpc := range gw.VPCs {
				g.Edges = append(g.Edges, &GraphEdge{From: id, To: regionOf[vpc], Kind: "transit"})
			}
		}
		for _, p := range tr.Peerings {
			g.Edges = append(g.Edges, &GraphEdge{From: graphID("tgw", "aws", p.Requester), To: graphID("tgw", "aws", p.Accepter), Label: "peering", Kind: "peering"})
		}
	}
	// Mesh: every gateway peers with every other of its environment. Drawn pair by pair, n(n-1)/2
	// lines become a hairball past four gateways, so the mesh is one node
	// that names the full mesh and its link count, joined to each gateway.
	if mesh != nil && len(mesh.Gateways) > 0 {
		n := len(mesh.Gateways)
		g.Gateways = n
		hub := &GraphNode{ID: "wg_mesh", Kind: "mesh", Label: []string{
			"WireGuard full mesh",
			fmt.Sprintf("%d gateways · %d peer links", n, len(mesh.Pairs())),
			fmt.Sprintf("%s · UDP %d · MTU %d", mesh.Overlay, mesh.Port, mesh.MTU)}}
		g.Global = append(g.Global, hub)
		for _, s := range spec.Regions() {
			if len(mesh.Sites(s.ID())) > 0 {
				g.Edges = append(g.Edges, &GraphEdge{From: graphID("wg", s.ID()), To: hub.ID, Kind: "mesh"})
			}
		}
	}
	// Global load balancer.
	if lb := spec.Network.GlobalLoadBalancer; lb != nil {
		h := lb.HealthCheck
		glb := &GraphNode{ID: "glb", Kind: "glb", Label: []string{lb.Hostname, lb.Provider + " · " + lb.Steering,
			fmt.Sprintf("%s %s every %ds", strings.ToUpper(h.Protocol), h.Path, int(h.Interval.Seconds()))}}
		g.Global = append(g.Global, glb)
		for _, p := range lb.Pools {
			label := []string{"pool " + p.Name}
			if len(p.Geo) > 0 {
				label = append(label, strings.Join(p.Geo, ", "))
			}
			pn := &GraphNode{ID: graphID("pool", p.Name), Label: label, Kind: "pool"}
			g.Global = append(g.Global, pn)
			if p.Name == lb.Fallback {
				g.Edges = append(g.Edges, &GraphEdge{From: glb.ID, To: pn.ID, Label: "fallback", Kind: "fallback"})
			} else {
				g.Edges = append(g.Edges, &GraphEdge{From: glb.ID, To: pn.ID, Kind: "pool"})
			}
			for _, m := range p.Members {
				for _, r := range spec.Lookup(m) {
					g.Edges = append(g.Edges, &GraphEdge{From: pn.ID, To: clusterOf[r.ID()], Kind: "origin"})
				}
			}
		}
	}
	return g, nil
}

func clusterLabel(spec *topology.Spec, r *topology.Region) []string {
	zones := max(1, len(r.Zones))
	span := func(lo, hi int) string {
		if lo == hi {
			return fmt.Sprint(lo)
		}
		return fmt.Sprintf("%d–%d", lo, hi)
	}
	switch r.Cloud {
	case topology.IBM:
		if x := topology.EntryOf(spec.Clouds.IBM.Regions, r); x != nil {
			return []string{"IKS " + x.Cluster.Kubernetes, fmt.Sprintf("%s × %d", x.Cluster.Flavor, x.Cluster.WorkersPerZone*zones)}
		}
	case topology.AWS:
		if x := topology.EntryOf(spec.Clouds.AWS.Regions, r); x != nil {
			n := x.Cluster.NodesPerZone
			return []string{"EKS " + x.Cluster.Kubernetes, fmt.Sprintf("%s × %s", x.Cluster.InstanceType, span(n.Min*zones, n.Max*zones))}
		}
	case topology.Hetzner:
		if x := topology.EntryOf(spec.Clouds.Hetzner.Regions, r); x != nil {
			c := x.Cluster
			return []string{"k3s " + c.Kubernetes, fmt.Sprintf("%s × %d CP + %d", c.ServerType, c.ControlPlanes, c.Workers)}
		}
	case topology.OVH:
		if x := topology.EntryOf(spec.Clouds.OVH.Regions, r); x != nil {
			n := x.Cluster.Nodes
			return []string{"MKS " + x.Cluster.Kubernetes + " " + x.Cluster.Plan, fmt.Sprintf("%s × %s", x.Cluster.Flavor, span(n.Min*zones, n.Max*zones))}
		}
	}
	return []string{"cluster"}
}

// Colours per cloud, light enough for black text, distinct in grey scale too.
var cloudFill = map[topology.Cloud]string{
	topology.IBM: "#e3ecfa", topology.AWS: "#fdf0dc", topology.Hetzner: "#fbe3e3", topology.OVH: "#e9e4f7",
}

// Mermaid renders the graph as a Mermaid flowchart that GitHub renders:
// every zone and gateway a box, laid out left to right (`infra graph`).
func (g *TopologyGraph) Mermaid() string {
	var b strings.Builder
	w := mermaidWriter(&b)
	w(0, "flowchart LR")
	for _, n := range g.Global {
		mermaidBox(w, 1, n)
	}
	for _, c := range g.Clouds {
		w(1, "subgraph %s[%s]", c.ID, mermaidLabel(c.Label))
		w(2, "direction LR")
		for _, n := range c.Nodes {
			mermaidBox(w, 2, n)
		}
		for _, r := range c.Groups {
			// One line: Mermaid places a subgraph's first node over the
			// second line of a two-line title (the region's CIDR).
			w(2, "subgraph %s[%s]", r.ID, mermaidLabel([]string{strings.Join(r.Label, " · ")}))
			for _, n := range r.Nodes {
				mermaidBox(w, 3, n)
			}
			w(2, "end")
		}
		w(1, "end")
	}
	g.mermaidRemoved(w)
	for _, e := range g.Edges {
		mermaidLink(w, e)
	}
	g.mermaidStyles(w)
	return b.String()
}

// mermaidLine writes one indented line of a diagram.
type mermaidLine func(indent int, format string, a ...any)

func mermaidWriter(b *strings.Builder) mermaidLine {
	return func(indent int, format string, a ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(b, format, a...)
		b.WriteByte('\n')
	}
}

// mermaidShape is each kind's box: open and close around the label.
var mermaidShape = map[string][2]string{
	"cluster": {"(", ")"}, "gateway": {"([", "])"}, "transit": {"{{", "}}"},
	"glb": {"[/", "\\]"}, "pool": {"[(", ")]"}, "mesh": {"((", "))"},
}

func mermaidBox(w mermaidLine, indent int, n *GraphNode) {
	shape, ok := mermaidShape[n.Kind]
	if !ok {
		shape = [2]string{"[", "]"}
	}
	w(indent, "%s%s%s%s", n.ID, shape[0], mermaidLabel(n.Label), shape[1])
	w(indent, "class %s %s", n.ID, n.Kind)
}

func mermaidLink(w mermaidLine, e *GraphEdge) {
	switch e.Kind {
	case "zone", "hosts":
		w(1, "%s --- %s", e.From, e.To)
	case "mesh":
		w(1, "%s -.- %s", e.From, e.To)
	case "fallback":
		w(1, "%s -- %s --> %s", e.From, e.Label, e.To)
	case "peering":
		w(1, "%s <-. %s .-> %s", e.From, e.Label, e.To)
	case "transit":
		w(1, "%s === %s", e.From, e.To)
	default:
		w(1, "%s --> %s", e.From, e.To)
	}
}

// mermaidRemoved draws the stacks a preview removes apart: the topology
// has no box for them.
func (g *TopologyGraph) mermaidRemoved(w mermaidLine) {
	if len(g.Marks.Removed) == 0 {
		return
	}
	w(1, "subgraph removed[%s]", mermaidLabel([]string{"Removed from the topology"}))
	for _, name := range g.Marks.Removed {
		w(2, "%s[%s]", graphID("removed", name), mermaidLabel([]string{name}))
		w(2, "class %s removed", graphID("removed", name))
	}
	w(1, "end")
}

// mermaidStyles colours kinds, clouds, and regions by their marks.
func (g *TopologyGraph) mermaidStyles(w mermaidLine) {
	w(1, "classDef cluster fill:#ffffff,stroke:#333333,stroke-width:2px")
	w(1, "classDef zone fill:#f7f7f7,stroke:#999999")
	w(1, "classDef gateway fill:#f3e5f5,stroke:#7b1fa2")
	w(1, "classDef transit fill:#e0f2f1,stroke:#00695c")
	w(1, "classDef glb fill:#fff8e1,stroke:#ef6c00,stroke-width:2px")
	w(1, "classDef pool fill:#fff8e1,stroke:#ef6c00")
	w(1, "classDef mesh fill:#f3e5f5,stroke:#7b1fa2,stroke-width:2px")
	for _, c := range g.Clouds {
		w(1, "style %s fill:%s,stroke:#555555", c.ID, cloudFill[c.Cloud])
		for _, r := range c.Groups {
			switch {
			case marked(g.Marks.Added, r.ID):
				w(1, "style %s fill:#dafbe1,stroke:#1a7f37,stroke-width:3px", r.ID)
			case marked(g.Marks.Changed, r.ID):
				w(1, "style %s fill:#fff1e5,stroke:#bc4c00,stroke-width:3px", r.ID)
			default:
				w(1, "style %s fill:#ffffff,stroke:#888888", r.ID)
			}
		}
	}
	if len(g.Marks.Removed) > 0 {
		w(1, "classDef removed fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5")
		w(1, "style removed fill:#fff8f8,stroke:#cf222e,stroke-dasharray:5 5")
	}
}

// marked reports whether a region's group, by its ID, is in a set of
// region IDs (regional stack names).
func marked(set map[string]bool, group string) bool {
	for id := range set {
		if graphID("region", id) == group {
			return true
		}
	}
	return false
}

// mermaidLabel quotes a label, escaping what Mermaid would parse.
func mermaidLabel(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		l = strings.ReplaceAll(l, "&", "#amp;")
		l = strings.ReplaceAll(l, `"`, "#quot;")
		l = strings.ReplaceAll(l, "<", "#lt;")
		l = strings.ReplaceAll(l, ">", "#gt;")
		esc[i] = l
	}
	return `"` + strings.Join(esc, "<br/>") + `"`
}

// MermaidBlock is the diagram as a fenced block for markdown (PR comments),
// with the regions marks names marked.
func MermaidBlock(m *model.Model, marks GraphMarks) (string, error) {
	g, err := NewTopologyGraph(m)
	if err != nil {
		return "", err
	}
	g.Marks = marks
	return "```mermaid\n" + g.CommentMermaid() + "```\n", nil
}

// GraphView renders a topology diagram.
type GraphView interface {
	Graph(g *TopologyGraph) error
}

// NewGraphView picks the renderer for format: mermaid or dot.
func NewGraphView(io *IO, format string) (GraphView, error) {
	switch format {
	case "mermaid":
		return graphWriter{io.Out, (*TopologyGraph).Mermaid}, nil
	case "dot":
		return graphWriter{io.Out, (*TopologyGraph).DOT}, nil
	}
	return nil, fmt.Errorf("unknown graph format %q: use mermaid or dot", format)
}

type graphWriter struct {
	w      io.Writer
	render func(*TopologyGraph) string
}

// Graph writes the rendered diagram.
func (v graphWriter) Graph(g *TopologyGraph) error {
	_, err := io.WriteString(v.w, v.render(g))
	return err
}
