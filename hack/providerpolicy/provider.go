package main

import "github.com/paynext/platform/hack/tfprovider"

// recvType is the receiver's type name of a method ("" for a function).
var recvType = tfprovider.RecvType
