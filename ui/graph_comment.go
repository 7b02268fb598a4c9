package ui

import (
	"slices"
	"strings"
)

// commentRowRegions is how many region boxes stand side by side in the
// comment's diagram: three of the widest (about 230 px each at GitHub's
// 16 px font) and their gaps would pass the comment column's 800 px.
const commentRowRegions = 2

// CommentMermaid renders the graph for a pull-request comment, whose column
// is about 800 px wide: GitHub scales a wider diagram down until its text is
// unreadable, and the full diagram (Mermaid) of the multicloud example is
// over 1,600 px wide. So the comment draws each region as one box, its
// cluster, address range, zones, load-balancer pool and mesh address as
// lines of text, and lays the diagram out top-down: the global load
// balancer and its pools, then each cloud with its regions in rows of
// commentRowRegions, then the mesh. Only links inside a cloud (transit
// attachments, peering) and from the load balancer to its pools are drawn;
// links across rows would run beside every row between and widen it.
// Invisible links (~~~) stack the rows. TestCommentMermaidFits measures the
// layout with mermaid itself.
func (g *TopologyGraph) CommentMermaid() string {
	var b strings.Builder
	w := mermaidWriter(&b)
	w(0, "flowchart TB")
	pools := map[string][]string{} // cluster node ID → pool names
	var top []string               // IDs of the load balancer's row(s)
	for _, n := range g.Global {
		if n.Kind != "mesh" {
			mermaidBox(w, 1, n)
			top = append(top, n.ID)
		}
	}
	for _, e := range g.Edges {
		if e.Kind == "origin" {
			pools[e.To] = append(pools[e.To], strings.TrimPrefix(e.From, "pool_"))
		}
	}
	var rows [][]string // the boxes of each row, top to bottom
	for _, c := range g.Clouds {
		w(1, "subgraph %s[%s]", c.ID, mermaidLabel(c.Label))
		var tgws, regions []string // a cloud's transit gateways head its rows
		for _, n := range c.Nodes {
			mermaidBox(w, 2, n)
			tgws = append(tgws, n.ID)
		}
		for _, r := range c.Groups {
			w(2, "%s[%s]", r.ID, mermaidLabel(regionLines(r, pools)))
			regions = append(regions, r.ID)
		}
		w(1, "end")
		rows = append(rows, slices.Collect(slices.Chunk(tgws, commentRowRegions))...)
		rows = append(rows, slices.Collect(slices.Chunk(regions, commentRowRegions))...)
	}
	for _, n := range g.Global {
		if n.Kind == "mesh" {
			mermaidBox(w, 1, n)
			rows = append(rows, []string{n.ID})
		}
	}
	g.mermaidRemoved(w)
	var removed []string
	for _, name := range g.Marks.Removed {
		removed = append(removed, graphID("removed", name))
	}
	rows = append(rows, slices.Collect(slices.Chunk(removed, commentRowRegions))...)
	for _, e := range g.Edges {
		switch e.Kind {
		case "transit", "peering", "pool", "fallback":
			mermaidLink(w, e)
		}
	}
	// Every box of a row hangs from every box of the row above, which
	// centres the rows on one axis; the first row hangs from the load
	// balancer's last box (a pool), so the clouds start below the pools.
	if len(top) > 0 {
		rows = append([][]string{{top[len(top)-1]}}, rows...)
	}
	for i := 1; i < len(rows); i++ {
		for _, from := range rows[i-1] {
			for _, to := range rows[i] {
				w(1, "%s ~~~ %s", from, to)
			}
		}
	}
	g.mermaidStyles(w)
	return b.String()
}

// regionLines is a region's box in the comment's diagram: its name and
// environment, cluster, address range and zone count, load-balancer pools
// and mesh address, each line short enough for two boxes a row.
func regionLines(r *GraphGroup, pools map[string][]string) []string {
	lines := []string{r.Label[0]}
	zones, tail := 0, []string{}
	for _, n := range r.Nodes {
		switch n.Kind {
		case "cluster":
			lines = append(lines, n.Label...)
			if p := pools[n.ID]; len(p) > 0 {
				tail = append(tail, "pool "+strings.Join(p, ", "))
			}
		case "zone":
			zones++
		case "gateway":
			tail = append(tail, "wg "+n.Label[len(n.Label)-1])
		}
	}
	if len(r.Label) > 1 {
		lines = append(lines, r.Label[1])
	}
	lines = append(lines, plural(zones, "zone"))
	return append(lines, tail...)
}
