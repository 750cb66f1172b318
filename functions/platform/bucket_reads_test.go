package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/paynext/platform/internal/awsrules"
)

// TestEveryBucketsReadsAreLogged: PCI DSS 10.2.1 asks for a record of every
// access to cardholder data and to audit logs. Every bucket of every
// example and held-out claim is covered by S3 server access logging (a
// logging configuration naming it) or by a CloudTrail data-event selector
// that records its object reads; the logs bucket, which S3 cannot log into
// itself, is the one exception, and it holds only the access logs.
func TestEveryBucketsReadsAreLogged(t *testing.T) {
	f := newTestFunction(t)
	for _, file := range renderFiles(t) {
		r := convergedRender(t, f, file)
		var trailed []string
		for _, tr := range r.Of("cloudtrail.aws.upbound.io", "Trail") {
			sels, _ := awsrules.Dig(tr.Object, "spec", "forProvider", "eventSelector").([]any)
			for i := range sels {
				if rw, _ := awsrules.Dig(sels[i], "readWriteType").(string); rw == "WriteOnly" {
					continue
				}
				res, _ := awsrules.Dig(sels[i], "dataResource").([]any)
				for j := range res {
					vals, _ := awsrules.Dig(res[j], "values").([]any)
					for _, v := range vals {
						trailed = append(trailed, v.(string))
					}
				}
			}
		}
		for _, b := range r.Of("s3.aws.upbound.io", "Bucket") {
			name := b.GetAnnotations()["crossplane.io/external-name"]
			if strings.Contains(name, "-logs-") {
				continue
			}
			logged := len(r.SelectingThis(b, "s3.aws.upbound.io", "BucketLogging", "bucketSelector")) > 0
			if !logged && !slices.Contains(trailed, "arn:aws:s3:::"+name+"/") && !slices.Contains(trailed, "arn:aws-us-gov:s3:::"+name+"/") {
				t.Errorf("%s: reads of bucket %s are logged neither by S3 server access logging nor by a CloudTrail data-event selector", file, name)
			}
		}
	}
}
