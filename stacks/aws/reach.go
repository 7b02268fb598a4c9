package aws

import (
	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// reach makes, once each, the landing zone's providers for an account in a
// region: the management account with the caller's credentials, a member
// account through its deploy role, so that the SCPs of its OU govern every
// call there.
type reach struct {
	ctx      *pulumi.Context
	name     func(...string) string
	home     string
	mgmt     *awsp.Provider
	members  map[string]*awsp.Provider
	roleArns pulumi.StringMap
	made     map[string]*awsp.Provider
}

// management is the organization's own account.
const management = ""

// in returns the provider for account (management for the management
// account) in region.
func (r *reach) in(account, region string) (*awsp.Provider, error) {
	if region == r.home {
		if account == management {
			return r.mgmt, nil
		}
		return r.members[account], nil
	}
	who := account
	if who == management {
		who = "management"
	}
	key := who + "/" + region
	if p, ok := r.made[key]; ok {
		return p, nil
	}
	args := &awsp.ProviderArgs{Region: pulumi.String(region)}
	if account != management {
		args.AssumeRole = &awsp.ProviderAssumeRoleArgs{
			RoleArn:     r.roleArns[account],
			SessionName: pulumi.String("infra-" + LandingZoneStack),
		}
	}
	p, err := awsp.NewProvider(r.ctx, r.name("provider", who, region), args)
	if err != nil {
		return nil, err
	}
	r.made[key] = p
	return p, nil
}
