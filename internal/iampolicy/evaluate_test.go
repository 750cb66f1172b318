package iampolicy

import (
	"strings"
	"testing"
)

func TestConditionOperators(t *testing.T) {
	ctx := Context{
		"aws:SourceAccount":       {"111122223333"},
		"aws:SecureTransport":     {"true"},
		"s3:TlsVersion":           {"1.3"},
		"aws:SourceIp":            {"10.1.2.3"},
		"aws:SourceArn":           {"arn:aws:cloudtrail:us-west-2:111122223333:trail/t"},
		"kms:ResourceAliases":     {"alias/a", "alias/b"},
		"aws:TagKeys":             {"team", "env"},
		"kms:EncryptionContext:k": {"Value"},
	}
	for _, c := range []struct {
		op, key string
		values  []string
		want    bool
	}{
		{"StringEquals", "aws:SourceAccount", []string{"1", "111122223333"}, true}, // values are ORed
		{"StringEquals", "AWS:SOURCEACCOUNT", []string{"111122223333"}, true},      // key names are case-insensitive
		{"StringEquals", "kms:EncryptionContext:k", []string{"value"}, false},      // values are not
		{"StringEqualsIgnoreCase", "kms:EncryptionContext:k", []string{"value"}, true},
		{"StringNotEquals", "aws:SourceAccount", []string{"1", "2"}, true}, // NOR
		{"StringNotEquals", "aws:SourceAccount", []string{"1", "111122223333"}, false},
		{"StringLike", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:111122223333:trail/*"}, true},
		{"StringNotLike", "aws:SourceArn", []string{"*:trail/t"}, false},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:111122223333:trail/*"}, true},
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:111122223333:trail/*"}, true}, // same as ArnLike
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:444455556666:trail/*"}, false},
		{"ArnNotEquals", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:444455556666:trail/*"}, true},
		{"Bool", "aws:SecureTransport", []string{"true"}, true},
		{"Bool", "aws:SecureTransport", []string{"false"}, false},
		{"NumericLessThan", "s3:TlsVersion", []string{"1.2"}, false},
		{"NumericGreaterThanEquals", "s3:TlsVersion", []string{"1.3"}, true},
		{"NumericLessThan", "aws:SourceArn", []string{"1"}, false}, // not a number: no match
		{"IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, true},
		{"IpAddress", "aws:SourceIp", []string{"10.1.2.3"}, true},
		{"NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, false},
		// A key the request does not carry: false, but true for negated
		// operators, …IfExists, Null "true" and ForAllValues.
		{"StringEquals", "aws:SourceOrgID", []string{"o-1"}, false},
		{"StringNotEquals", "aws:SourceOrgID", []string{"o-1"}, true},
		{"ArnLike", "aws:PrincipalArn", []string{"*"}, false},
		{"StringEqualsIfExists", "aws:SourceOrgID", []string{"o-1"}, true},
		{"StringEqualsIfExists", "aws:SourceAccount", []string{"1"}, false}, // present: checked
		{"StringNotEqualsIfExists", "s3:x-amz-server-side-encryption", []string{"aws:kms"}, true},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"true"}, true},
		{"BoolIfExists", "aws:SecureTransport", []string{"false"}, false},
		{"ArnLikeIfExists", "aws:SourceArn", []string{"arn:aws:cloudtrail:*:444455556666:trail/*"}, false},
		{"ArnLikeIfExists", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/x"}, true},
		{"NumericLessThanIfExists", "s3:TlsVersion", []string{"1.2"}, false},
		{"NumericLessThanIfExists", "s3:signatureAge", []string{"600000"}, true},
		{"StringLikeIfExists", "aws:SourceAccount", []string{"1111*"}, true},
		{"Null", "aws:SourceOrgID", []string{"true"}, true},
		{"Null", "aws:SourceAccount", []string{"true"}, false},
		{"Null", "aws:SourceAccount", []string{"false"}, true},
		{"Null", "aws:SourceOrgID", []string{"false"}, false},
		// Set operators over a multivalued key.
		{"ForAnyValue:StringEquals", "kms:ResourceAliases", []string{"alias/b"}, true},
		{"ForAnyValue:StringEquals", "kms:ResourceAliases", []string{"alias/c"}, false},
		{"ForAnyValue:StringEquals", "aws:SourceOrgPaths", []string{"x"}, false}, // absent: false
		{"ForAnyValue:StringEqualsIfExists", "aws:SourceOrgPaths", []string{"x"}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"team", "env", "x"}, true},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"team"}, false},
		{"ForAllValues:StringEquals", "aws:RequestTag/x", []string{"a"}, true}, // absent: true
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"team"}, true},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", []string{"team"}, false},
		{"ForAnyValue:StringLike", "kms:ResourceAliases", []string{"alias/?"}, true},
	} {
		if _, err := parseOperator(c.op); err != nil {
			t.Fatal(err)
		}
		got := Condition{Operator: c.op, Key: c.key, Values: c.values}.holds(ctx)
		if got != c.want {
			t.Errorf("%s %s %q against %q = %v, want %v", c.op, c.key, c.values, ctx[c.key], got, c.want)
		}
	}
}

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("%v in %s", err, doc)
	}
	return p
}

const account = "111122223333"

var role = Principal{ARN: "arn:aws:iam::111122223333:role/r", Account: account}

func TestEvaluate(t *testing.T) {
	bucket := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"Trail","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/AWSLogs/111122223333/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},
		{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},
		{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
		{"Sid":"AllButDeleteForOthers","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/r"},"NotAction":["s3:Get*","s3:List*","s3:PutObject"],"NotResource":"arn:aws:s3:::other/*"}]}`)
	identity := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:ListBucket","S3:PUTOBJECT"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`)
	res := Source{"bucket", Resource, bucket}
	id := Source{"role", Identity, identity}
	tls := Context{"aws:SecureTransport": {"true"}}
	trail := Principal{Service: "cloudtrail.amazonaws.com"}
	other := Principal{ARN: "arn:aws:iam::111122223333:role/other", Account: account}
	for _, c := range []struct {
		name    string
		r       Request
		sources []Source
		want    Decision
	}{
		{"service allowed by the resource policy", Request{trail, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/111122223333/x", Context{"aws:SecureTransport": {"true"}, "aws:SourceAccount": {account}}}, []Source{res}, Allowed},
		{"service from another account", Request{trail, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/111122223333/x", Context{"aws:SecureTransport": {"true"}, "aws:SourceAccount": {"444455556666"}}}, []Source{res}, ImplicitDeny},
		{"service without the source key", Request{trail, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/111122223333/x", tls}, []Source{res}, ImplicitDeny},
		{"explicit deny beats allow", Request{trail, "s3:PutObject", "arn:aws:s3:::b/AWSLogs/111122223333/x", Context{"aws:SecureTransport": {"false"}, "aws:SourceAccount": {account}}}, []Source{res}, ExplicitDeny},
		{"default deny: nothing matches", Request{trail, "s3:GetObject", "arn:aws:s3:::b/x", tls}, []Source{res}, ImplicitDeny},
		{"resource policy naming the role allows alone", Request{role, "s3:GetObject", "arn:aws:s3:::b/x", tls}, []Source{res}, Allowed},
		{"resource policy naming the account delegates", Request{role, "s3:ListBucket", "arn:aws:s3:::b", tls}, []Source{res}, ImplicitDeny},
		{"…and the identity policy then allows", Request{role, "s3:ListBucket", "arn:aws:s3:::b", tls}, []Source{res, id}, Allowed},
		{"identity allow alone, same account", Request{role, "s3:PutObject", "arn:aws:s3:::b/k", tls}, []Source{id}, Allowed},
		{"NotPrincipal/NotAction deny hits another role", Request{other, "s3:DeleteObject", "arn:aws:s3:::b/k", tls}, []Source{res, {"other", Identity, mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}}, ExplicitDeny},
		{"NotPrincipal exempts the named role", Request{role, "s3:DeleteObject", "arn:aws:s3:::b/k", tls}, []Source{res}, ImplicitDeny},
		{"NotResource exempts the other bucket", Request{other, "s3:DeleteObject", "arn:aws:s3:::other/k", tls}, []Source{res}, ImplicitDeny},
		{"an account ID principal delegates like the root ARN", Request{role, "s3:ListBucket", "arn:aws:s3:::b", tls}, []Source{{"bucket", Resource, mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}`)}}, ImplicitDeny},
		{"the account principal does not match another account's role", Request{Principal{ARN: "arn:aws:iam::444455556666:role/r", Account: "444455556666"}, "s3:ListBucket", "arn:aws:s3:::b", tls}, []Source{res}, ImplicitDeny},
		{"anonymous is only matched by *", Request{Principal{Anonymous: true}, "s3:GetObject", "arn:aws:s3:::b/x", tls}, []Source{res}, ImplicitDeny},
		{"anonymous over HTTP hits the * deny", Request{Principal{Anonymous: true}, "s3:GetObject", "arn:aws:s3:::b/x", Context{"aws:SecureTransport": {"false"}}}, []Source{res}, ExplicitDeny},
	} {
		got := Evaluate(c.r, SameAccount, c.sources...)
		if got.Decision != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got.Decision, got.Reason, c.want)
		}
	}
}

func TestEvaluateKeyPolicy(t *testing.T) {
	key := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"ViaS3","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-west-2.amazonaws.com","kms:CallerAccount":"111122223333"}}},
		{"Sid":"SLR","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"},"Action":"kms:Encrypt","Resource":"*"},
		{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.us-west-2.amazonaws.com"},"Action":"kms:Encrypt*","Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-west-2:111122223333:log-group:/a/*"}}},
		{"Sid":"NoGrantsOutsideAWS","Effect":"Deny","Principal":"*","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"false"}}}]}`)
	kp := Source{"key", Resource, key}
	iam := Source{"role", Identity, mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt","kms:CreateGrant"],"Resource":"arn:aws:kms:us-west-2:111122223333:key/*","Condition":{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/k"}}}}`)}
	keyARN := "arn:aws:kms:us-west-2:111122223333:key/k"
	via := Context{"kms:ViaService": {"s3.us-west-2.amazonaws.com"}, "kms:CallerAccount": {account}, "kms:ResourceAliases": {"alias/k"}}
	slr := Principal{ARN: "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", Account: account}
	for _, c := range []struct {
		name    string
		r       Request
		sources []Source
		want    Decision
		reason  string
	}{
		{"key policy delegates and IAM allows", Request{role, "kms:Decrypt", keyARN, via}, []Source{kp, iam}, Allowed, "enables IAM policies"},
		{"key policy delegates but IAM does not allow", Request{role, "kms:Decrypt", keyARN, via}, []Source{kp}, ImplicitDeny, "only delegates"},
		{"IAM allows but the key policy does not (no via service)", Request{role, "kms:Decrypt", keyARN, Context{"kms:ResourceAliases": {"alias/k"}}}, []Source{kp, iam}, ImplicitDeny, "near misses: key/ViaS3"},
		{"IAM cannot stand in for the key policy", Request{role, "kms:Encrypt", keyARN, via}, []Source{kp, iam}, ImplicitDeny, "neither allows the principal"},
		{"key policy names the principal: no IAM needed", Request{slr, "kms:Encrypt", keyARN, nil}, []Source{kp}, Allowed, "SLR"},
		{"service principal with the encryption context", Request{Principal{Service: "logs.us-west-2.amazonaws.com"}, "kms:Encrypt", keyARN, Context{"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:us-west-2:111122223333:log-group:/a/b"}}}, []Source{kp}, Allowed, "Logs"},
		{"service principal, another log group", Request{Principal{Service: "logs.us-west-2.amazonaws.com"}, "kms:Encrypt", keyARN, Context{"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:us-west-2:111122223333:log-group:/z"}}}, []Source{kp}, ImplicitDeny, "near misses"},
		{"explicit deny in the key policy", Request{role, "kms:CreateGrant", keyARN, Context{"kms:GrantIsForAWSResource": {"false"}}}, []Source{kp, iam}, ExplicitDeny, "NoGrantsOutsideAWS"},
		{"another account's role", Request{Principal{ARN: "arn:aws:iam::444455556666:role/r", Account: "444455556666"}, "kms:Decrypt", keyARN, Context{"kms:ViaService": {"s3.us-west-2.amazonaws.com"}, "kms:CallerAccount": {"444455556666"}}}, []Source{kp}, ImplicitDeny, ""},
	} {
		got := Evaluate(c.r, KeyPolicy, c.sources...)
		if got.Decision != c.want || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s: got %s (%s), want %s with a reason mentioning %q", c.name, got.Decision, got.Reason, c.want, c.reason)
		}
	}
}

func TestEvaluateTrustPolicies(t *testing.T) {
	trust := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.r.amazonaws.com/id/X"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.r.amazonaws.com/id/X:sub":"system:serviceaccount:kube-system:sa","oidc.eks.r.amazonaws.com/id/X:aud":"sts.amazonaws.com"}}},
		{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`)
	src := Source{"trust", Resource, trust}
	fed := Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.r.amazonaws.com/id/X"}
	roleARN := "arn:aws:iam::111122223333:role/r"
	sa := func(s string) Context {
		return Context{"oidc.eks.r.amazonaws.com/id/X:sub": {s}, "oidc.eks.r.amazonaws.com/id/X:aud": {"sts.amazonaws.com"}}
	}
	for _, c := range []struct {
		name string
		r    Request
		want Decision
	}{
		{"the service account", Request{fed, "sts:AssumeRoleWithWebIdentity", roleARN, sa("system:serviceaccount:kube-system:sa")}, Allowed},
		{"another service account", Request{fed, "sts:AssumeRoleWithWebIdentity", roleARN, sa("system:serviceaccount:default:default")}, ImplicitDeny},
		{"another provider", Request{Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/other"}, "sts:AssumeRoleWithWebIdentity", roleARN, sa("system:serviceaccount:kube-system:sa")}, ImplicitDeny},
		{"the service, on behalf of this account", Request{Principal{Service: "ec2.amazonaws.com"}, "sts:AssumeRole", roleARN, Context{"aws:SourceAccount": {account}}}, Allowed},
		{"the service, when it sends no source account", Request{Principal{Service: "ec2.amazonaws.com"}, "sts:AssumeRole", roleARN, nil}, ImplicitDeny},
		{"a role of the account", Request{role, "sts:AssumeRole", roleARN, nil}, ImplicitDeny},
	} {
		if got := Evaluate(c.r, SameAccount, src); got.Decision != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got.Decision, got.Reason, c.want)
		}
	}
}
