// Command etcd is etcd's own server entry point, built from the module proxy
// because etcd's root module (which holds its main package) is not served.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
