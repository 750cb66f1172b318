package database

import (
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// ProxyName is the RDS Proxy's AWS name.
func ProxyName(cfg *platform.Config) string { return cfg.Prefix() + "-aurora" }

// proxy pools connections in front of the cluster: TLS required, IAM
// authentication required, in the private subnets behind its own security
// group, reading the RDS-managed master secret.
func proxy(cfg *platform.Config, masterSecretARN string) []platform.Resource {
	return []platform.Resource{
		{Key: KeyProxy, Object: &rdsv1beta1.Proxy{
			ObjectMeta: cfg.NamedMeta(platform.TierDatabase, KeyProxy, ProxyName(cfg)),
			Spec: rdsv1beta1.ProxySpec{ForProvider: rdsv1beta1.ProxyParameters{
				Region:       ptr.To(cfg.Region),
				EngineFamily: ptr.To("POSTGRESQL"),
				RequireTLS:   ptr.To(true),
				DebugLogging: ptr.To(false),
				Auth: []rdsv1beta1.AuthParameters{{
					AuthScheme:             ptr.To("SECRETS"),
					IAMAuth:                ptr.To("REQUIRED"),
					ClientPasswordAuthType: ptr.To("POSTGRES_SCRAM_SHA_256"),
					SecretArn:              ptr.To(masterSecretARN),
					Description:            ptr.To("The RDS-managed master credential"),
				}},
				IdleClientTimeout:          ptr.To(1800.0),
				RoleArnSelector:            platform.Select(security.KeyRole(security.RoleRDSProxy)),
				VPCSecurityGroupIDSelector: platform.Select(security.KeyDatabaseProxySecurityGr),
				// vpc_subnet_ids is ForceNew: terraform-provider-aws (upbound
				// fork pinned by provider-aws v2.4.0) internal/service/rds/proxy.go.
				VPCSubnetIdsSelector: network.SelectSubnetsAtCreation(network.Private),
				Tags:                 cfg.Tags(platform.TierDatabase, ProxyName(cfg)),
			}},
		}},
		{Key: keyProxyTargets, Object: &rdsv1beta1.ProxyDefaultTargetGroup{
			ObjectMeta: cfg.Meta(platform.TierDatabase, keyProxyTargets),
			Spec: rdsv1beta1.ProxyDefaultTargetGroupSpec{ForProvider: rdsv1beta1.ProxyDefaultTargetGroupParameters{
				Region:              ptr.To(cfg.Region),
				DBProxyNameSelector: platform.Select(KeyProxy),
				ConnectionPoolConfig: []rdsv1beta1.ConnectionPoolConfigParameters{{
					MaxConnectionsPercent:     ptr.To(90.0),
					MaxIdleConnectionsPercent: ptr.To(50.0),
					ConnectionBorrowTimeout:   ptr.To(120.0),
				}},
			}},
		}},
		{Key: keyProxyTarget, Object: &rdsv1beta1.ProxyTarget{
			ObjectMeta: cfg.Meta(platform.TierDatabase, keyProxyTarget),
			Spec: rdsv1beta1.ProxyTargetSpec{ForProvider: rdsv1beta1.ProxyTargetParameters{
				Region:              ptr.To(cfg.Region),
				DBProxyNameSelector: platform.Select(KeyProxy),
				DBClusterIdentifier: ptr.To(ClusterIdentifier(cfg)),
				TargetGroupName:     ptr.To("default"),
			}},
		}},
	}
}
