package compliance

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/iampolicy"
)

const noDatabase = "no Aurora cluster is rendered (a single-zone platform has none)"

var databaseControls = []Control{{
	ID: "rds-encrypted-cmk", Title: "Aurora is encrypted with a CMK that encrypts nothing outside the database tier", Severity: Critical,
	Refs: Refs{PCI: []string{"3.5.1", "3.6.1"}, CIS: "2.2.1", Checkov: []string{"CKV_AWS_96", "CKV_AWS_327"}, ConfigRule: "rds-storage-encrypted",
		GDPR: gdprEncryption, HIPAA: []string{"164.312(a)(2)(iv)"}},
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		out := []Evidence{equals(c, true, "", "storageEncrypted")}
		key := s.keyOf(c, "kmsKeyId")
		if key == nil {
			return append(out, at(c, false, "no rendered CMK", "kmsKeyIdSelector"))
		}
		var foreign []string
		for _, o := range s.selecting(key) {
			if t := tierOf(o); t != tierOf(c) && t != "security" {
				foreign = append(foreign, awsrules.Key(o))
			}
		}
		return append(out, Evidence{Resource: awsrules.Key(c), Field: fpPath("kmsKeyIdSelector"), Value: awsrules.Key(key), OK: len(foreign) == 0,
			Why: "the key also encrypts " + strings.Join(foreign, ", ")})
	}),
}, {
	ID: "rds-not-public", Title: "Aurora instances are not publicly accessible", Severity: Critical,
	Refs: Refs{PCI: []string{"1.3.1"}, CIS: "2.2.3", Checkov: []string{"CKV_AWS_17"}, ConfigRule: "rds-instance-public-access-check", HIPAA: []string{"164.312(e)(1)"}},
	check: eachInstance(func(s *scope, i *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(i, false, "", "publiclyAccessible")}
	}),
}, {
	ID: "rds-deletion-protection", Title: "Aurora has deletion protection", Severity: Medium,
	Refs: Refs{Checkov: []string{"CKV_AWS_139"}, ConfigRule: "rds-cluster-deletion-protection-enabled",
		SOX: []string{"ITGC: change management"}, GDPR: []string{"Art. 32(1)(c)"}},
	DevRelaxation: "a dev database can be torn down with its claim",
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(c, true, "", "deletionProtection")}
	}),
}, {
	ID: "rds-backup-retention", Title: "Aurora keeps automated backups at least 7 days (35 in prod)", Severity: High,
	Refs: Refs{PCI: []string{"10.3.3"}, Checkov: []string{"CKV_AWS_133"}, ConfigRule: "db-instance-backup-enabled",
		SOX: []string{"ITGC: backup and recovery"}, GDPR: []string{"Art. 32(1)(c)"}, HIPAA: []string{"164.308(a)(7)(ii)(A)"}},
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		least := 7.0
		if s.prod() {
			least = 35
		}
		n, _ := fpNumber(c, "backupRetentionPeriod")
		return []Evidence{at(c, n >= least, "fewer days than the environment needs", "backupRetentionPeriod")}
	}),
}, {
	ID: "rds-iam-auth", Title: "Aurora accepts IAM database authentication", Severity: Medium,
	Refs: Refs{PCI: []string{"7.2.1", "8.3.1"}, Checkov: []string{"CKV_AWS_162"}, ConfigRule: "rds-cluster-iam-authentication-enabled", HIPAA: []string{"164.312(d)"}},
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(c, true, "", "iamDatabaseAuthenticationEnabled")}
	}),
}, {
	ID: "rds-logs-exported", Title: "Aurora exports its PostgreSQL log to CloudWatch Logs", Severity: High,
	Refs: Refs{PCI: []string{"10.2.1"}, Checkov: []string{"CKV_AWS_324", "CKV2_AWS_27"}, ConfigRule: "rds-logging-enabled",
		SOX: []string{"ITGC: logging and monitoring"}, HIPAA: []string{"164.312(b)"}},
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		return []Evidence{at(c, slices.Contains(fpStrings(c, "enabledCloudwatchLogsExports"), "postgresql"), "", "enabledCloudwatchLogsExports")}
	}),
}, {
	ID: "rds-tls-in-transit", Title: "Aurora and its proxy accept only TLS connections", Severity: High,
	Refs: Refs{PCI: []string{"4.2.1"}, Checkov: []string{"CKV2_AWS_69"}, GDPR: gdprEncryption, HIPAA: []string{"164.312(e)(1)"}},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		// rds.force_ssl=1 makes Aurora PostgreSQL refuse connections without
		// TLS; the default parameter group leaves it 0.
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
		for _, c := range s.Of(gRDS, "Cluster") {
			pg := s.Selected(c, "dbClusterParameterGroupNameSelector")
			if pg == nil {
				out = append(out, at(c, false, "no rendered cluster parameter group: the default does not force TLS", "dbClusterParameterGroupNameSelector"))
				continue
			}
			i := slices.IndexFunc(fpList(pg, "parameter"), func(p any) bool { return awsrules.Dig(p, "name") == "rds.force_ssl" })
			if i < 0 {
				out = append(out, missing(pg, fpPath("parameter", "rds.force_ssl"), "TLS is not forced"))
				continue
			}
			out = append(out, equals(pg, "1", "", "parameter", i, "value"))
		}
		for _, p := range s.Of(gRDS, "Proxy") {
			out = append(out, equals(p, true, "", "requireTls"))
		}
		return out, noDatabase
	},
}, {
	ID: "rds-multi-az", Title: "Aurora runs instances in at least two availability zones", Severity: Medium,
	Refs: Refs{CIS: "2.2.4", Checkov: []string{"CKV_AWS_157"}, ConfigRule: "rds-multi-az-support",
		SOX: []string{"ITGC: computer operations"}, GDPR: []string{"Art. 32(1)(b)"}, HIPAA: []string{"164.308(a)(7)(ii)(B)"}},
	DevRelaxation: "dev runs one Aurora instance",
	check: eachDatabase(func(s *scope, c *unstructured.Unstructured) []Evidence {
		zones := map[string]bool{}
		for _, i := range s.SelectingThis(c, gRDS, "ClusterInstance", "clusterIdentifierSelector") {
			zones[fpString(i, "availabilityZone")] = true
		}
		list := sorted(mapKeys(zones))
		return []Evidence{{Resource: awsrules.Key(c), Field: "ClusterInstance availabilityZone", Value: show(list), OK: len(list) >= 2, Why: "instances in fewer than two zones"}}
	}),
}, {
	ID: "rds-minor-version-upgrades", Title: "Aurora instances take minor-version upgrades automatically", Severity: Medium,
	Refs: Refs{PCI: []string{"6.3.3"}, CIS: "2.2.2", Checkov: []string{"CKV_AWS_226"}, ConfigRule: "rds-automatic-minor-version-upgrade-enabled", SOX: []string{"ITGC: change management"}},
	check: eachInstance(func(s *scope, i *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(i, true, "", "autoMinorVersionUpgrade")}
	}),
}}

var keyControls = []Control{{
	ID: "kms-rotation", Title: "Customer-managed symmetric keys rotate yearly", Severity: Medium,
	Refs: Refs{PCI: []string{"3.7.4"}, CIS: "3.6", Checkov: []string{"CKV_AWS_7"}, ConfigRule: "cmk-backing-key-rotation-enabled", HIPAA: []string{"164.312(a)(2)(iv)"}},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, k := range s.Of(gKMS, "Key") {
			if spec := fpString(k, "customerMasterKeySpec"); spec != "" && spec != "SYMMETRIC_DEFAULT" {
				// Automatic rotation is for symmetric encryption keys only.
				// https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
				continue
			}
			out = append(out, equals(k, true, "", "enableKeyRotation"))
		}
		return out, "no KMS key is rendered"
	},
}, {
	ID: "kms-no-public-principal", Title: "Key policies allow no unconditioned wildcard principal", Severity: Critical,
	Refs: Refs{PCI: []string{"7.2.1"}, Checkov: []string{"CKV_AWS_33"}, GDPR: []string{"Art. 32(1)(b)"}, HIPAA: []string{"164.312(a)(1)"}},
	check: eachKeyPolicy(func(k *unstructured.Unstructured, p *iampolicy.Policy) Evidence {
		open := []string{}
		for _, st := range p.Statements {
			if st.Effect == iampolicy.Allow && st.Principal != nil && (st.Principal.Wildcard || slices.Contains(st.Principal.AWS, "*")) && len(st.Conditions) == 0 {
				open = append(open, st.Sid)
			}
		}
		return Evidence{Resource: awsrules.Key(k), Field: fpPath("policy"), Value: "unconditioned * statements: " + show(open), OK: len(open) == 0}
	}),
}, {
	ID: "kms-use-through-services", Title: "The account's principals use each key only through the AWS services it serves (kms:ViaService)", Severity: High,
	Refs: Refs{PCI: []string{"3.6.1", "7.2.1"}, GDPR: []string{"Art. 32(1)(b)"}, HIPAA: []string{"164.312(a)(1)"}},
	URL:  "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
	check: eachKeyPolicy(func(k *unstructured.Unstructured, p *iampolicy.Policy) Evidence {
		account := accountOfRoleTrust(p)
		// A role of the account whose IAM policy allows kms:* on every key,
		// calling KMS directly (no kms:ViaService).
		r := iampolicy.Evaluate(iampolicy.Request{
			Principal: iampolicy.Principal{ARN: "arn:aws:iam::" + account + ":role/any-role-of-the-account", Account: account},
			Action:    "kms:Decrypt", Resource: "*",
			Context: iampolicy.Context{"kms:CallerAccount": {account}},
		}, iampolicy.KeyPolicy, iampolicy.Source{Name: awsrules.Key(k), Kind: iampolicy.Resource, Policy: p}, allowing("kms:*"))
		return Evidence{Resource: awsrules.Key(k), Field: fpPath("policy"), Value: "Decrypt called directly by a role of the account: " + string(r.Decision),
			OK: r.Decision != iampolicy.Allowed, Why: r.Reason}
	}),
}, {
	ID: "secrets-cmk-rotation", Title: "Secrets are encrypted with a CMK and rotate automatically", Severity: High,
	Refs: Refs{PCI: []string{"8.3.9", "3.6.1"}, Checkov: []string{"CKV_AWS_149", "CKV2_AWS_57"}, ConfigRule: "secretsmanager-rotation-enabled-check", HIPAA: []string{"164.312(d)"}},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, sec := range s.Of(gSecrets, "Secret") {
			key, ok := selects(sec, "kmsKeyId")
			out = append(out, Evidence{Resource: awsrules.Key(sec), Field: fpPath("kmsKeyIdSelector"), Value: key, OK: ok && !strings.HasPrefix(key, "alias/aws/")})
			rotations := s.SelectingThis(sec, gSecrets, "SecretRotation", "secretIdSelector")
			out = append(out, Evidence{Resource: awsrules.Key(sec), Field: "SecretRotation", Value: show(len(rotations)), OK: len(rotations) > 0,
				Why: "no rotation is configured: Secrets Manager never rotates the secret"})
		}
		// The database credential is the secret RDS manages: RDS rotates it
		// (every 7 days by default) and encrypts it with the key named.
		// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html
		for _, c := range s.Of(gRDS, "Cluster") {
			out = append(out, equals(c, true, "the master password is not managed (and rotated) by RDS", "manageMasterUserPassword"))
			key, ok := selects(c, "masterUserSecretKmsKeyId")
			out = append(out, Evidence{Resource: awsrules.Key(c), Field: fpPath("masterUserSecretKmsKeyIdSelector"), Value: key, OK: ok})
		}
		return out, "no secret is rendered"
	},
}, {
	ID: "efs-encrypted-cmk", Title: "EFS is encrypted with a CMK, mounted over TLS, through access points", Severity: High,
	Refs: Refs{PCI: []string{"3.5.1", "4.2.1"}, CIS: "2.3.1", Checkov: []string{"CKV_AWS_184", "CKV_AWS_329", "CKV_AWS_330"}, ConfigRule: "efs-encrypted-check",
		GDPR: gdprEncryption, HIPAA: []string{"164.312(a)(2)(iv)"}},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, fs := range s.Of(gEFS, "FileSystem") {
			out = append(out, equals(fs, true, "", "encrypted"))
			key, ok := selects(fs, "kmsKeyId")
			out = append(out, Evidence{Resource: awsrules.Key(fs), Field: fpPath("kmsKeyIdSelector"), Value: key, OK: ok})
			aps := s.SelectingThis(fs, gEFS, "AccessPoint", "fileSystemIdSelector")
			if len(aps) == 0 {
				out = append(out, missing(fs, "AccessPoint", "clients mount the root as any user"))
			}
			for _, ap := range aps {
				path := fpString(ap, "rootDirectory", 0, "path")
				out = append(out, at(ap, path != "" && path != "/", "the access point exposes the file system's root", "rootDirectory", 0, "path"))
			}
			out = append(out, efsDeniesInsecureTransport(s, fs))
		}
		return out, "no EFS file system is rendered"
	},
}, {
	ID: "sns-encrypted", Title: "SNS topics are encrypted with a CMK", Severity: Medium,
	Refs: Refs{PCI: []string{"3.5.1"}, Checkov: []string{"CKV_AWS_26"}, ConfigRule: "sns-encrypted-kms", GDPR: gdprEncryption},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, t := range s.Of(gSNS, "Topic") {
			key := fpString(t, "kmsMasterKeyId")
			out = append(out, at(t, key != "" && !strings.HasPrefix(key, "alias/aws/"), "not a customer-managed key", "kmsMasterKeyId"))
		}
		return out, "no SNS topic is rendered"
	},
}}

// eachKeyPolicy judges every rendered key's policy with f.
func eachKeyPolicy(f func(*unstructured.Unstructured, *iampolicy.Policy) Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, k := range s.Of(gKMS, "Key") {
			p, err := s.policies.Parse(fpString(k, "policy"))
			if err != nil {
				out = append(out, at(k, false, "the key policy does not parse: "+err.Error(), "policy"))
				continue
			}
			out = append(out, f(k, p))
		}
		return out, "no KMS key is rendered"
	}
}

// allowing is the identity policy of a caller allowed action on everything.
func allowing(action string) iampolicy.Source {
	return iampolicy.Source{Name: "caller", Kind: iampolicy.Identity, Policy: &iampolicy.Policy{Version: "2012-10-17",
		Statements: []iampolicy.Statement{{Effect: iampolicy.Allow, Action: []string{action}, Resource: []string{"*"}}}}}
}

// efsDeniesInsecureTransport evaluates the file system policy with the
// context EFS sends for a mount without TLS.
// https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html
func efsDeniesInsecureTransport(s *scope, fs *unstructured.Unstructured) Evidence {
	ps := s.SelectingThis(fs, gEFS, "FileSystemPolicy", "fileSystemIdSelector")
	if len(ps) == 0 {
		return missing(fs, "FileSystemPolicy", "no file system policy denies mounts without TLS")
	}
	p, err := s.policies.Parse(fpString(ps[0], "policy"))
	if err != nil {
		return at(ps[0], false, "the policy does not parse: "+err.Error(), "policy")
	}
	r := iampolicy.Evaluate(iampolicy.Request{Principal: probe, Action: "elasticfilesystem:ClientMount", Resource: "arn:aws:elasticfilesystem:any:000000000000:file-system/fs-probe",
		Context: iampolicy.Context{"aws:SecureTransport": {"false"}, "elasticfilesystem:AccessedViaMountTarget": {"true"}}},
		iampolicy.SameAccount, iampolicy.Source{Name: awsrules.Key(ps[0]), Kind: iampolicy.Resource, Policy: p})
	return Evidence{Resource: awsrules.Key(ps[0]), Field: fpPath("policy"), Value: "ClientMount without TLS: " + string(r.Decision), OK: r.Decision == iampolicy.ExplicitDeny, Why: r.Reason}
}

func eachDatabase(f func(*scope, *unstructured.Unstructured) []Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, c := range s.Of(gRDS, "Cluster") {
			out = append(out, f(s, c)...)
		}
		return out, noDatabase
	}
}

func eachInstance(f func(*scope, *unstructured.Unstructured) []Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, i := range s.Of(gRDS, "ClusterInstance") {
			out = append(out, f(s, i)...)
		}
		return out, noDatabase
	}
}

// selecting is every rendered resource with a selector, anywhere under
// spec.forProvider, that matches target's resource label.
func (s *scope) selecting(target *unstructured.Unstructured) []*unstructured.Unstructured {
	label := target.GetLabels()[awsrules.LabelResource]
	var out []*unstructured.Unstructured
	for _, o := range s.Objects() {
		if o != target && selectsLabel(awsrules.Dig(o.Object, "spec", "forProvider"), label) {
			out = append(out, o)
		}
	}
	return out
}

func selectsLabel(v any, label string) bool {
	switch x := v.(type) {
	case map[string]any:
		if ml, ok := x["matchLabels"].(map[string]any); ok && ml[awsrules.LabelResource] == label {
			return true
		}
		for _, e := range x {
			if selectsLabel(e, label) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if selectsLabel(e, label) {
				return true
			}
		}
	}
	return false
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
