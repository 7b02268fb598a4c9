package aws

import (
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/topology"
)

// securityAdminAccounts are the accounts, in order of preference, that
// administer the organization's security services.
var securityAdminAccounts = []string{"security", "audit"}

// securityAdmin is the account that administers the organization's
// security services, or "" when the spec has none.
func securityAdmin(o *landingzone.AWSOrg) string {
	for _, a := range securityAdminAccounts {
		if o.Account(a) != nil {
			return a
		}
	}
	return ""
}

// securityRegions are the regions the security services watch: the home
// region and every region the topology deploys AWS regions to. GuardDuty
// and Security Hub are regional services.
func securityRegions(spec *topology.Spec, home string) []string {
	out := []string{home}
	if spec.Clouds.AWS != nil {
		for _, r := range spec.Clouds.AWS.Regions {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// securityServices turns on GuardDuty and Security Hub for the whole
// organization, administered from the security account (the services that
// protect-security-services keeps anyone from turning off), in every region
// of securityRegions. Without a security or audit account it declares
// nothing.
//
// The order is AWS's: the services' trusted access in the organization
// (organization, neededServicePrincipals); GuardDuty's detector in the
// administrator account, the administrator designated from the management
// account, then the organization configuration in the administrator account,
// enabling every member (aws-samples/amazon-guardduty-for-aws-organizations-with-terraform,
// enable-gd/modules/guardduty-baseline); Security Hub on in the management
// account, the administrator designated, then auto-enable for members
// (terraform-provider-aws docs, securityhub_organization_admin_account).
func securityServices(ctx *pulumi.Context, name func(...string) string, spec *topology.Spec, o *landingzone.AWSOrg,
	org *organizations.Organization, accounts map[string]*organizations.Account, at *reach, tags pulumi.StringMap) error {
	admin := securityAdmin(o)
	if admin == "" {
		return nil
	}
	adminID := accounts[admin].ID().ToStringOutput()
	for _, region := range securityRegions(spec, o.HomeRegion) {
		inMgmt, err := at.in(management, region)
		if err != nil {
			return err
		}
		inAdmin, err := at.in(admin, region)
		if err != nil {
			return err
		}
		// The detector outlives a destroy: protect-security-services
		// denies guardduty:DeleteDetector (and UpdateDetector) in the
		// security OU to everyone, infra included.
		detector, err := guardduty.NewDetector(ctx, name("guardduty", region), &guardduty.DetectorArgs{
			Enable: pulumi.Bool(true),
			Tags:   tags,
		}, pulumi.Provider(inAdmin), pulumi.RetainOnDelete(true))
		if err != nil {
			return err
		}
		gdAdmin, err := guardduty.NewOrganizationAdminAccount(ctx, name("guardduty-admin", region), &guardduty.OrganizationAdminAccountArgs{
			AdminAccountId: adminID,
		}, pulumi.Provider(inMgmt), pulumi.DependsOn([]pulumi.Resource{org, detector}))
		if err != nil {
			return err
		}
		if _, err := guardduty.NewOrganizationConfiguration(ctx, name("guardduty-members", region), &guardduty.OrganizationConfigurationArgs{
			DetectorId:                    detector.ID().ToStringOutput(),
			AutoEnableOrganizationMembers: pulumi.String("ALL"),
		}, pulumi.Provider(inAdmin), pulumi.DependsOn([]pulumi.Resource{gdAdmin})); err != nil {
			return err
		}

		hub, err := securityhub.NewAccount(ctx, name("securityhub", region), &securityhub.AccountArgs{
			EnableDefaultStandards: pulumi.Bool(true),
		}, pulumi.Provider(inMgmt), pulumi.DependsOn([]pulumi.Resource{org}))
		if err != nil {
			return err
		}
		hubAdmin, err := securityhub.NewOrganizationAdminAccount(ctx, name("securityhub-admin", region), &securityhub.OrganizationAdminAccountArgs{
			AdminAccountId: adminID,
		}, pulumi.Provider(inMgmt), pulumi.DependsOn([]pulumi.Resource{org, hub}))
		if err != nil {
			return err
		}
		if _, err := securityhub.NewOrganizationConfiguration(ctx, name("securityhub-members", region), &securityhub.OrganizationConfigurationArgs{
			AutoEnable: pulumi.Bool(true),
		}, pulumi.Provider(inAdmin), pulumi.DependsOn([]pulumi.Resource{hubAdmin})); err != nil {
			return err
		}
	}
	return nil
}
