package aws

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
)

// The trusted services and policy types infra needs in the organization:
// CloudTrail for the organization trail, RAM to share transit gateways, IAM
// for centralized root access, GuardDuty, Security Hub and Config for their
// delegated administrator (securityServices, config; Config's delegated
// administrator needs config-multiaccountsetup as well: AWS Config
// Developer Guide, "Register a Delegated Administrator"), and IAM Identity
// Center (sso), so that people sign in through it rather than through the
// deploy role; SCPs for the guardrails, resource control policies for the
// deploy role's trust (deployRoleTrust), and tag policies enabled so that
// the organization can use them (enabling a policy type attaches only AWS's
// allow-all policy, so it changes no permission: Organizations User Guide,
// "Enabling a policy type").
var (
	neededServicePrincipals = []string{
		"cloudtrail.amazonaws.com", "config-multiaccountsetup.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com",
		"iam.amazonaws.com", "ram.amazonaws.com", "securityhub.amazonaws.com", "sso.amazonaws.com",
	}
	neededPolicyTypes = []string{"RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY", "TAG_POLICY"}
)

// organization declares the AWS Organization: a new one, or, when the
// landing zone adopts the management account's existing organization, that
// one imported, with the trusted services and policy types it has kept and
// infra's added. It returns what it read of an existing one (nil for a new
// one).
func organization(ctx *pulumi.Context, name func(...string) string, o *landingzone.AWSOrg, in pulumi.ResourceOrInvokeOption) (*organizations.Organization, *organizations.LookupOrganizationResult, error) {
	args := &organizations.OrganizationArgs{
		FeatureSet:                 pulumi.String("ALL"),
		EnabledPolicyTypes:         pulumi.ToStringArray(neededPolicyTypes),
		AwsServiceAccessPrincipals: pulumi.ToStringArray(neededServicePrincipals),
	}
	opts := []pulumi.ResourceOption{in}
	if !o.Existing {
		// A created organization outlives a destroy too: it still holds the
		// retained accounts, and DeleteOrganization needs it empty.
		org, err := organizations.NewOrganization(ctx, name("organization"), args, append(opts, pulumi.RetainOnDelete(true))...)
		return org, nil, err
	}
	// An account already in an organization cannot create one
	// (CreateOrganization: AlreadyInOrganizationException), so the existing
	// one is read (DescribeOrganization, ListRoots, ListAccounts, ...) and
	// imported.
	existing, err := organizations.LookupOrganization(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: landingZone.aws: organization existing: reading the management account's organization: %w", o.Pos, err)
	}
	if err := adoptable(o, existing); err != nil {
		return nil, nil, err
	}
	// Updating the organization sets these lists whole: keep what it has,
	// or the next update would turn off every other trusted service and
	// policy type (Config, GuardDuty, IAM Identity Center, tag policies).
	args.AwsServiceAccessPrincipals = pulumi.ToStringArray(union(existing.AwsServiceAccessPrincipals, neededServicePrincipals))
	args.EnabledPolicyTypes = pulumi.ToStringArray(union(existing.EnabledPolicyTypes, neededPolicyTypes))
	org, err := organizations.NewOrganization(ctx, name("organization"), args,
		append(opts, pulumi.Import(pulumi.ID(existing.Id)), pulumi.RetainOnDelete(true))...)
	return org, existing, err
}

// adoptable checks that the organization read from the account is the one
// the spec means and can carry the landing zone.
func adoptable(o *landingzone.AWSOrg, existing *organizations.LookupOrganizationResult) error {
	switch {
	case existing == nil || existing.Id == "":
		return fmt.Errorf("%s: landingZone.aws: organization existing, but the management account is in no organization: remove organization: existing to create one", o.Pos)
	case o.OrganizationID != "" && existing.Id != o.OrganizationID:
		return fmt.Errorf("%s: landingZone.aws: organizationId is %s, but the credentials are of an account in organization %s", o.Pos, o.OrganizationID, existing.Id)
	case existing.FeatureSet != "" && existing.FeatureSet != "ALL":
		// SCPs need all features (EnablePolicyType:
		// PolicyTypeNotAvailableForOrganizationException).
		return fmt.Errorf("%s: landingZone.aws: organization %s has feature set %s; the guardrails' SCPs need all features: enable them in the Organizations console first (every member account must approve)", o.Pos, existing.Id, existing.FeatureSet)
	}
	return nil
}

// existingAccountID is the id of an account to adopt: the spec's, checked
// against the organization, or the one whose root e-mail address the spec
// gives.
func existingAccountID(o *landingzone.AWSOrg, a *landingzone.Account, existing *organizations.LookupOrganizationResult) (string, error) {
	if a.ID != "" {
		// Importing an id the organization lacks fails with
		// AccountNotFoundException (DescribeAccount).
		return a.ID, nil
	}
	for _, m := range existing.Accounts {
		if strings.EqualFold(m.Email, a.Email) {
			return m.Id, nil
		}
	}
	return "", fmt.Errorf("%s: account %s: organization %s has no account with the e-mail address %s: give its id", a.Pos, a.Name, existing.Id, a.Email)
}

// union is a and b merged, sorted, without duplicates.
func union(a, b []string) []string {
	out := append(append([]string{}, a...), b...)
	sort.Strings(out)
	return slices.Compact(out)
}

// accountsAfter is how many accounts the adopted organization has once
// infra has created the ones the spec lists and the organization lacks.
func accountsAfter(o *landingzone.AWSOrg, existing *organizations.LookupOrganizationResult) int {
	n := len(existing.Accounts)
	for _, a := range o.Accounts {
		if !a.Existing {
			n++
		}
	}
	return n
}
