package mfa_test

import (
	"fmt"
	"time"

	"github.com/gognito/gognito/internal/mfa"
)

func Example() {
	// The RFC 6238 test key; real secrets come from mfa.NewSecret(nil).
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	now := time.Unix(1111111111, 0)

	code, _ := mfa.Code(secret, now)
	fmt.Println(code)

	var lastUsed int64 // stored per user; 0 before the first code
	step, ok := mfa.Verify(secret, code, now.Add(20*time.Second), lastUsed)
	fmt.Println(ok)
	lastUsed = step

	_, ok = mfa.Verify(secret, code, now.Add(25*time.Second), lastUsed)
	fmt.Println(ok)
	// Output:
	// 050471
	// true
	// false
}
