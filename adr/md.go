package adr

import (
	"fmt"
	"strings"

	"infra/topology"
)

// table renders a markdown table; cells are escaped.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = cell(c)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// bullets renders a list.
func bullets(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString("* " + it + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// paras joins non-empty paragraphs with blank lines.
func paras(ps ...string) string {
	var out []string
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

func code(s string) string { return "`" + s + "`" }

// and joins words: "a", "a and b", "a, b and c".
func and(words []string) string {
	switch len(words) {
	case 0:
		return "none"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func sf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// cloudFacts are how records name a cloud, the Kubernetes offering its
// clusters use, and what its mesh gateway is.
var cloudFacts = map[topology.Cloud]struct{ name, distribution, gateway string }{
	topology.IBM:     {"IBM Cloud", "IBM Cloud Kubernetes Service (IKS)", "a virtual server instance with a floating IP"},
	topology.AWS:     {"AWS", "Amazon EKS", "a network-optimised, non-burstable EC2 instance booted on a network interface already holding its Elastic IP"},
	topology.Hetzner: {"Hetzner Cloud", "k3s on Hetzner Cloud servers", "an hcloud server with a primary IP"},
	topology.OVH:     {"OVHcloud", "OVHcloud Managed Kubernetes (MKS)", "a Public Cloud instance with a floating IP"},
}

// cloudName is how records name a cloud.
func cloudName(c topology.Cloud) string {
	if f, ok := cloudFacts[c]; ok {
		return f.name
	}
	return string(c)
}

// distribution is the Kubernetes offering a cloud's clusters use.
func distribution(c topology.Cloud) string {
	if f, ok := cloudFacts[c]; ok {
		return f.distribution
	}
	return "Kubernetes"
}

// shortDistribution is distribution's abbreviation.
func shortDistribution(c topology.Cloud) string {
	return map[topology.Cloud]string{topology.IBM: "IKS", topology.AWS: "EKS", topology.Hetzner: "k3s", topology.OVH: "MKS"}[c]
}
