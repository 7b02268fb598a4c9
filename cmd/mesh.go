package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"infra/model"
	"infra/network"
	"infra/topology"
	"infra/ui"
)

// MeshConfigOptions are the inputs of `infra mesh config`.
type MeshConfigOptions struct {
	IO       *ui.IO
	LoadSpec func() (*topology.Spec, error)
	Node     string
	// Zone picks one zone's gateway of a region whose gateways are per
	// zone (AWS).
	Zone        string
	JSON        bool
	ShowSecrets bool
	// Keys reads the deployed keys of the named gateways (--show-secrets).
	Keys func(ctx context.Context, spec *topology.Spec, gateways []string) (network.Keys, error)
	// Placeholders allows writing a configuration with placeholders where
	// the keys and endpoints go, off a terminal.
	Placeholders bool
}

// NewCmdMesh builds `infra mesh` and its config verb; runF, when set,
// replaces config's run (flag tests).
func NewCmdMesh(f *Factory, runF func(*MeshConfigOptions) error) *cobra.Command {
	mesh := &cobra.Command{
		Use:   "mesh",
		Short: "Inspect the cross-cloud WireGuard mesh",
	}
	opts := &MeshConfigOptions{IO: f.IO, LoadSpec: f.loadSpec}
	engineFlags := EngineFlags{Parallel: 10}
	config := &cobra.Command{
		Use:   "config --node CLOUD/REGION[/ENV] [--zone ZONE]",
		Short: "Print one gateway's wg-quick configuration",
		Long: `Config prints the wg-quick configuration of one mesh gateway: its overlay
address, listen port, MTU, and one [Peer] per other gateway with AllowedIPs
(the peer's overlay /32 and its region's CIDR) and, where the gateway sits
behind a 1:1 NAT, PersistentKeepalive. An AWS region has a gateway in each
zone, whose AllowedIPs are its zone's subnets: --zone picks one.

Offline, private and pre-shared keys print as <secret: from state> and public
keys and endpoints as placeholders: key material exists only in the deployed
state, encrypted.`,
		Example: "  infra mesh config -f examples/multicloud.yaml --node aws/us-east-1/prod --zone us-east-1a\n  infra mesh config --node hetzner/nbg1 --show-secrets > wg0.conf",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = f.Global().JSON
			opts.Keys = func(ctx context.Context, spec *topology.Spec, gateways []string) (network.Keys, error) {
				s, err := startEngine(ctx, f, spec, &engineFlags, nil)
				if err != nil {
					return nil, err
				}
				defer s.Close()
				return s.MeshKeys(gateways...)
			}
			return runOrCtx(cmd.Context(), opts, runF, runMeshConfig)
		},
	}
	config.Flags().StringVar(&opts.Node, "node", "", "gateway to print, as cloud/region or cloud/region/environment (required)")
	config.Flags().StringVar(&opts.Zone, "zone", "", "zone whose gateway to print, where a region has one per zone (AWS)")
	config.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print real keys from the deployed state (needs INFRA_PASSPHRASE)")
	config.Flags().BoolVar(&opts.Placeholders, "placeholders", false, "write the configuration with placeholders for keys and endpoints even when stdout is not a terminal")
	config.Flags().StringVar(&engineFlags.Backend, "backend", "", "Pulumi backend URL to read the keys from (env INFRA_BACKEND)")
	config.Flags().StringVar(&engineFlags.Pulumi, "pulumi", "", "pulumi CLI to use")
	_ = config.MarkFlagRequired("node")
	_ = config.RegisterFlagCompletionFunc("node", f.completeMeshNodes)
	mesh.AddCommand(config)
	return mesh
}

func runMeshConfig(ctx context.Context, opts *MeshConfigOptions) error {
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	if spec.Network.Mesh == nil {
		return fmt.Errorf("%s has no mesh: add network.mesh to the topology", spec.File)
	}
	matches := spec.Lookup(opts.Node)
	switch {
	case len(matches) == 0:
		var refs []string
		for _, r := range spec.Regions() {
			if r.InMesh() {
				refs = append(refs, r.Ref())
			}
		}
		return usageError{fmt.Errorf("no mesh node %q; nodes: %s", opts.Node, strings.Join(refs, ", "))}
	case len(matches) > 1:
		var refs []string
		for _, r := range matches {
			refs = append(refs, r.Ref())
		}
		return usageError{fmt.Errorf("%q matches %s: name the environment", opts.Node, strings.Join(refs, " and "))}
	}
	m, err := model.Derive(spec)
	if err != nil {
		return err
	}
	mesh := m.Mesh
	site, err := meshSite(mesh, matches[0], opts.Zone)
	if err != nil {
		return err
	}
	var keys network.Keys = network.OfflineKeys{}
	secrets := "redacted"
	if !opts.ShowSecrets && !opts.JSON && !opts.IO.OutTTY && !opts.Placeholders {
		// A file of placeholders looks like a configuration and is not one
		// (`> wg0.conf`): refuse, and say how to get the real one.
		return usageError{fmt.Errorf("without --show-secrets the configuration has placeholders for the keys and endpoints, and stdout is not a terminal: " +
			"pass --show-secrets to read them from the deployed state (needs INFRA_PASSPHRASE), or --placeholders to write it as it is")}
	}
	if opts.ShowSecrets {
		// Keys live only in the deployed state, encrypted.
		var ids []string
		for _, gw := range mesh.Gateways {
			ids = append(ids, gw.ID)
		}
		if keys, err = opts.Keys(ctx, spec, ids); err != nil {
			return err
		}
		secrets = "shown"
	}
	cfg, err := mesh.Config(site, keys)
	if err != nil {
		return err
	}
	return ui.NewMeshConfigView(opts.IO, opts.JSON).Config(ui.MeshConfig{Node: matches[0].Ref(), ID: site, Secrets: secrets, Config: cfg})
}

// meshSite is the ID of region r's gateway in zone (any zone's where the
// region has one gateway): a usage error names the zones where it has
// one per zone and zone names none of them.
func meshSite(mesh *network.Mesh, r *topology.Region, zone string) (string, error) {
	sites := mesh.Sites(r.ID())
	if len(sites) == 1 && sites[0].Zone == "" {
		return sites[0].ID, nil // one gateway for the region: its config whatever the zone
	}
	var zones []string
	for _, g := range sites {
		if g.Zone == zone {
			return g.ID, nil
		}
		zones = append(zones, g.Zone)
	}
	if len(sites) == 0 {
		return r.ID(), nil // not in the mesh: Config says so
	}
	if zone == "" {
		return "", usageError{fmt.Errorf("%s has a mesh gateway in each zone: pass --zone, one of %s", r.Ref(), strings.Join(zones, ", "))}
	}
	return "", usageError{fmt.Errorf("%s has no mesh gateway in zone %q; zones: %s", r.Ref(), zone, strings.Join(zones, ", "))}
}
