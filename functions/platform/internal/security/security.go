// Package security renders the security tier: a customer-managed key per
// purpose (and the disaster-recovery region's keys), the IAM roles every
// other tier uses, the WAF web ACL, the application secrets, and a security
// group per tier with its rules.
package security

import (
	"strings"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Tier is the security tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierSecurity }

// Render returns the tier's resources. Key, trust and resource policies name
// the account, so everything but the security groups renders once the
// account is known; the IRSA roles wait for the cluster's OIDC issuer too.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	rs := securityGroups(cfg, observed)
	if cfg.AccountID == "" {
		return rs, nil
	}
	rs = append(rs, kmsKeys(cfg)...)
	rs = append(rs, roles(cfg, observed)...)
	rs = append(rs, webACL(cfg)...)
	rs = append(rs, secrets(cfg)...)
	return rs, nil
}

// Status is the tier's output, read from observed state.
func Status(cfg *platform.Config, observed platform.Observed) *v1alpha1.SecurityStatus {
	s := &v1alpha1.SecurityStatus{}
	for _, k := range keys() {
		arn := KeyARN(observed, k.purpose, k.dr)
		if arn == "" {
			continue
		}
		if s.Keys == nil {
			s.Keys = map[string]v1alpha1.KeyStatus{}
		}
		name := k.purpose
		if k.dr {
			name += "-dr"
		}
		s.Keys[name] = v1alpha1.KeyStatus{ARN: arn, Alias: AliasName(cfg, k.purpose)}
	}
	for _, g := range groups {
		if id := SecurityGroupID(observed, g.key); id != "" {
			if s.SecurityGroupIDs == nil {
				s.SecurityGroupIDs = map[string]string{}
			}
			s.SecurityGroupIDs[strings.TrimPrefix(g.key, "security-group-")] = id
		}
	}
	return s
}
