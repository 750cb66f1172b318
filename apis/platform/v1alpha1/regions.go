package v1alpha1

import (
	"slices"
	"strings"
)

// Partition is an AWS partition: a group of regions with its own ARN prefix,
// service principals and IAM.
type Partition struct {
	ID      string
	Regions []string
	// Unsupported says why the platform does not run in this partition; empty
	// for the partitions it supports.
	Unsupported string
}

// Partitions are AWS's partitions and their regions as aws-sdk-go-v2 v1.39.0
// lists them (internal/endpoints/awsrulesfn/partitions.json). The platform
// renders ARNs, service principals and AWS managed policy names of the aws
// and aws-us-gov partitions only; the others differ in ways it does not model.
var Partitions = []Partition{
	{ID: "aws", Regions: []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	}},
	{ID: "aws-us-gov", Regions: []string{"us-gov-east-1", "us-gov-west-1"}},
	{ID: "aws-cn", Regions: []string{"cn-north-1", "cn-northwest-1"},
		Unsupported: "the China partition (aws-cn) is not supported: its ARNs, service principals (amazonaws.com.cn) and managed policies differ from what the platform renders"},
	{ID: "aws-eusc", Regions: []string{"eusc-de-east-1"},
		Unsupported: "the AWS European Sovereign Cloud partition (aws-eusc) is not supported yet"},
	{ID: "aws-iso", Regions: []string{"us-iso-east-1", "us-iso-west-1"}, Unsupported: "the isolated partitions (aws-iso*) are not supported"},
	{ID: "aws-iso-b", Regions: []string{"us-isob-east-1"}, Unsupported: "the isolated partitions (aws-iso*) are not supported"},
	{ID: "aws-iso-e", Regions: []string{"eu-isoe-west-1"}, Unsupported: "the isolated partitions (aws-iso*) are not supported"},
	{ID: "aws-iso-f", Regions: []string{"us-isof-east-1", "us-isof-south-1"}, Unsupported: "the isolated partitions (aws-iso*) are not supported"},
}

// SupportedRegions are the regions a platform (and its DR copies) may use, in
// the order of Partitions; the XRD's enum of region and drRegion.
func SupportedRegions() []string {
	var out []string
	for _, p := range Partitions {
		if p.Unsupported == "" {
			out = append(out, p.Regions...)
		}
	}
	return out
}

// PartitionOf returns the partition of an AWS region, and false for a name
// that is no AWS region.
func PartitionOf(region string) (Partition, bool) {
	for _, p := range Partitions {
		if slices.Contains(p.Regions, region) {
			return p, true
		}
	}
	return Partition{}, false
}

// InEU reports whether an AWS region is in the EU or in a country the EU has
// an adequacy decision for (the eu-* regions: Ireland, Frankfurt, Stockholm,
// Milan, Paris, Spain, and London and Zurich under the UK and Swiss adequacy
// decisions), so GDPR lets personal data be copied there.
func InEU(region string) bool {
	p, ok := PartitionOf(region)
	return ok && p.ID == "aws" && strings.HasPrefix(region, "eu-")
}
