package kubernetes

import (
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	wafv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/wafv2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/functions/platform/internal/storage"
)

// Load balancer keys.
const (
	KeyLoadBalancer  = "alb"
	KeyTargetGroup   = "alb-target-group-ingress"
	keyHTTPS         = "alb-listener-https"
	keyHTTPRedirect  = "alb-listener-http-redirect"
	keyWAFAssociated = "alb-waf-association"
	// TLSPolicy accepts TLS 1.3 and 1.2 only.
	TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
)

// NoCertificateMessage is what the XR's status says while the ALB has no
// listeners.
const NoCertificateMessage = "no listeners: set spec.kubernetes.ingress.certificateArn to serve HTTPS (HTTP then redirects to it)"

// LoadBalancerName is the ALB's name (32 characters at most).
func LoadBalancerName(cfg *platform.Config) string { return cfg.Prefix() + "-alb" }

func loadBalancer(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	var held elbv2v1beta1.LB
	exists := observed.Get(KeyLoadBalancer, &held)
	subnets := network.TierSubnets(cfg, observed, network.Public, held.Spec.ForProvider.Subnets)
	lb := &elbv2v1beta1.LB{
		ObjectMeta: cfg.Meta(platform.TierKubernetes, KeyLoadBalancer),
		Spec: elbv2v1beta1.LBSpec{ForProvider: elbv2v1beta1.LBParameters{
			Region:                   ptr.To(cfg.Region),
			Name:                     ptr.To(LoadBalancerName(cfg)),
			LoadBalancerType:         ptr.To("application"),
			Internal:                 ptr.To(false),
			Subnets:                  subnets,
			SecurityGroupSelector:    platform.Select(security.KeyALBSecurityGroup),
			DropInvalidHeaderFields:  ptr.To(true),
			DesyncMitigationMode:     ptr.To("strictest"),
			EnableDeletionProtection: ptr.To(DeletionProtection(cfg)),
			EnableHttp2:              ptr.To(true),
			IdleTimeout:              ptr.To(60.0),
			// The bucket's name, not a selector: accessLogs is a list in
			// elbv2 v1beta1 (see security.KeyARN).
			AccessLogs: []elbv2v1beta1.AccessLogsParameters{{
				Bucket: ptr.To(cfg.BucketName(storage.Logs)), Enabled: ptr.To(true), Prefix: ptr.To("alb"),
			}},
			Tags: cfg.Tags(platform.TierKubernetes, LoadBalancerName(cfg)),
		}},
	}
	// ELB refuses to delete a protected load balancer (OperationNotPermitted):
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
	observedProtection := ptr.Deref(held.Status.AtProvider.EnableDeletionProtection, false)
	lb.Spec.DeletionPolicy = cfg.KeepWhileProtected(DeletionProtection(cfg), observedProtection)
	tg := &elbv2v1beta1.LBTargetGroup{
		ObjectMeta: cfg.Meta(platform.TierKubernetes, KeyTargetGroup),
		Spec: elbv2v1beta1.LBTargetGroupSpec{ForProvider: elbv2v1beta1.LBTargetGroupParameters{
			Region:        ptr.To(cfg.Region),
			Name:          ptr.To(cfg.IngressTargetGroupName()),
			TargetType:    ptr.To("ip"),
			Protocol:      ptr.To("HTTP"),
			Port:          ptr.To(80.0),
			VPCIDSelector: platform.Select(platform.KeyVPC),
			HealthCheck: []elbv2v1beta1.HealthCheckParameters{{
				Enabled: ptr.To(true), Path: ptr.To("/healthz"), Protocol: ptr.To("HTTP"), Matcher: ptr.To("200-399"),
			}},
			Tags: cfg.Tags(platform.TierKubernetes, cfg.IngressTargetGroupName()),
		}},
	}
	rs := []platform.Resource{{Key: KeyTargetGroup, Object: tg}}
	// AWS needs the subnets at creation: a new load balancer waits until
	// they are observed (network.TierSubnets); one that exists is always
	// rendered, or Crossplane would delete it.
	if subnets != nil || exists {
		rs = append([]platform.Resource{{Key: KeyLoadBalancer, Object: lb}}, rs...)
	}
	// provider-aws resolves resourceArnSelector only against apigateway
	// Stage, so the ALB's ARN is set once AWS reports it (it carries an ID
	// AWS picks).
	if arn := loadBalancerARN(observed); arn != "" {
		rs = append(rs, platform.Resource{Key: keyWAFAssociated, Object: &wafv2v1beta1.WebACLAssociation{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, keyWAFAssociated),
			Spec: wafv2v1beta1.WebACLAssociationSpec{ForProvider: wafv2v1beta1.WebACLAssociationParameters{
				Region: ptr.To(cfg.Region), ResourceArn: ptr.To(arn), WebACLArnSelector: platform.Select(security.KeyWebACL),
			}},
		}})
	}
	if cfg.CertificateARN == "" {
		return rs
	}
	return append(rs,
		platform.Resource{Key: keyHTTPS, Object: &elbv2v1beta1.LBListener{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, keyHTTPS),
			Spec: elbv2v1beta1.LBListenerSpec{ForProvider: elbv2v1beta1.LBListenerParameters{
				Region: ptr.To(cfg.Region), LoadBalancerArnSelector: platform.Select(KeyLoadBalancer),
				Port: ptr.To(443.0), Protocol: ptr.To("HTTPS"), SSLPolicy: ptr.To(TLSPolicy), CertificateArn: ptr.To(cfg.CertificateARN),
				DefaultAction: []elbv2v1beta1.DefaultActionParameters{{Type: ptr.To("forward"), TargetGroupArnSelector: platform.Select(KeyTargetGroup)}},
				Tags:          cfg.Tags(platform.TierKubernetes, LoadBalancerName(cfg)+"-https"),
			}},
		}},
		platform.Resource{Key: keyHTTPRedirect, Object: &elbv2v1beta1.LBListener{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, keyHTTPRedirect),
			Spec: elbv2v1beta1.LBListenerSpec{ForProvider: elbv2v1beta1.LBListenerParameters{
				Region: ptr.To(cfg.Region), LoadBalancerArnSelector: platform.Select(KeyLoadBalancer),
				Port: ptr.To(80.0), Protocol: ptr.To("HTTP"),
				DefaultAction: []elbv2v1beta1.DefaultActionParameters{{
					Type:     ptr.To("redirect"),
					Redirect: []elbv2v1beta1.RedirectParameters{{Protocol: ptr.To("HTTPS"), Port: ptr.To("443"), StatusCode: ptr.To("HTTP_301")}},
				}},
				Tags: cfg.Tags(platform.TierKubernetes, LoadBalancerName(cfg)+"-http"),
			}},
		}},
	)
}

// loadBalancerARN is the ALB's observed ARN or, while the ALB is not
// observed, the one the existing WAF association already names: a briefly
// unobserved ALB must never drop the association from the desired state
// (which would detach the WAF).
func loadBalancerARN(observed platform.Observed) string {
	var lb elbv2v1beta1.LB
	if observed.Get(KeyLoadBalancer, &lb) && ptr.Deref(lb.Status.AtProvider.Arn, "") != "" {
		return *lb.Status.AtProvider.Arn
	}
	var a wafv2v1beta1.WebACLAssociation
	if observed.Get(keyWAFAssociated, &a) {
		return ptr.Deref(a.Spec.ForProvider.ResourceArn, "")
	}
	return ""
}
