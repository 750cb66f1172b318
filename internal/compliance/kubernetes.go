package compliance

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// eksStandardSupportEnds is the last day of EKS standard support per
// Kubernetes minor version, from AWS's release calendar.
// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
var eksStandardSupportEnds = map[string]string{
	"1.29": "2025-03-23",
	"1.30": "2025-07-23",
	"1.31": "2025-11-26",
	"1.32": "2026-03-23",
	"1.33": "2026-07-29",
	"1.34": "2026-12-02",
	"1.35": "2027-03-27",
}

// eksLogTypes are every control-plane log type EKS offers.
// https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

var kubernetesControls = []Control{{
	ID: "eks-secrets-encryption", Title: "EKS encrypts Kubernetes secrets with a CMK (envelope encryption)", Severity: High,
	Refs: Refs{PCI: []string{"3.5.1"}, Checkov: []string{"CKV_AWS_58"}, ConfigRule: "eks-secrets-encrypted", GDPR: gdprEncryption, HIPAA: []string{"164.312(a)(2)(iv)"}},
	check: eachEKS(func(s *scope, c *unstructured.Unstructured) []Evidence {
		return []Evidence{
			at(c, slices.Contains(fpStrings(c, "encryptionConfig", 0, "resources"), "secrets"), "secrets are not envelope-encrypted", "encryptionConfig", 0, "resources"),
			at(c, fpString(c, "encryptionConfig", 0, "provider", 0, "keyArn") != "", "no key", "encryptionConfig", 0, "provider", 0, "keyArn"),
		}
	}),
}, {
	ID: "eks-private-endpoint", Title: "The EKS API endpoint is private only", Severity: High,
	Refs: Refs{PCI: []string{"1.4.2"}, Checkov: []string{"CKV_AWS_39", "CKV_AWS_38"}, ConfigRule: "eks-endpoint-no-public-access", HIPAA: hipaaTransmission},
	check: eachEKS(func(s *scope, c *unstructured.Unstructured) []Evidence {
		return []Evidence{
			equals(c, true, "", "vpcConfig", 0, "endpointPrivateAccess"),
			equals(c, false, "the API server is reachable from the internet", "vpcConfig", 0, "endpointPublicAccess"),
		}
	}),
}, {
	ID: "eks-control-plane-logs", Title: "EKS sends every control-plane log type to CloudWatch Logs", Severity: High,
	Refs: Refs{PCI: []string{"10.2.1"}, Checkov: []string{"CKV_AWS_37"}, ConfigRule: "eks-cluster-logging-enabled", SOX: soxLogging, HIPAA: hipaaAudit},
	check: eachEKS(func(s *scope, c *unstructured.Unstructured) []Evidence {
		got := fpStrings(c, "enabledClusterLogTypes")
		all := !slices.ContainsFunc(eksLogTypes, func(t string) bool { return !slices.Contains(got, t) })
		return []Evidence{at(c, all, "not every log type is on", "enabledClusterLogTypes")}
	}),
}, {
	ID: "eks-supported-version", Title: "EKS runs a Kubernetes version in standard support", Severity: Medium,
	Refs: Refs{PCI: []string{"6.3.3"}, Checkov: []string{"CKV_AWS_339"}, ConfigRule: "eks-cluster-oldest-supported-version", SOX: []string{"ITGC: change management"}},
	URL:  "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
	check: eachEKS(func(s *scope, c *unstructured.Unstructured) []Evidence {
		v := fpString(c, "version")
		ends, known := eksStandardSupportEnds[v]
		if !known {
			newer := true
			for k := range eksStandardSupportEnds {
				newer = newer && versionLess(k, v)
			}
			return []Evidence{at(c, newer, "older than every version in EKS's calendar", "version")}
		}
		last, _ := time.Parse(time.DateOnly, ends)
		ok := !expired(Exception{Expires: last}, s.today)
		why := "standard support ended on " + ends
		if ok {
			why = "standard support ends on " + ends
		}
		return []Evidence{at(c, ok, why, "version")}
	}),
}}

func eachEKS(f func(*scope, *unstructured.Unstructured) []Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, c := range s.Of(gEKS, "Cluster") {
			out = append(out, f(s, c)...)
		}
		return out, "no EKS cluster is rendered (a single-zone platform has none)"
	}
}

// versionLess compares "1.x" minor versions numerically.
func versionLess(a, b string) bool {
	minor := func(v string) int {
		n := 0
		for _, r := range v[min(2, len(v)):] {
			if r < '0' || r > '9' {
				return n
			}
			n = n*10 + int(r-'0')
		}
		return n
	}
	return minor(a) < minor(b)
}
