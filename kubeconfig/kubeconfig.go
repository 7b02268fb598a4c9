// Package kubeconfig builds the kubeconfig of a topology's clusters from
// their stacks' outputs, one context per cluster named after its stack, and
// merges it into an existing file without touching other entries. The file
// format is Kubernetes' clientcmd v1 Config (k8s.io/client-go/tools/
// clientcmd/api/v1/types.go); tests load it with a real loader.
package kubeconfig

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a kubeconfig file.
type Config struct {
	APIVersion     string         `yaml:"apiVersion"`
	Kind           string         `yaml:"kind"`
	Preferences    map[string]any `yaml:"preferences,omitempty"`
	Clusters       []NamedCluster `yaml:"clusters"`
	Users          []NamedUser    `yaml:"users"`
	Contexts       []NamedContext `yaml:"contexts"`
	CurrentContext string         `yaml:"current-context"`
	// Extensions and anything else a tool wrote are kept as they are.
	Rest map[string]any `yaml:",inline"`
}

// NamedCluster is a cluster entry.
type NamedCluster struct {
	Name    string         `yaml:"name"`
	Cluster map[string]any `yaml:"cluster"`
}

// NamedUser is a user entry.
type NamedUser struct {
	Name string         `yaml:"name"`
	User map[string]any `yaml:"user"`
}

// NamedContext is a context entry.
type NamedContext struct {
	Name    string         `yaml:"name"`
	Context map[string]any `yaml:"context"`
}

// Exec is an exec credential plugin (client.authentication.k8s.io).
type Exec struct {
	Command string
	Args    []string
	Env     map[string]string
}

// Entry is one cluster's access: where, whom to trust, who to be.
type Entry struct {
	// Stack names the context, cluster and user.
	Stack string
	Cloud string
	// Server is the API server URL; CAData the PEM of the CA to trust.
	Server string
	CAData []byte
	// TLSServerName, when set, is the name the server's certificate is
	// checked against instead of Server's host: a k3s API reached at a
	// control plane's public address presents the certificate of the
	// registration address.
	TLSServerName string
	// Alternates are other URLs of the same API, in order of preference,
	// for when Server does not answer (Pick): a k3s API reached on the
	// control planes' public addresses.
	Alternates []string
	// Exactly one way in: an exec plugin, or a client certificate and key
	// (PEM), or a bearer token.
	Exec                  *Exec
	ClientCert, ClientKey []byte
	Token                 string
}

// Secret reports whether the entry holds a secret (a key or a token).
func (e Entry) Secret() bool { return len(e.ClientKey) > 0 || e.Token != "" }

// Auth names how the entry authenticates, for people.
func (e Entry) Auth() string {
	switch {
	case e.Exec != nil:
		return "exec: " + e.Exec.Command + " " + strings.Join(e.Exec.Args, " ")
	case len(e.ClientCert) > 0:
		return "client certificate"
	case e.Token != "":
		return "token"
	}
	return "none"
}

// Build makes a kubeconfig of the entries; the first is the current
// context.
func Build(entries []Entry) *Config {
	c := &Config{APIVersion: "v1", Kind: "Config"}
	for _, e := range entries {
		cl := map[string]any{"server": e.Server}
		if len(e.CAData) > 0 {
			cl["certificate-authority-data"] = base64.StdEncoding.EncodeToString(e.CAData)
		}
		if e.TLSServerName != "" {
			cl["tls-server-name"] = e.TLSServerName // clientcmd v1 Cluster.TLSServerName
		}
		u := map[string]any{}
		switch {
		case e.Exec != nil:
			ex := map[string]any{"apiVersion": "client.authentication.k8s.io/v1beta1", "command": e.Exec.Command,
				"args": e.Exec.Args, "interactiveMode": "Never", "provideClusterInfo": false}
			if len(e.Exec.Env) > 0 {
				keys := make([]string, 0, len(e.Exec.Env))
				for k := range e.Exec.Env {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				var env []map[string]any
				for _, k := range keys {
					env = append(env, map[string]any{"name": k, "value": e.Exec.Env[k]})
				}
				ex["env"] = env
			}
			u["exec"] = ex
		case len(e.ClientCert) > 0:
			u["client-certificate-data"] = base64.StdEncoding.EncodeToString(e.ClientCert)
			u["client-key-data"] = base64.StdEncoding.EncodeToString(e.ClientKey)
		case e.Token != "":
			u["token"] = e.Token
		}
		c.Clusters = append(c.Clusters, NamedCluster{e.Stack, cl})
		c.Users = append(c.Users, NamedUser{e.Stack, u})
		c.Contexts = append(c.Contexts, NamedContext{e.Stack, map[string]any{"cluster": e.Stack, "user": e.Stack}})
	}
	if len(entries) > 0 {
		c.CurrentContext = entries[0].Stack
	}
	return c
}

// Parse reads a kubeconfig; empty input is an empty config.
func Parse(data []byte) (*Config, error) {
	c := &Config{}
	if strings.TrimSpace(string(data)) != "" {
		if err := yaml.Unmarshal(data, c); err != nil {
			return nil, fmt.Errorf("not a kubeconfig: %w", err)
		}
	}
	if c.APIVersion == "" {
		c.APIVersion = "v1"
	}
	if c.Kind == "" {
		c.Kind = "Config"
	}
	return c, nil
}

// Marshal writes the config as YAML.
func (c *Config) Marshal() ([]byte, error) {
	if c.Clusters == nil {
		c.Clusters = []NamedCluster{}
	}
	if c.Users == nil {
		c.Users = []NamedUser{}
	}
	if c.Contexts == nil {
		c.Contexts = []NamedContext{}
	}
	return yaml.Marshal(c)
}

// Merge adds add's entries to c: an entry of c with the same name is
// replaced (it is infra's own, named after a stack), every other entry is
// kept; c's current context is kept unless it has none. It returns the
// names of the contexts replaced.
func (c *Config) Merge(add *Config) (replaced []string) {
	for _, n := range add.Clusters {
		i := slices.IndexFunc(c.Clusters, func(x NamedCluster) bool { return x.Name == n.Name })
		if i >= 0 {
			c.Clusters[i] = n
		} else {
			c.Clusters = append(c.Clusters, n)
		}
	}
	for _, n := range add.Users {
		i := slices.IndexFunc(c.Users, func(x NamedUser) bool { return x.Name == n.Name })
		if i >= 0 {
			c.Users[i] = n
		} else {
			c.Users = append(c.Users, n)
		}
	}
	for _, n := range add.Contexts {
		i := slices.IndexFunc(c.Contexts, func(x NamedContext) bool { return x.Name == n.Name })
		if i >= 0 {
			c.Contexts[i] = n
			replaced = append(replaced, n.Name)
		} else {
			c.Contexts = append(c.Contexts, n)
		}
	}
	if c.CurrentContext == "" {
		c.CurrentContext = add.CurrentContext
	}
	return replaced
}

// FromKubeconfig takes the first cluster and user of a kubeconfig a cloud
// returned (OVHcloud's for MKS) as the entry of a stack.
func FromKubeconfig(stack, cloud string, data []byte) (Entry, error) {
	c, err := Parse(data)
	if err != nil {
		return Entry{}, err
	}
	if len(c.Clusters) == 0 || len(c.Users) == 0 {
		return Entry{}, fmt.Errorf("%s: the kubeconfig has no cluster or no user", stack)
	}
	cl, u := c.Clusters[0].Cluster, c.Users[0].User
	e := Entry{Stack: stack, Cloud: cloud}
	e.Server, _ = cl["server"].(string)
	dec := func(v any) []byte {
		s, _ := v.(string)
		b, _ := base64.StdEncoding.DecodeString(s)
		return b
	}
	e.CAData = dec(cl["certificate-authority-data"])
	e.ClientCert, e.ClientKey = dec(u["client-certificate-data"]), dec(u["client-key-data"])
	e.Token, _ = u["token"].(string)
	if e.Server == "" || (len(e.ClientCert) == 0 && e.Token == "") {
		return Entry{}, fmt.Errorf("%s: the kubeconfig has no server or no credentials", stack)
	}
	return e, nil
}
