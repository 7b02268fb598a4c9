package cmd

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"infra/stacks"
	"infra/topology"
)

// Value completion for the flags that name things of the topology: the
// shells ask `infra __complete …`, which loads the -f topology (quietly:
// a broken file completes nothing) and lists its stacks, mesh nodes or
// clouds. Completion needs the bash-completion package for bash (cobra's
// script calls its _get_comp_words_by_ref).

// completionSpec loads the topology -f names, without printing anything.
func (f *Factory) completionSpec() *topology.Spec {
	spec, _, err := topology.Load(f.Global().File)
	if err != nil {
		return nil
	}
	return spec
}

// completeStacks lists the topology's stacks, for --stack (a list: the
// part after the last comma is completed).
func (f *Factory) completeStacks(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	spec := f.completionSpec()
	if spec == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	g, err := stacks.Build(spec)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []string
	for _, name := range g.Names() {
		out = append(out, prefix+name)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeMeshNodes lists the mesh's gateways, for mesh config --node.
func (f *Factory) completeMeshNodes(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	spec := f.completionSpec()
	if spec == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, r := range spec.Regions() {
		if r.InMesh() {
			out = append(out, r.Ref())
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeYAML completes -f with YAML files and directories.
func completeYAML(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// fixed completes a flag with a fixed list of values.
func fixed(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	values = slices.Clone(values)
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}
