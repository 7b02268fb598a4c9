package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"infra/kubeconfig"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// KubeconfigOptions are the inputs of `infra kubeconfig`.
type KubeconfigOptions struct {
	IO       *ui.IO
	Getenv   func(string) string
	LoadSpec func() (*topology.Spec, error)
	Open     engineOpener
	Engine   EngineFlags
	JSON     bool
	// Clusters are the stacks (or cluster names) asked for; all when empty.
	Clusters []string
	// Merge writes into the user's kubeconfig; Output into this file.
	Merge  bool
	Output string
	// Reach probes an API address; nil when the run is simulated (its
	// addresses lead nowhere).
	Reach kubeconfig.Reachable
}

// apiProbeTimeout bounds how long `infra kubeconfig` waits for a control
// plane's public address to accept a connection.
const apiProbeTimeout = 3 * time.Second

// NewCmdKubeconfig builds `infra kubeconfig`; runF, when set, replaces the
// run (tests of the flags).
func NewCmdKubeconfig(f *Factory, runF func(*KubeconfigOptions) error) *cobra.Command {
	opts := &KubeconfigOptions{IO: f.IO, Getenv: f.Getenv, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "kubeconfig [CLUSTER...]",
		Short: "Write a kubeconfig for the topology's clusters, one context per stack",
		Long: `Kubeconfig writes the access to the deployed clusters, one context per regional
stack, named after the stack (CLUSTER is a stack or cluster name; all by
default):
  - EKS: the endpoint and CA, with an exec credential running
    aws eks get-token as the environment's deploy role;
  - k3s on Hetzner: the CA infra generated and cloud-init installed before k3s
    first started, and an admin client certificate it signed (no ssh needed);
    the server is the registration load balancer, a private address reached
    over the mesh, which survives the loss of any control plane; when the
    cluster sets apiAccess, the first control plane whose public address
    accepts a connection from here (a Hetzner load balancer cannot filter
    sources, so none stands in front of them on the internet);
  - OVH MKS: the kubeconfig OVHcloud returned for the cluster;
  - IKS: the admin kubeconfig the Kubernetes Service's cluster config API
    returned when the cluster was deployed or last refreshed (what
    ibmcloud ks cluster config --admin downloads).

--merge adds the contexts to your kubeconfig (the first file of KUBECONFIG,
else ~/.kube/config), replacing only infra's own entries of the same name;
--output FILE writes a new file. Both are written with mode 0600. Without
either, the kubeconfig goes to stdout, which must not be a terminal when it
holds a key. --json says what was written, never a credential.`,
		Example: "  infra kubeconfig --merge\n" +
			"  infra kubeconfig hetzner-nbg1-prod --output k3s.yaml\n" +
			"  infra kubeconfig --simulate --output sim.kubeconfig --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Clusters, opts.JSON = args, f.Global().JSON
			if opts.Merge && opts.Output != "" {
				return usageError{errors.New("--merge and --output cannot be used together")}
			}
			opts.Open = f.engineOpener(&opts.Engine)
			if !opts.Engine.simulated(f.Getenv) {
				opts.Reach = kubeconfig.DialReachable(apiProbeTimeout)
			}
			return runOrCtx(cmd.Context(), opts, runF, runKubeconfig)
		},
	}
	opts.Engine.register(cmd, nil)
	cmd.Flags().BoolVar(&opts.Merge, "merge", false, "merge into the first file of KUBECONFIG, else ~/.kube/config, keeping every other entry")
	cmd.Flags().StringVar(&opts.Output, "output", "", "write the kubeconfig to this file (mode 0600)")
	return cmd
}

func runKubeconfig(ctx context.Context, opts *KubeconfigOptions) error {
	spec, res, err := readDeployed(ctx, opts.LoadSpec, opts.Open)
	if err != nil {
		return err
	}
	var regional []string
	for _, r := range res.Stacks {
		if r.Kind == stacks.Regional && !r.Removed {
			regional = append(regional, r.Name)
		}
	}
	want := map[string]bool{}
	for _, c := range opts.Clusters {
		found := false
		for _, r := range res.Stacks {
			if r.Kind != stacks.Regional {
				continue
			}
			if name, _ := r.Outputs["clusterName"].Value.(string); r.Name == c || name == c {
				want[r.Name], found = true, true
			}
		}
		if !found {
			return usageError{fmt.Errorf("no cluster %q in %s; the clusters are: %s", c, spec.File, strings.Join(regional, ", "))}
		}
	}
	t := ui.NewTheme(opts.IO.Err, opts.IO.Color)
	var entries []kubeconfig.Entry
	var skipped []string
	for _, r := range res.Stacks {
		if r.Kind != stacks.Regional || r.Removed || (len(want) > 0 && !want[r.Name]) {
			continue
		}
		if len(r.Outputs) == 0 {
			if want[r.Name] {
				return fmt.Errorf("%s is not deployed: run `infra up` first", r.Name)
			}
			skipped = append(skipped, r.Name+": not deployed")
			continue
		}
		out := map[string]any{}
		for k, v := range r.Outputs {
			out[k] = v.Value
		}
		e, err := kubeconfig.FromOutputs(r.Name, r.Cloud, out)
		if errors.Is(err, kubeconfig.ErrUnsupported) && !want[r.Name] {
			skipped = append(skipped, err.Error())
			continue
		}
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	for _, sk := range skipped {
		fmt.Fprintf(opts.IO.Err, "%s skipped %s\n", t.Warning.Render("!"), sk)
	}
	if opts.Reach != nil {
		for _, note := range kubeconfig.Pick(ctx, entries, opts.Reach) {
			fmt.Fprintf(opts.IO.Err, "%s %s\n", t.Warning.Render("!"), note)
		}
	}
	if len(entries) == 0 {
		return errors.New("no deployed cluster to write a kubeconfig for")
	}
	doc := ui.KubeconfigJSON{Skipped: skipped}
	for _, e := range entries {
		doc.Contexts = append(doc.Contexts, ui.KubeconfigContext{Name: e.Stack, Cloud: e.Cloud, Server: e.Server, Auth: e.Auth()})
	}
	cfg := kubeconfig.Build(entries)
	switch {
	case opts.Merge || opts.Output != "":
		path := opts.Output
		if opts.Merge {
			if path, err = userKubeconfig(opts.Getenv); err != nil {
				return err
			}
			existing, err := readKubeconfig(path)
			if err != nil {
				return err
			}
			doc.Replaced = existing.Merge(cfg)
			cfg = existing
		}
		if err := writeKubeconfig(path, cfg); err != nil {
			return err
		}
		doc.File = path
		if !opts.JSON {
			fmt.Fprintf(opts.IO.Err, "%s wrote %s to %s (mode 0600)\n", t.OK.Render("✓"), plural(len(entries), "context"), path)
			for _, c := range doc.Contexts {
				fmt.Fprintf(opts.IO.Err, "  %s  %s  %s\n", c.Name, c.Server, t.Dim.Render(c.Auth))
			}
		}
	case opts.JSON:
		// Contexts only: writing nothing leaks nothing.
	default:
		if opts.IO.OutTTY && slices.ContainsFunc(entries, kubeconfig.Entry.Secret) {
			return usageError{errors.New("the kubeconfig holds client keys: write it to a file (--output FILE or --merge), or redirect stdout")}
		}
		data, err := cfg.Marshal()
		if err != nil {
			return err
		}
		_, err = opts.IO.Out.Write(data)
		return err
	}
	if opts.JSON {
		return ui.WriteKubeconfigJSON(opts.IO.Out, doc)
	}
	return nil
}

// userKubeconfig is the file kubectl writes to: the first of KUBECONFIG,
// else ~/.kube/config.
func userKubeconfig(getenv func(string) string) (string, error) {
	for _, p := range filepath.SplitList(getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither KUBECONFIG nor HOME is set: use --output FILE")
	}
	return filepath.Join(home, ".kube", "config"), nil
}

func readKubeconfig(path string) (*kubeconfig.Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return kubeconfig.Parse(nil)
	}
	if err != nil {
		return nil, err
	}
	c, err := kubeconfig.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// writeKubeconfig replaces path with c, mode 0600, through a temporary
// file in the same directory so a reader never sees half a file.
func writeKubeconfig(path string, c *kubeconfig.Config) error {
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".kubeconfig-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
