// Command genconfig writes a synthetic atmos.yaml with N identities for
// benchmarks: a few SSO providers, permission sets under them, and
// assume-role chains up to depth 10, plus some standalone identities.
//
//	go run ./scripts/genconfig -n 1000 > /tmp/atmos.yaml
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
)

func main() {
	n := flag.Int("n", 1000, "number of identities")
	depth := flag.Int("depth", 10, "longest chain (identities per chain)")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	providers := *n/100 + 1
	fmt.Fprintln(w, "auth:\n  logs:\n    level: Info\n  keyring:\n    type: file\n  providers:")
	for p := 0; p < providers; p++ {
		fmt.Fprintf(w, "    sso-%d:\n      kind: aws/iam-identity-center\n      region: us-east-1\n      start_url: https://org%d.awsapps.com/start\n      session:\n        duration: 4h\n", p, p)
	}
	fmt.Fprintln(w, "  identities:")
	for i := 0; i < *n; i++ {
		pos := i % *depth // position in its chain
		switch {
		case i%97 == 96:
			fmt.Fprintf(w, "    id-%d:\n      kind: aws/user\n      credentials:\n        access_key_id: !env KEY_%d\n        secret_access_key: !env SECRET_%d\n        region: us-west-2\n", i, i, i)
		case pos == 0:
			fmt.Fprintf(w, "    id-%d:\n      kind: aws/permission-set\n      default: %v\n      via:\n        provider: sso-%d\n      principal:\n        name: AdminAccess\n        account:\n          id: \"%012d\"\n", i, i == 0, (i/100)%providers, 100000000000+i)
		default:
			fmt.Fprintf(w, "    id-%d:\n      kind: aws/assume-role\n      via:\n        identity: id-%d\n      principal:\n        assume_role: arn:aws:iam::%012d:role/Role%d\n        session_name: atmos-%d\n        duration: 1h\n", i, i-1, 100000000000+i, i, i)
		}
	}
	fmt.Fprintln(w, "  integrations:\n    ecr:\n      kind: aws/ecr\n      via:\n        identity: id-0\n      spec:\n        registry:\n          account_id: \"123456789012\"\n          region: us-east-2")
}
