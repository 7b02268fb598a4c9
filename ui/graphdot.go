package ui

import (
	"fmt"
	"slices"
	"strings"
)

// DOT renders the graph for Graphviz.
func (g *TopologyGraph) DOT() string {
	var b strings.Builder
	w := func(indent int, format string, a ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, a...)
		b.WriteByte('\n')
	}
	w(0, "digraph %s {", dotQuote(g.Title))
	w(1, `graph [rankdir=LR, compound=true, newrank=true, ordering=out, nodesep=0.2, ranksep=0.5, fontname="Helvetica", label=%s, labelloc=t, fontsize=16];`,
		dotQuote(g.Title))
	w(1, `node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#333333"];`)
	w(1, `edge [fontname="Helvetica", fontsize=9, color="#555555"];`)
	node := func(indent int, n *GraphNode) {
		attrs := map[string]string{
			"cluster": `penwidth=2`,
			"zone":    `fillcolor="#f7f7f7", color="#999999", fontsize=9`,
			"gateway": `shape=ellipse, style=filled, fillcolor="#f3e5f5", color="#7b1fa2", fontsize=9`,
			"transit": `shape=hexagon, style=filled, fillcolor="#e0f2f1", color="#00695c"`,
			"glb":     `shape=invtrapezium, style=filled, fillcolor="#fff8e1", color="#ef6c00", penwidth=2`,
			"pool":    `shape=cylinder, style=filled, fillcolor="#fff8e1", color="#ef6c00"`,
			"mesh":    `shape=doubleoctagon, style=filled, fillcolor="#f3e5f5", color="#7b1fa2", penwidth=2`,
		}[n.Kind]
		w(indent, "%s [label=%s, %s];", n.ID, dotQuote(strings.Join(n.Label, "\n")), attrs)
	}
	for _, n := range g.Global {
		node(1, n)
	}
	for _, c := range g.Clouds {
		w(1, "subgraph cluster_%s {", c.ID)
		w(2, `label=%s; style="rounded,filled"; fillcolor="%s"; color="#555555"; fontsize=14;`, dotQuote(strings.Join(c.Label, "\n")), cloudFill[c.Cloud])
		for _, n := range c.Nodes {
			node(2, n)
		}
		for _, r := range c.Groups {
			w(2, "subgraph cluster_%s {", r.ID)
			w(3, `label=%s; style="rounded,filled"; fillcolor="#ffffff"; color="#888888"; fontsize=11;`, dotQuote(strings.Join(r.Label, "\n")))
			for _, n := range r.Nodes {
				node(3, n)
			}
			w(2, "}")
		}
		w(1, "}")
	}
	// An edge to a region points at its cluster node and is clipped at the region's box.
	target := map[string]string{}
	for _, c := range g.Clouds {
		for _, r := range c.Groups {
			target[r.ID] = r.Nodes[0].ID
		}
	}
	for _, e := range dotOrder(g.Edges) {
		to, extra := e.To, ""
		if n, ok := target[e.To]; ok {
			to, extra = n, ", lhead=cluster_"+e.To
		}
		switch e.Kind {
		case "zone":
			w(1, `%s -> %s [dir=none, color="#999999"];`, e.From, to)
		case "hosts":
			w(1, `%s -> %s [style=invis];`, e.From, to)
		case "mesh":
			w(1, `%s -> %s [dir=none, style=dashed, color="#7b1fa2"];`, e.From, to)
		case "fallback":
			w(1, `%s -> %s [label=%s, color="#ef6c00", penwidth=1.5];`, e.From, to, dotQuote(e.Label))
		case "peering":
			w(1, `%s -> %s [label=%s, dir=both, style=dashed, color="#00695c"];`, e.From, to, dotQuote(e.Label))
		case "transit":
			w(1, `%s -> %s [dir=none, penwidth=2, color="#00695c"%s];`, e.From, to, extra)
		case "origin":
			w(1, `%s -> %s [color="#ef6c00"%s];`, e.From, to, extra)
		default:
			w(1, `%s -> %s [color="#ef6c00", penwidth=1.5%s];`, e.From, to, extra)
		}
	}
	w(0, "}")
	return b.String()
}

// dotOrder reverses each run of a cluster's zone and gateway edges: with
// ordering=out and rankdir=LR, dot stacks a node's later out-edges higher, and
// zones read best top to bottom in spec order with the gateway last.
func dotOrder(edges []*GraphEdge) []*GraphEdge {
	out := slices.Clone(edges)
	inRun := func(e *GraphEdge) bool { return e.Kind == "zone" || e.Kind == "hosts" }
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && inRun(out[j]) && out[j].From == out[i].From {
			j++
		}
		if j > i+1 {
			slices.Reverse(out[i:j])
		}
		i = max(j, i+1)
	}
	return out
}

func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
