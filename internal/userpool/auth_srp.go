package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/store"
)

// maxClaimSkew bounds how far a PASSWORD_VERIFIER TIMESTAMP may be from
// the server's clock.
const maxClaimSkew = 5 * time.Minute

// srpChallenge answers USER_SRP_AUTH with PASSWORD_VERIFIER: the user's
// salt, the server's public value B and a secret block that addresses the
// server state of this sign-in.
func (s *Service) srpChallenge(ctx context.Context, st authStep, u store.User) (authOutcome, error) {
	d, err := decodeUserData(&u)
	if err != nil {
		return authOutcome{}, err
	}
	if d.Password == nil {
		return authOutcome{}, incorrectPassword()
	}
	verifier, err := srp.DecodeHex(d.Password.Verifier)
	if err != nil {
		return authOutcome{}, incorrectPassword()
	}
	return s.openSRP(ctx, st, u.Key, u.Username, d.Password.Salt, verifier, false)
}

// fakeSRPChallenge answers USER_SRP_AUTH for an unknown user when the
// client prevents user-existence errors: the challenge looks real, every
// answer fails. Its salt is the same on every call for a username, as a
// real user's is, and its cost is a real challenge's: the verifier, which
// never leaves the server, is random rather than computed.
func (s *Service) fakeSRPChallenge(ctx context.Context, st authStep, username string) (authOutcome, error) {
	salt, err := s.fakeSalt(ctx, st.client.pool, username)
	if err != nil {
		return authOutcome{}, err
	}
	v, err := rand.Int(rand.Reader, new(big.Int).Sub(srp.Prime(), big.NewInt(2)))
	if err != nil {
		return authOutcome{}, err
	}
	v.Add(v, big.NewInt(2)) // in [2, N), as NewServerSession requires
	return s.openSRP(ctx, st, "", username, srp.EncodeSalt(salt), v, true)
}

// fakeSalt returns the salt shown for an unknown username: HMAC-SHA256
// over the pool ID and the username as the pool compares it, cut to the
// salt size. The HMAC key is derived from the private key of the pool's
// oldest signing key, a secret kept in the store: every node, and the
// server after a restart, give a username the same salt, which nobody
// without the key can tell from a random one.
func (s *Service) fakeSalt(ctx context.Context, p poolView, username string) ([]byte, error) {
	keys, err := s.signingKeys(ctx, p.id())
	if err != nil {
		return nil, err
	}
	seed := sha256.Sum256(append([]byte("gognito fake SRP salt\x00"), keys[len(keys)-1].key.D.Bytes()...))
	mac := hmac.New(sha256.New, seed[:])
	mac.Write([]byte(p.id()))
	mac.Write([]byte{0})
	mac.Write([]byte(p.usernameKey(username)))
	return mac.Sum(nil)[:srp.SaltSize], nil
}

func (s *Service) openSRP(ctx context.Context, st authStep, userKey, username, saltHex string, verifier *big.Int, fake bool) (authOutcome, error) {
	sess, err := srp.NewServerSession(rand.Reader, verifier)
	if err != nil {
		return authOutcome{}, err
	}
	secretBlock := newOpaque(63) // a multiple of 3: base64 without padding
	data := sessionData{Username: username, SRPb: srp.EncodeHex(sess.Secret()), SRPB: sess.BHex(), Fake: fake, Admin: st.admin}
	data.SRPA = st.params["SRP_A"]
	data.Verifier = srp.EncodeHex(verifier)
	if err := s.openSession(ctx, st.client, userKey, string(api.ChallengeNameTypePasswordVerifier), secretBlock, data); err != nil {
		return authOutcome{}, err
	}
	return authOutcome{
		challenge: string(api.ChallengeNameTypePasswordVerifier),
		params: map[string]string{
			"SALT":            saltHex,
			"SRP_B":           sess.BHex(),
			"SECRET_BLOCK":    secretBlock,
			"USER_ID_FOR_SRP": username,
			"USERNAME":        username,
		},
	}, nil
}

// passwordVerifier checks PASSWORD_CLAIM_SIGNATURE with the real SRP math
// against the state the secret block addresses.
func (s *Service) passwordVerifier(ctx context.Context, st authStep) (authOutcome, error) {
	p := st.client.pool
	for _, k := range []string{"USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if st.params[k] == "" {
			return authOutcome{}, missingParam(k)
		}
	}
	if err := st.client.checkSecretHash(st.params["USERNAME"], secretHashParam(st.params)); err != nil {
		return authOutcome{}, err
	}
	sess, d, err := s.takeSession(ctx, st.client, st.params["PASSWORD_CLAIM_SECRET_BLOCK"], string(api.ChallengeNameTypePasswordVerifier))
	if err != nil {
		return authOutcome{}, err
	}
	if d.Admin != st.admin {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid session for the user.")
	}
	// A fake session (unknown user) goes through the same checks and SRP
	// math as a real one, so that neither its answers nor its time tell it
	// apart; it fails where a wrong password would.
	var u store.User
	given := st.params["USERNAME"]
	if d.Fake {
		if given != d.Username && p.usernameKey(given) != p.usernameKey(d.Username) {
			return authOutcome{}, api.NewNotAuthorizedException("Invalid session for the user.")
		}
	} else {
		u, err = s.store.GetUser(ctx, p.id(), sess.UserKey)
		if err != nil {
			return authOutcome{}, storeErr(err, userNotFound)
		}
		if given != u.Username && p.usernameKey(given) != u.Key {
			if other, err := s.findUser(ctx, p, given); err != nil || other.Key != u.Key {
				return authOutcome{}, api.NewNotAuthorizedException("Invalid session for the user.")
			}
		}
	}
	ts, err := srp.ParseTimestamp(st.params["TIMESTAMP"])
	if err != nil {
		return authOutcome{}, invalidParameter("TIMESTAMP format is invalid.")
	}
	if skew := s.clock().Sub(ts); skew > maxClaimSkew || skew < -maxClaimSkew {
		return authOutcome{}, api.NewNotAuthorizedException("Invalid TIMESTAMP.")
	}
	if d.Fake {
		_ = verifySRPClaim(d, poolName(p.id()), d.Username, st.params)
		return authOutcome{}, incorrectPassword()
	}
	err = s.checkPasswordAttempt(ctx, p, u, func(*userData) bool {
		return verifySRPClaim(d, poolName(p.id()), d.Username, st.params)
	})
	if err != nil {
		return authOutcome{}, err
	}
	return s.afterPassword(ctx, st, u, s.clock())
}

// verifySRPClaim recomputes the SRP session key from the stored b, B, A
// and verifier and checks the client's HMAC over the claim. For users
// poolName is the pool ID's name part and userID the username; for devices
// they are the device group key and the device key.
func verifySRPClaim(d sessionData, poolName, userID string, params map[string]string) bool {
	b, err1 := srp.DecodeHex(d.SRPb)
	B, err2 := srp.DecodeHex(d.SRPB)
	v, err3 := srp.DecodeHex(d.Verifier)
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	server, err := srp.ResumeServerSession(v, b, B)
	if err != nil {
		return false
	}
	key, err := server.SessionKeyHex(d.SRPA)
	if err != nil {
		return false
	}
	block, err := srp.DecodeSecretBlock(params["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil {
		return false
	}
	return srp.VerifyPasswordClaim(key, poolName, userID, block, params["TIMESTAMP"], params["PASSWORD_CLAIM_SIGNATURE"])
}
