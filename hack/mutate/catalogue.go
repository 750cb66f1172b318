package main

// mutation is one realistic mistake in the rendering code: the exact text
// From in File becomes To.
type mutation struct {
	Name, File, From, To string
}

// catalogue is the mistakes the tests must catch with a stated property,
// not only with a golden file: the ones issue 13 made by hand, and more of
// the same kind.
var catalogue = []mutation{{
	Name: "public NACL 443 -> 8443",
	File: "functions/platform/internal/network/nacl.go",
	From: `{name: "ingress-https", number: 100, protocol: "tcp", cidr: anywhere, from: 443, to: 443}`,
	To:   `{name: "ingress-https", number: 100, protocol: "tcp", cidr: anywhere, from: 8443, to: 8443}`,
}, {
	Name: "the TLS < 1.2 deny dropped from every bucket",
	File: "functions/platform/internal/storage/policy.go",
	From: `		{
			Sid: "DenyTLSBelow12", Effect: policy.Deny, Principal: everyone, Action: []string{"s3:*"}, Resource: both,
			Condition: policy.Conditions{}.With("NumericLessThan", "s3:TlsVersion", "1.2"),
		},
`,
	To: ``,
}, {
	Name: "prod log groups Orphan -> Delete",
	File: "functions/platform/internal/security/waf.go",
	From: `	g.Spec.DeletionPolicy = cfg.Orphan()
	return g`,
	To: `	g.Spec.DeletionPolicy = ""
	return g`,
}, {
	Name: "Aurora encrypted with the storage key",
	File: "functions/platform/internal/database/database.go",
	From: `KMSKeyIDSelector:                    platform.Select(security.KeyName(security.PurposeDatabase, false)),`,
	To:   `KMSKeyIDSelector:                    platform.Select(security.KeyName(security.PurposeStorage, false)),`,
}, {
	Name: "two zones' private CIDRs swapped",
	File: "functions/platform/internal/network/network.go",
	From: `		rs = append(rs,
			platform.Resource{Key: KeySubnet(Public, z.Name), Object: subnet(cfg, Public, z.Name, subnets.Public.String())},
			platform.Resource{Key: KeySubnet(Private, z.Name), Object: subnet(cfg, Private, z.Name, subnets.Private.String())},`,
	To: `		if z.Letter < 2 {
			swapped, _ := cidr.ForZone(cfg.VPCCIDR, 1-z.Letter)
			subnets.Private = swapped.Private
		}
		rs = append(rs,
			platform.Resource{Key: KeySubnet(Public, z.Name), Object: subnet(cfg, Public, z.Name, subnets.Public.String())},
			platform.Resource{Key: KeySubnet(Private, z.Name), Object: subnet(cfg, Private, z.Name, subnets.Private.String())},`,
}, {
	Name: "an IAM read widened to s3:Get* on *",
	File: "functions/platform/internal/security/iam.go",
	From: `Action:   []string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"},
			Resource: sourceObjects,`,
	To: `Action:   []string{"s3:Get*"},
			Resource: []string{"*"},`,
}, {
	Name: "Aurora instances named by list index",
	File: "functions/platform/internal/database/database.go",
	From: `	for _, z := range instanceZones(cfg, observed) {
		rs = append(rs, platform.Resource{Key: KeyInstance(z.Name), Object: instance(cfg, z.Name, policy)})`,
	To: `	for i, z := range instanceZones(cfg, observed) {
		rs = append(rs, platform.Resource{Key: KeyInstance(string(rune('1' + i))), Object: instance(cfg, z.Name, policy)})`,
}, {
	Name: "the WAF association dropped",
	File: "functions/platform/internal/kubernetes/alb.go",
	From: `if arn := loadBalancerARN(observed); arn != "" {`,
	To:   `if arn := loadBalancerARN(observed); arn != "" && arn == "never" {`,
}, {
	Name: "the EFS policy emptied",
	File: "functions/platform/internal/storage/efs.go",
	From: `	everyone := &policy.Principal{AWS: []string{"*"}}
	return policy.New(`,
	To: `	everyone := &policy.Principal{AWS: []string{"*"}}
	if everyone != nil {
		return policy.New()
	}
	return policy.New(`,
}, {
	Name: "bucket versioning Suspended",
	File: "functions/platform/internal/storage/storage.go",
	From: `VersioningConfiguration: []s3v1beta1.VersioningConfigurationParameters{{Status: ptr.To("Enabled")}},`,
	To:   `VersioningConfiguration: []s3v1beta1.VersioningConfigurationParameters{{Status: ptr.To("Suspended")}},`,
}, {
	Name: "the logs key's S3 statement without kms:ViaService",
	File: "functions/platform/internal/security/keys.go",
	From: `}), viaServices(cfg, region, "s3")...)`,
	To: `}), policy.Statement{Sid: "UseThroughTheServices", Effect: policy.Allow, Principal: policy.AccountPrincipal(cfg.Partition(), cfg.AccountID),
		Action: usage, Resource: []string{"*"}, Condition: policy.Conditions{}.With("StringEquals", "kms:CallerAccount", cfg.AccountID)})`,
}, {
	Name: "key rotation off",
	File: "functions/platform/internal/security/keys.go",
	From: `EnableKeyRotation:    ptr.To(true),`,
	To:   `EnableKeyRotation:    ptr.To(false),`,
}, {
	Name: "prod audit logs in governance mode",
	File: "functions/platform/internal/storage/storage.go",
	From: `Mode: ptr.To("COMPLIANCE"), Years: ptr.To(7.0)`,
	To:   `Mode: ptr.To("GOVERNANCE"), Years: ptr.To(7.0)`,
}, {
	Name: "the EKS API endpoint public",
	File: "functions/platform/internal/kubernetes/cluster.go",
	From: `EndpointPublicAccess:  ptr.To(public),`,
	To:   `EndpointPublicAccess:  ptr.To(public || true),`,
}}
