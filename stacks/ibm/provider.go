package ibm

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Provider is infra's own provider acting as one IBM identity: the
// infra:ibm resources declared with it are made, read and deleted with its
// API key (the provider's apiKey configuration, provider.APIKeyConfig).
type Provider struct {
	pulumi.ProviderResourceState
}

// NewDeployerProvider declares infra's provider acting as an environment's
// deployer: the service ID the landing zone makes, whose access group holds
// the environment's grants (ibm.md item 3). Without it, a stack acts with
// the environment's IBMCLOUD_API_KEY, which the grants do not reach. The key
// stays a secret in state and plans.
func NewDeployerProvider(ctx *pulumi.Context, name string, apiKey pulumi.StringInput) (*Provider, error) {
	var p Provider
	err := ctx.RegisterResource("pulumi:providers:infra", name, pulumi.Map{"apiKey": pulumi.ToSecret(apiKey)}, &p)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// deployer is the resource options of a stack that acts as the deployer
// with apiKey: none when apiKey is nil (no landing zone).
func deployer(ctx *pulumi.Context, name string, apiKey pulumi.StringInput) ([]pulumi.ResourceOption, error) {
	if apiKey == nil {
		return nil, nil
	}
	prov, err := NewDeployerProvider(ctx, name, apiKey)
	if err != nil {
		return nil, err
	}
	return []pulumi.ResourceOption{pulumi.Provider(prov)}, nil
}
