package network

import (
	"strings"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// InterfaceEndpointServices get an interface endpoint with private DNS in the
// private subnets, so nodes reach them without leaving the VPC.
var InterfaceEndpointServices = []string{"ec2", "ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager", "sts"}

// Endpoint keys.
const (
	KeyS3Endpoint                = platform.KeyS3Endpoint
	KeyEndpointSecurityGroup     = "security-group-endpoints"
	keyEndpointSecurityGroupHTTP = "security-group-endpoints-ingress-https-vpc"
)

// KeyInterfaceEndpoint is the key of the interface endpoint of service.
func KeyInterfaceEndpoint(service string) string {
	return "endpoint-" + strings.ReplaceAll(service, ".", "-")
}

func endpoints(cfg *platform.Config) []platform.Resource {
	rs := []platform.Resource{{Key: KeyS3Endpoint, Object: s3Endpoint(cfg)}}
	for _, z := range cfg.Zones {
		for _, t := range []SubnetTier{Private, Database} {
			key := KeyS3Endpoint + "-" + KeyRouteTable(t, z.Name)
			rs = append(rs, platform.Resource{Key: key, Object: &ec2v1beta1.VPCEndpointRouteTableAssociation{
				ObjectMeta: cfg.Meta(platform.TierNetwork, key),
				Spec: ec2v1beta1.VPCEndpointRouteTableAssociationSpec{ForProvider: ec2v1beta1.VPCEndpointRouteTableAssociationParameters{
					Region:                ptr.To(cfg.Region),
					VPCEndpointIDSelector: platform.Select(KeyS3Endpoint),
					RouteTableIDSelector:  platform.Select(KeyRouteTable(t, z.Name)),
				}},
			}})
		}
	}

	rs = append(rs,
		platform.Resource{Key: KeyEndpointSecurityGroup, Object: &ec2v1beta1.SecurityGroup{
			ObjectMeta: cfg.Meta(platform.TierNetwork, KeyEndpointSecurityGroup),
			Spec: ec2v1beta1.SecurityGroupSpec{ForProvider: ec2v1beta1.SecurityGroupParameters_2{
				Region:        ptr.To(cfg.Region),
				Name:          ptr.To(cfg.Prefix() + "-vpc-endpoints"),
				Description:   ptr.To("PayNext " + string(cfg.Environment) + " interface VPC endpoints: HTTPS from inside the VPC only"),
				VPCIDSelector: platform.Select(KeyVPC),
				Tags:          cfg.Tags(platform.TierNetwork, cfg.Prefix()+"-vpc-endpoints"),
			}},
		}},
		platform.Resource{Key: keyEndpointSecurityGroupHTTP, Object: &ec2v1beta1.SecurityGroupIngressRule{
			ObjectMeta: cfg.Meta(platform.TierNetwork, keyEndpointSecurityGroupHTTP),
			Spec: ec2v1beta1.SecurityGroupIngressRuleSpec{ForProvider: ec2v1beta1.SecurityGroupIngressRuleParameters{
				Region:                  ptr.To(cfg.Region),
				SecurityGroupIDSelector: platform.Select(KeyEndpointSecurityGroup),
				Description:             ptr.To("HTTPS to the AWS service endpoints from the VPC"),
				IPProtocol:              ptr.To("tcp"),
				FromPort:                ptr.To(443.0),
				ToPort:                  ptr.To(443.0),
				CidrIPv4:                ptr.To(cfg.VPCCIDR.String()),
				Tags:                    cfg.Tags(platform.TierNetwork, name(cfg, keyEndpointSecurityGroupHTTP)),
			}},
		}},
	)

	for _, svc := range InterfaceEndpointServices {
		rs = append(rs, interfaceEndpoint(cfg, svc)...)
	}
	return rs
}

func s3Endpoint(cfg *platform.Config) *ec2v1beta1.VPCEndpoint {
	return &ec2v1beta1.VPCEndpoint{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyS3Endpoint),
		Spec: ec2v1beta1.VPCEndpointSpec{ForProvider: ec2v1beta1.VPCEndpointParameters_2{
			Region:          ptr.To(cfg.Region),
			VPCIDSelector:   platform.Select(KeyVPC),
			ServiceName:     ptr.To(cfg.ServiceName("s3")),
			VPCEndpointType: ptr.To("Gateway"),
			Tags:            cfg.Tags(platform.TierNetwork, name(cfg, KeyS3Endpoint)),
		}},
	}
}

// interfaceEndpoint renders the endpoint of service with its subnets and
// security group attached as separate resources (the provider's v1beta1
// endpoint takes them by ID only, not by selector).
func interfaceEndpoint(cfg *platform.Config, service string) []platform.Resource {
	key := KeyInterfaceEndpoint(service)
	rs := []platform.Resource{
		{Key: key, Object: &ec2v1beta1.VPCEndpoint{
			ObjectMeta: cfg.Meta(platform.TierNetwork, key),
			Spec: ec2v1beta1.VPCEndpointSpec{ForProvider: ec2v1beta1.VPCEndpointParameters_2{
				Region:            ptr.To(cfg.Region),
				VPCIDSelector:     platform.Select(KeyVPC),
				ServiceName:       ptr.To(cfg.ServiceName(service)),
				VPCEndpointType:   ptr.To("Interface"),
				PrivateDNSEnabled: ptr.To(true),
				Tags:              cfg.Tags(platform.TierNetwork, name(cfg, key)),
			}},
		}},
		{Key: key + "-security-group", Object: &ec2v1beta1.VPCEndpointSecurityGroupAssociation{
			ObjectMeta: cfg.Meta(platform.TierNetwork, key+"-security-group"),
			Spec: ec2v1beta1.VPCEndpointSecurityGroupAssociationSpec{ForProvider: ec2v1beta1.VPCEndpointSecurityGroupAssociationParameters{
				Region:                    ptr.To(cfg.Region),
				VPCEndpointIDSelector:     platform.Select(key),
				SecurityGroupIDSelector:   platform.Select(KeyEndpointSecurityGroup),
				ReplaceDefaultAssociation: ptr.To(true),
			}},
		}},
	}
	for _, z := range cfg.Zones {
		k := key + "-" + z.Name
		rs = append(rs, platform.Resource{Key: k, Object: &ec2v1beta1.VPCEndpointSubnetAssociation{
			ObjectMeta: cfg.Meta(platform.TierNetwork, k),
			Spec: ec2v1beta1.VPCEndpointSubnetAssociationSpec{ForProvider: ec2v1beta1.VPCEndpointSubnetAssociationParameters{
				Region:                ptr.To(cfg.Region),
				VPCEndpointIDSelector: platform.Select(key),
				SubnetIDSelector:      platform.Select(KeySubnet(Private, z.Name)),
			}},
		}})
	}
	return rs
}
