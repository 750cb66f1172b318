package security

import (
	smv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/secretsmanager/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// ApplicationSecrets are the secrets the reference design names beside the
// database credential (which RDS manages itself): the payment API keys. Only
// the secret is rendered, never a value; the team writes values with
// `aws secretsmanager put-secret-value`.
var ApplicationSecrets = []struct{ Name, Description string }{
	{"api-keys", "API keys the payment services present to card networks and processors"},
}

// KeySecret is the composed resource key of the application secret name.
func KeySecret(name string) string { return "secret-" + name }

// SecretName is the Secrets Manager name of an application secret.
func SecretName(cfg *platform.Config, name string) string {
	return "paynext/" + cfg.Deployment() + "/" + name
}

func secrets(cfg *platform.Config) []platform.Resource {
	window := 7.0
	if cfg.Profile().KeyDeletionNeedsMFA {
		window = 30
	}
	var rs []platform.Resource
	for _, s := range ApplicationSecrets {
		key := KeySecret(s.Name)
		secret := &smv1beta1.Secret{
			ObjectMeta: cfg.Meta(platform.TierSecurity, key),
			Spec: smv1beta1.SecretSpec{ForProvider: smv1beta1.SecretParameters{
				Region:               ptr.To(cfg.Region),
				Name:                 ptr.To(SecretName(cfg, s.Name)),
				Description:          ptr.To(s.Description),
				KMSKeyIDSelector:     platform.Select(KeyName(PurposeSecrets, false)),
				RecoveryWindowInDays: ptr.To(window),
				Tags:                 cfg.Tags(platform.TierSecurity, SecretName(cfg, s.Name)),
			}},
		}
		secret.Spec.DeletionPolicy = cfg.Orphan()
		rs = append(rs,
			platform.Resource{Key: key, Object: secret},
			platform.Resource{Key: key + "-policy", Object: &smv1beta1.SecretPolicy{
				ObjectMeta: cfg.Meta(platform.TierSecurity, key+"-policy"),
				Spec: smv1beta1.SecretPolicySpec{ForProvider: smv1beta1.SecretPolicyParameters{
					Region:            ptr.To(cfg.Region),
					SecretArnSelector: platform.Select(key),
					BlockPublicPolicy: ptr.To(true),
					Policy:            ptr.To(SecretPolicy(cfg).JSON()),
				}},
			}},
		)
	}
	return rs
}

// SecretPolicy denies every principal outside the account, whatever its
// IAM policies say.
func SecretPolicy(cfg *platform.Config) policy.Document {
	return policy.New(policy.Statement{
		Sid: "DenyOutsideTheAccount", Effect: policy.Deny,
		Principal: &policy.Principal{AWS: []string{"*"}},
		Action:    []string{"secretsmanager:*"},
		Resource:  []string{"*"},
		Condition: policy.Conditions{}.With("StringNotEquals", "aws:PrincipalAccount", cfg.AccountID),
	})
}
