package aws

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	awsp "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/topology"
)

// Account is an AWS account a stack that spans accounts (the global one)
// deploys into.
type Account struct {
	// Name is the landing zone's name for the account; "" is the caller's
	// own account, used when the spec has no AWS landing zone.
	Name string
	// Environment is the Environment tag of what the stack puts there: the
	// account's environment, or "" for shared.
	Environment string
	// Role is the ARN of the account's deploy role; nil deploys with the
	// caller's own credentials.
	Role pulumi.StringInput
}

// ID is the account's 12-digit id, read from its deploy role's ARN; nil for
// the caller's account.
func (a Account) ID() pulumi.StringInput {
	if a.Role == nil {
		return nil
	}
	return a.Role.ToStringOutput().ApplyT(func(arn string) (string, error) {
		// arn:partition:iam::ACCOUNT:role/NAME
		parts := strings.Split(arn, ":")
		if len(parts) < 6 || len(parts[4]) != 12 {
			return "", fmt.Errorf("account %s: %q is not a role ARN", a.Name, arn)
		}
		return parts[4], nil
	}).(pulumi.StringOutput)
}

// Providers makes one explicit AWS provider per region and account, shared
// by every part of a stack, so that two parts deploying to the same place
// use the same provider.
type Providers struct {
	ctx  *pulumi.Context
	spec *topology.Spec
	made map[string]*awsp.Provider
}

// NewProviders starts an empty set of providers for a stack of spec.
func NewProviders(ctx *pulumi.Context, spec *topology.Spec) *Providers {
	return &Providers{ctx: ctx, spec: spec, made: map[string]*awsp.Provider{}}
}

// In returns the option that deploys into, or looks up in, region of account a. The
// provider assumes a's deploy role, so that the SCPs of a's OU govern every
// call, and tags every resource with the spec's tags and a's Environment
// (shared when a serves several).
func (p *Providers) In(region string, a Account) (pulumi.ResourceOrInvokeOption, error) {
	who := a.Name
	if who == "" {
		who = "caller"
	}
	name := "aws-provider-" + region + "-" + who
	if prov, ok := p.made[name]; ok {
		return pulumi.Provider(prov), nil
	}
	args := &awsp.ProviderArgs{
		Region:      pulumi.String(region),
		DefaultTags: &awsp.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(landingzone.Tags(p.spec, a.Environment))},
	}
	if a.Role != nil {
		args.AssumeRole = &awsp.ProviderAssumeRoleArgs{
			RoleArn:     a.Role,
			SessionName: pulumi.String("infra-" + p.ctx.Stack()),
		}
	}
	prov, err := awsp.NewProvider(p.ctx, name, args)
	if err != nil {
		return nil, err
	}
	p.made[name] = prov
	return pulumi.Provider(prov), nil
}

// AccountReadyType gates the first use of a new account (package provider,
// provider/account.go): its create assumes the account's deploy role and
// reads with the session from STS, then from S3, KMS and EC2 where the
// account's stacks use them, retrying until the account answers.
const AccountReadyType = "infra:aws:AccountReady"

// AccountReady is a new account found usable. Its RoleArn output is the
// role it assumed: what reaches the account assumes that, so nothing
// there starts before the probe succeeds.
type AccountReady struct {
	pulumi.CustomResourceState

	RoleArn pulumi.StringOutput `pulumi:"roleArn"`
}

// AccountReadyArgs are the inputs of an AccountReady.
type AccountReadyArgs struct {
	// AccountId is the new account's id.
	AccountId pulumi.StringInput
	// RoleArn is its deploy role's ARN.
	RoleArn pulumi.StringInput
	// Region is the landing zone's home region: STS's endpoint, and where
	// the probe reads S3 and KMS.
	Region pulumi.StringInput
	// Regions are where the account's regional stacks deploy: the probe
	// reads EC2 and KMS in each. Nil for an account no regional stack
	// uses.
	Regions pulumi.StringArrayInput
}

type accountReadyArgs struct {
	AccountId string   `pulumi:"accountId"`
	RoleArn   string   `pulumi:"roleArn"`
	Region    string   `pulumi:"region"`
	Regions   []string `pulumi:"regions"`
}

// ElementType is the plain shape AccountReadyArgs marshals as.
func (AccountReadyArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*accountReadyArgs)(nil)).Elem()
}

// NewAccountReady declares the probe of a new account.
func NewAccountReady(ctx *pulumi.Context, name string, args *AccountReadyArgs, opts ...pulumi.ResourceOption) (*AccountReady, error) {
	if args == nil || args.AccountId == nil || args.RoleArn == nil || args.Region == nil {
		return nil, fmt.Errorf("%s %s: AccountId, RoleArn and Region are required", AccountReadyType, name)
	}
	var res AccountReady
	if err := ctx.RegisterResource(AccountReadyType, name, args, &res, opts...); err != nil {
		return nil, err
	}
	return &res, nil
}

// accountRegions are the regions whose regional stacks deploy into the
// named account: those of the AWS regions whose environment's account it
// is (stacks.awsDeployRole reads the same mapping), sorted, without
// duplicates. Nil when no regional stack uses the account.
func accountRegions(spec *topology.Spec, o *landingzone.AWSOrg, account string) []string {
	var out []string
	for _, r := range spec.Regions() {
		if a := o.EnvironmentAccount(r.Environment); r.Cloud == topology.AWS && a != nil && a.Name == account {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
